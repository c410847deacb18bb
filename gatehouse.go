package gatehouse

import (
	"errors"
	"net/http"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// Gatehouse is the site- or route-wide switch of every Gatehouse module
// (http.handlers.gatehouse): placed before them, it sets monitor mode for
// the requests it sees, and each module without a monitor setting of its
// own follows it.
//
//	example.com {
//	    gatehouse monitor
//	    request_filter
//	    api_auth { ... }
//	    ...
//	}
type Gatehouse struct {
	// Monitor runs every Gatehouse module of this site or route in
	// observe-only mode: they log and count as would_block / would_mask
	// what they would have rejected, denied, blocked or masked, and change
	// nothing in the request or the response. false forces enforcement
	// for modules that do not set monitor themselves, overriding the
	// gatehouse global option. A module's own monitor setting wins.
	Monitor *bool `json:"monitor,omitempty"`
}

// CaddyModule returns the Caddy module information.
func (Gatehouse) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.gatehouse",
		New: func() caddy.Module { return new(Gatehouse) },
	}
}

// Validate refuses a handler that would do nothing.
func (g *Gatehouse) Validate() error {
	if g.Monitor == nil {
		return errors.New("gatehouse: set monitor to true (observe only) or false (enforce)")
	}
	return nil
}

// ServeHTTP sets the site's mode for the modules that follow.
func (g *Gatehouse) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	if g.Monitor != nil {
		caddyhttp.SetVar(r.Context(), monitorVarKey, *g.Monitor)
	}
	return next.ServeHTTP(w, r)
}

// GatehouseApp holds the settings every Gatehouse module of the config
// shares (app "gatehouse", the gatehouse global option of the Caddyfile).
type GatehouseApp struct {
	// Monitor is the default mode of every Gatehouse module in the
	// config: observe only when true. A site's gatehouse handler and a
	// module's own monitor setting override it.
	Monitor bool `json:"monitor,omitempty"`

	// DecisionLogRate is the most decision log lines each module instance
	// writes per second; the others are counted and reported. Default 20;
	// -1 writes every line.
	DecisionLogRate int `json:"decision_log_rate,omitempty"`
}

// CaddyModule returns the Caddy module information.
func (GatehouseApp) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "gatehouse",
		New: func() caddy.Module { return new(GatehouseApp) },
	}
}

// Start and Stop: the app holds settings only.
func (*GatehouseApp) Start() error { return nil }

// Stop implements caddy.App.
func (*GatehouseApp) Stop() error { return nil }

// gatehouseSettings reads the gatehouse app if the config has one.
func gatehouseSettings(ctx caddy.Context) GatehouseApp {
	v, err := ctx.AppIfConfigured("gatehouse")
	if err != nil {
		return GatehouseApp{}
	}
	if app, ok := v.(*GatehouseApp); ok {
		return *app
	}
	return GatehouseApp{}
}

// Interface guards.
var (
	_ caddy.App                   = (*GatehouseApp)(nil)
	_ caddy.Validator             = (*Gatehouse)(nil)
	_ caddyhttp.MiddlewareHandler = (*Gatehouse)(nil)
)
