package gatehouse

import (
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// parseGatehouse sets up the site- or route-wide switch:
//
//	gatehouse monitor|enforce
func parseGatehouse(h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
	g := new(Gatehouse)
	h.Next() // directive name
	if !h.NextArg() {
		return nil, h.Errf("gatehouse: expected monitor or enforce")
	}
	on, err := parseMonitorWord(h.Dispenser)
	if err != nil {
		return nil, err
	}
	g.Monitor = &on
	if h.NextArg() || h.NextBlock(0) {
		return nil, h.Errf("gatehouse: unexpected %q", h.Val())
	}
	return g, nil
}

// parseMonitorWord reads monitor or enforce at the cursor.
func parseMonitorWord(d *caddyfile.Dispenser) (bool, error) {
	switch d.Val() {
	case "monitor":
		return true, nil
	case "enforce":
		return false, nil
	}
	return false, d.Errf("expected monitor or enforce, got %q", d.Val())
}

// parseMonitorOption reads a module's own `monitor [on|off]` subdirective
// (the cursor is on "monitor").
func parseMonitorOption(d *caddyfile.Dispenser) (*bool, error) {
	on := true
	if d.NextArg() {
		switch d.Val() {
		case "on", "true":
		case "off", "false":
			on = false
		default:
			return nil, d.Errf("monitor: expected on or off, got %q", d.Val())
		}
	}
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	return &on, nil
}

// parseGatehouseOption is the gatehouse global option:
//
//	{
//	    gatehouse monitor|enforce
//	    # or
//	    gatehouse {
//	        monitor
//	        decision_log_rate <lines-per-second>|off
//	    }
//	}
func parseGatehouseOption(d *caddyfile.Dispenser, _ any) (any, error) {
	var app GatehouseApp
	d.Next() // option name
	if d.NextArg() {
		on, err := parseMonitorWord(d)
		if err != nil {
			return nil, err
		}
		app.Monitor = on
		if d.NextArg() {
			return nil, d.ArgErr()
		}
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "monitor":
			on, err := parseMonitorOption(d)
			if err != nil {
				return nil, err
			}
			app.Monitor = *on
		case "decision_log_rate":
			if err := logRateArg(d, &app.DecisionLogRate); err != nil {
				return nil, err
			}
		default:
			return nil, d.Errf("gatehouse: unrecognized option %q", d.Val())
		}
	}
	return httpcaddyfile.App{Name: "gatehouse", Value: caddyconfig.JSON(app, nil)}, nil
}

// logRateArg reads the <lines-per-second>|off argument of the
// subdirective at the cursor (off: -1, no limit).
func logRateArg(d *caddyfile.Dispenser, dst *int) error {
	name := d.Val()
	var v string
	if err := oneArg(d, &v); err != nil {
		return err
	}
	if v == "off" {
		*dst = -1
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return d.Errf("%s: expected a positive number of lines per second or off, got %q", name, v)
	}
	*dst = n
	return nil
}

// oneArg reads the single argument of the subdirective at the cursor.
func oneArg(d *caddyfile.Dispenser, dst *string) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	*dst = d.Val()
	if d.NextArg() {
		return d.ArgErr()
	}
	return nil
}

// flagArg sets dst for a subdirective that takes no argument.
func flagArg(d *caddyfile.Dispenser, dst *bool) error {
	if d.NextArg() {
		return d.ArgErr()
	}
	*dst = true
	return nil
}
