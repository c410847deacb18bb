package filter

import (
	"fmt"
	"strings"
	"testing"
)

// Absolute paths sent as the whole value of a parameter, built from a
// root spelling and a file of the system's directories, and the paths
// and sentences that share their parts.

func lfiPathAttacks() []string {
	unix := cross("", []string{"/", "//", "../../"}, []string{
		"etc/hosts", "etc/group", "etc/issue", "etc/crontab", "etc/nginx/nginx.conf", "etc/mysql/my.cnf",
		"etc/httpd/conf/httpd.conf", "var/log/apache2/access.log", "var/log/httpd/access_log", "var/log/auth.log",
		"var/lib/mysql/mysql/user.MYD", "usr/local/etc/php.ini", "proc/self/cwd/index.php", "private/etc/master.passwd",
	})
	win := cross("", []string{"C:/", `C:\`, "c:\\\\", "%SYSTEMDRIVE%/"}, []string{"inetpub/wwwroot/web.config", `Windows\System32\drivers\etc\hosts`, "windows/debug/netsetup.log", "winnt/repair/sam"})
	return append(append(unix, win...),
		// The brief's shapes: secrets, wrappers and globs.
		"/etc/passwd", "/etc/shadow", "/proc/self/environ", `C:\Windows\win.ini`, "c:/boot.ini", "~/.ssh/id_rsa",
		"php://filter/convert.base64-encode/resource=index.php", "file:///etc/passw*", "file:///etc/pass?d",
		"zip://uploads/avatar.zip#shell.php", "phar://uploads/avatar.jpg/x.php", "expect://id")
}

var lfiPathBenign = []string{
	"Edit /etc/hosts to add the name", "see /var/log/nginx/error.log for details", "/home/alice/report.pdf", "/tmp/upload.png",
	`C:\Users\alice\Documents\cv.docx`, "D:/Projects/site/index.html", "~/Documents/notes.md", "/var/www/uploads/a.png",
	"/usr/share/doc/readme.txt", "/etc", "/etc/[name]/config", "/var/log/{app}/current.log",
	"/var/log/myapp/app-2025-04-30T15-00-00.000.log", "/var/log/../run/app.sock", "/srv/etc/app.yaml", "/api/v1/var/logs",
	"file:///var/log/system.log",
}

func TestLFIPathAttacks(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, p := range lfiPathAttacks() {
		for _, place := range []string{"query", "form", "json"} {
			expectBlocked(t, eng, place, "file", p, true)
		}
		// The same value as a GraphQL argument.
		doc := `{ file(path: "` + strings.ReplaceAll(p, `\`, `\\`) + `") { body } }`
		expectVerdict(t, eng, gqlSend("json", doc, nil), fmt.Sprintf("GraphQL argument %q", p), true)
	}
}

func TestLFIPathBenign(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, p := range lfiPathBenign {
		for _, place := range []string{"query", "form", "json"} {
			expectBlocked(t, eng, place, "file", p, false)
		}
	}
}
