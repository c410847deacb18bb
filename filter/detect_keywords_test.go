package filter

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveKeywords is the definition scan implements: the groups of every
// keyword that occurs in s.
func naiveKeywords(s string) uint64 {
	var mask uint64
	for _, g := range kwGroups {
		for _, w := range g.words {
			if strings.Contains(s, w) {
				mask |= g.bit
			}
		}
	}
	return mask
}

// keywordSamples are values built from the keywords themselves: whole,
// cut short at the end of the value, and glued to their neighbours.
func keywordSamples() []string {
	var out []string
	for _, g := range kwGroups {
		for _, w := range g.words {
			out = append(out, w, w[:len(w)-1], "x"+w, w+"x", "a "+w[:len(w)/2+1], w+w[:len(w)-1])
		}
	}
	return out
}

func TestKeywordScanMatchesDefinition(t *testing.T) {
	samples := append(keywordSamples(), "", "a", "gift wrap, ring the bell", "union station parking", "1 union select password from users--")
	rng := rand.New(rand.NewPCG(1, 2))
	words := keywordSamples()
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(words[rng.IntN(len(words))])
			if rng.IntN(2) == 0 {
				b.WriteByte(" ._-(/'"[rng.IntN(7)])
			}
		}
		samples = append(samples, b.String())
	}
	for _, s := range samples {
		if got, want := keywords.scan(s), naiveKeywords(s); got != want {
			t.Fatalf("scan(%q) = %#x, want %#x", s, got, want)
		}
	}
}

func FuzzKeywordScan(f *testing.F) {
	for _, s := range keywordSamples()[:200] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := keywords.scan(s), naiveKeywords(s); got != want {
			t.Fatalf("scan(%q) = %#x, want %#x", s, got, want)
		}
	})
}

// sqlFunctionShapes are one value per alternative of reSQLiFunction.
var sqlFunctionShapes = []string{
	"1 and sleep(5)", "benchmark(1000000,md5(1))", "1;select pg_sleep(3)", "1;waitfor delay '0:0:5'",
	"select * from information_schema.tables", "exec xp_cmdshell 'dir'", "exec sp_executesql @q",
	"sp_oacreate 'wscript.shell'", "sp_makewebtask 'c:/x.html'", "load_file('/etc/passwd')",
	"pg_read_file('/etc/passwd')", "pg_ls_dir('.')", "pg_stat_file('x')", "lo_import('/etc/passwd')",
	"lo_export(1,'/tmp/x')", "lo_get(16400)", "lo_put(1,0,'x')", "lo_from_bytea(0,'x')",
	"copy t from program 'id'", "select 1 into outfile '/tmp/x'", "into dumpfile '/tmp/y'",
	"select x@@version", "extractvalue(1,concat(0x7e,user()))", "updatexml(1,1,1)", "group_concat(name)",
	"utl_http.request('x')", "dbms_pipe.receive_message('a',5)", "select * from sysobjects",
	"syscolumns", "sqlite_master", "select * from pg_shadow", "mysql.user", "fn_varbintohexstr(1)",
	"master.dbo.sysdatabases", "master..sysdatabases", "randomblob(1000000)", "make_set(1,'a')",
	"name_const('a',1)", "geometrycollection((select 1))", "exp(~(select 1))", "exp (~1)",
	"procedure analyse()", "char(65)||char(66)", "char (65),char(66)", "concat(0x41,0x42)",
	"1 and (select 1)", "( select count(*) from t)", "case when 1=1 then 1 else 0 end",
}

// TestSQLFunctionGate: every shape reSQLiFunction (or reSQLiCaseWhen)
// matches carries the keyword bit that lets it run.
func TestSQLFunctionGate(t *testing.T) {
	for _, s := range sqlFunctionShapes {
		n := string(normalize(nil, s))
		if !reSQLiFunction.MatchString(n) && !reSQLiCaseWhen.MatchString(n) {
			t.Errorf("%q: reSQLiFunction does not match (the table is stale)", s)
		}
		if keywords.scan(n)&kwSQLFuncCall == 0 {
			t.Errorf("%q: matched by reSQLiFunction but gated out", s)
		}
	}
}

func FuzzSQLFunctionGate(f *testing.F) {
	for _, s := range sqlFunctionShapes {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := string(normalize(nil, s))
		if (reSQLiFunction.MatchString(n) || reSQLiCaseWhen.MatchString(n)) && keywords.scan(n)&kwSQLFuncCall == 0 {
			t.Fatalf("%q: matched by reSQLiFunction but gated out", n)
		}
	})
}

// FuzzLDAPWholeFilter: the filter parser never panics and only accepts
// values that begin with '(' and end with ')' (after spaces).
func FuzzLDAPWholeFilter(f *testing.F) {
	for _, s := range []string{"(&(a=b)(c:1.2.3:=4))", "(!(x=*))", "(a;b=c)", "((", "(:dn:1.2:=x)", "(a:dn", "(1.=x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ldapWholeFilter(s) {
			tr := strings.Trim(s, " ")
			if tr == "" || tr[0] != '(' || tr[len(tr)-1] != ')' {
				t.Fatalf("accepted %q", s)
			}
		}
	})
}
