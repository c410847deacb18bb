package filter

import "strings"

// scannerAgents are substrings of the User-Agent of vulnerability scanners
// and attack tools (lower case). Generic HTTP clients (curl, python-requests,
// Go-http-client) are not here: APIs are called by them every day.
var scannerAgents = []string{
	"sqlmap", "nikto", "nuclei", "nmap scripting", "nmap nse", "masscan", "zgrab", "acunetix", "netsparker",
	"invicti", "openvas", "nessus", "wpscan", "dirbuster", "gobuster", "dirb/", "feroxbuster", "ffuf",
	"fuzz faster u fool", "wfuzz", "whatweb", "w3af", "arachni", "skipfish", "havij", "zmeu", "jorgee",
	"morfeus", "zaproxy", "owasp zap", "commix", "xsstrike", "hydra", "medusa", ".nasl", "paros",
	"webinspect", "appscan", "bbqsql", "jbrofuzz", "dotdotpwn", "fimap", "pangolin", "webshag",
	"sysscan", "jaeles", "xray/", "interactsh", "burp collaborator", "qualys was", "netlab360", "wapiti",
	"vega/", "brutus", "sqlninja", "absinthe", "crowdstrike falcon", "joomscan", "droopescan", "cmsmap",
	"mozilla/5.0 sf/", // skipfish
}

// scannerPathMarkers are what scanners put in the path of a request for
// a file that cannot exist, to learn how the site answers one (lower
// case).
var scannerPathMarkers = []string{"nmaplowercheck", "nmapuppercheck", "acunetix-wvs-test", "appscan_fingerprint", "w00tw00t.at.", "nessus_is_probing_you", "nikto-test-"}

// scannerHeader: a header field only a scanner sends (name canonical).
func scannerHeader(name, v string) bool {
	switch name {
	case "X-Scan-Memo", "X-Wipp", "X-Requestmanager-Memo", "X-Request-Memo":
		return true // HP/Micro Focus WebInspect
	case "X-Scanner":
		return containsAnyFold(strings.ToLower(v), scannerAgents)
	case "Pragma":
		// Akamai's debug pragmas, which make the edge reveal its cache
		// keys: how cache-poisoning research maps a site.
		return containsFold(v, "akamai-x-get-cache-key") || containsFold(v, "akamai-x-get-true-cache-key")
	}
	return strings.HasPrefix(name, "Acunetix-")
}

// oastDomains are out-of-band interaction services used to confirm blind
// injections; a request naming one is a probe.
var oastDomains = []string{"burpcollaborator.net", "oastify.com", ".oast.me", ".oast.pro", ".oast.live", ".oast.site", ".oast.online", ".oast.fun", "interact.sh", "interactsh", "dnslog.cn", "ceye.io", "requestrepo.com", "bxss.me", ".xss.ht", "canarytokens.com"}

// detectScanner flags tools by User-Agent.
func detectScanner(e *emitter, v *value) {
	if v.kw&kwScanner != 0 {
		e.hit(rScannerUA)
	}
}

// detectScannerPath flags a scanner's probe marker in the path.
func detectScannerPath(e *emitter, v *value) {
	if containsAnyFold(v.norm, scannerPathMarkers) {
		e.hit(rScannerPath)
	}
}

// oastWords gate oastDomains.
var oastWords = []string{"oast", "burpcollaborator", "interact", "dnslog", "ceye", "requestrepo", "bxss", "xss.ht", "canarytoken"}

// oastClasses: an out-of-band host has a dot; a value with none of these
// classes gives detectOAST nothing to find, and runDetectors does not call
// it.
const oastClasses = cDot

// detectOAST flags out-of-band interaction domains in any value.
func detectOAST(e *emitter, v *value) {
	if v.cls&oastClasses == 0 || len(v.norm) < 8 {
		return
	}
	if v.kw&kwOAST != 0 && containsAnyFold(v.norm, oastDomains) {
		e.hit(rScannerOAST)
	}
}

// detectGraphQL flags introspection queries (reconnaissance).
func detectGraphQL(e *emitter, v *value) {
	if v.kw&kwDunder == 0 {
		return
	}
	if strings.Contains(v.norm, "__schema") || strings.Contains(v.norm, "__type(") || strings.Contains(v.norm, "__type (") {
		e.hit(rGraphQLIntrospection)
	}
}

// containsAnyFold: s is already lower case (norm), subs are lower case.
func containsAnyFold(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
