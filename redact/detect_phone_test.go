package redact

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestPhoneShapes(t *testing.T) {
	cases := []struct {
		name, in, masked string // masked "": nothing may be found
	}{
		// International: "+", "00", "011" and a country code.
		{"intl GB", "call +44 20 7946 0958 now", "call +** ** **** **** now"},
		{"intl compact DE", "+4915112345678", "+*************"},
		{"intl NANP parens", "+1 (415) 555-2671", "+* (***) ***-****"},
		{"intl trunk in parens", "+44 (0) 20 7946 0958", "+** (*) ** **** ****"},
		{"intl FR single digit", "+33 6 12 34 56 78", "+** * ** ** ** **"},
		{"00 prefix CH", "0041 44 668 18 00", "**** ** *** ** **"},
		{"001- prefix with ext", "001-212-555-0143x4587", "***-***-***-*********"},
		{"011 prefix", "011 44 20 7946 0958", "*** ** ** **** ****"},
		// Extensions go with the number.
		{"ext dot", "(415) 555-2671 ext. 12 today", "(***) ***-**** ***. ** today"},
		{"ext x", "415-555-2671x4587", "***-***-*********"},
		{"ext spaced x", "415.555.2671 x 123", "***.***.**** * ***"},
		{"extension word", "+44 20 7946 0958 extension 4", "+** ** **** **** ********* *"},
		{"ext hash", "1-800-555-0199 #12", "*-***-***-**** #**"},
		// National formats.
		{"NANP dashed", "call 415-555-2671", "call ***-***-****"},
		{"NANP 1-", "1-800-555-0199", "*-***-***-****"},
		{"NANP 1 (800)", "1 (800) 555-0199", "* (***) ***-****"},
		{"NANP paren glued", "(415)555-2671", "(***)***-****"},
		{"GB mobile", "07700 900 123", "***** *** ***"},
		{"GB mobile 2", "07700 063 966", "***** *** ***"},
		{"GB London", "020 7946 0958", "*** **** ****"},
		{"DE slash", "030/12345678", "***/********"},
		{"DE mobile 4-4-4", "0151 1234 5678", "**** **** ****"},
		{"DE parens", "(99) 645-791", "(**) ***-***"},
		{"DK-style pairs", "60-56-85-91", "**-**-**-**"},
		{"FR pairs", "06 12 34 56 78", "** ** ** ** **"},
		{"FR dotted", "06.12.34.56.78", "**.**.**.**.**"},
		{"ES 3-3-3", "912 345 678", "*** *** ***"},
		{"NL dash", "06-12345678", "**-********"},
		{"AU parens", "(02) 9876 5432", "(**) **** ****"},
		{"IN mobile", "098765 43210", "****** *****"},
		{"BR mobile", "(11) 91234-5678", "(**) *****-****"},
		{"list of two", "020-7946-0958 020-7946-0959", "***-****-**** ***-****-****"},
		{"before a date", "(415) 555-2671 2024-01-15", "(***) ***-**** 2024-01-15"},
		// Bare digit runs need a context.
		{"bare with word", "phone: 4155552671", "phone: **********"},
		{"bare tel", "Tel 02079460958", "Tel ***********"},
		{"bare no context", "id 4155552671", ""},
		{"timestamp", "1700000000", ""},
		// Near-misses.
		{"iso date", "2024-01-15", ""},
		{"iso timestamp", "2024-01-15T10:30:00Z", ""},
		{"date dotted", "15.01.2024", ""},
		{"date slashed", "01/15/2024", ""},
		{"date dashed DMY", "15-01-2024", ""},
		{"datetime", "2024-01-15 10:30:00", ""},
		{"version", "v1.2.3", ""},
		{"windows build", "10.0.19045.2965", ""},
		{"ipv4", "192.168.100.200", ""},
		{"price dotted", "1.299.000", ""},
		{"price millions", "12.345.678", ""},
		{"price spaced", "1 234 567", ""},
		{"price decimal", "1234567.89", ""},
		{"price currency", "$415 555 2671", ""},
		{"order hash", "#415-555-2671", ""},
		{"order word", "order 2024-000123", ""},
		{"order word 2", "Order: 2024 0001 5678", ""},
		{"invoice", "invoice 06-12345678", ""},
		{"ref bare", "ref 4155552671", ""},
		// After an id word, a phone grouping is masked all the same.
		{"id then phone grouping", "id 06 12 34 56 78", "id ** ** ** ** **"},
		{"token", "DE-2024-0001-5678", ""},
		{"isbn", "978-3-16-148410-0", ""},
		{"ssn shape", "666-12-3456", ""},
		{"suite address", "Suite 680 36 4022", ""},
		{"street", "1600 Amphitheatre Parkway", ""},
		{"zip and city", "12 Rue de la Paix, 75002 Paris", ""},
		{"coordinates", "48.8566, 2.3522", ""},
		{"uuid", "550e8400-e29b-41d4-a716-446655440000", ""},
		{"card failing luhn", "9111-1111 1111-1111", ""},
		{"iban tail", "DE89 3704 0044 0532 0130 01", ""},
		{"short", "+12 345", ""},
		{"decimal before", "0.4155552671", ""},
		{"path", "/api/users/4155552671", ""},
	}
	r := mustNew(t, Config{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			types, out := detect(t, r, tc.in)
			if tc.masked == "" {
				if len(types) != 0 || out != tc.in {
					t.Fatalf("%q: unexpected findings %v -> %q", tc.in, types, out)
				}
				return
			}
			if out != tc.masked || types[DetPhone] == 0 {
				t.Fatalf("%q -> %q (%v), want %q", tc.in, out, types, tc.masked)
			}
			// The same inside a JSON string.
			js := `{"v":"` + tc.in + `"}`
			got, _ := maskAll(t, r, KindJSON, []byte(js))
			if want := `{"v":"` + tc.masked + `"}`; string(got) != want {
				t.Fatalf("json %s -> %s, want %s", js, got, want)
			}
		})
	}
}

func TestPhoneRegions(t *testing.T) {
	for _, tc := range []struct {
		regions []string
		in      string
		mask    bool
	}{
		{[]string{"US"}, "015-555-2671", false}, // area code 0: no NANP number
		{nil, "015-555-2671", true},             // valid in FR, IT, NL
		{[]string{"US"}, "07700 063 966", false},
		{[]string{"gb"}, "07700 063 966", true},
		{[]string{"GB"}, "415-555-2671", false}, // no NANP region listed
		{[]string{"GB"}, "+1 415-555-2671", true},
		{[]string{"CA"}, "415-555-2671", true},
		{[]string{"JP"}, "03-1234-5678", true},
		{[]string{"US"}, "03-1234-5678", false},
		{[]string{"BY"}, "8 029 491-17-21", true}, // trunk "8 0" parsed by the library
		{[]string{"LT"}, "(0-312) 34062", true},   // trunk and area code in one pair of parentheses
		{[]string{"HU"}, "(06 1) 234 5833", true},
		{[]string{"US"}, "call 00683-7796 now", true}, // an exit code: any country (Niue)
	} {
		r := mustNew(t, Config{PhoneRegions: tc.regions})
		types, out := detect(t, r, tc.in)
		if got := types[DetPhone] == 1; got != tc.mask {
			t.Errorf("%v %q: masked=%v want %v (%q)", tc.regions, tc.in, got, tc.mask, out)
		}
	}
	if _, err := New(Config{PhoneRegions: []string{"XX"}}); err == nil {
		t.Error("unknown region accepted")
	}
	if _, err := New(Config{PhoneRegions: []string{"XX"}, Disable: []string{DetPhone}}); err != nil {
		t.Errorf("phone off: regions not checked: %v", err)
	}
}

func TestPhoneContextJSON(t *testing.T) {
	r := mustNew(t, Config{})
	for _, tc := range []struct {
		in   string
		mask bool
	}{
		{`{"phone":"4155552671"}`, true},
		{`{"phoneNumber":"02079460958"}`, true},
		{`{"contact":{"mobile":"+447700900123"}}`, true},
		{`{"id":"4155552671"}`, false},
		{`{"hotel":"4155552671"}`, false},
		{`{"phone":"4155552672 and more"}`, true},
		{`{"phone":4155552671}`, true},
		{`{"msisdn":447700900123}`, true},
		{`{"user":{"mobile":33612345678}}`, true},
		{`{"phone":1700000000}`, true}, // a GB or DE number: the key says phone
		{`{"created":1700000000,"id":4155552671}`, false},
	} {
		out, _ := maskAll(t, r, KindJSON, []byte(tc.in))
		if masked := string(out) != tc.in; masked != tc.mask {
			t.Errorf("%s: masked=%v want %v (%s)", tc.in, masked, tc.mask, out)
		}
	}
}

// TestPhoneBudget: a body made of phone-shaped groups costs at most the
// library budget, and past it candidates are masked all the same.
func TestPhoneBudget(t *testing.T) {
	r := mustNew(t, Config{})
	var sb strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&sb, "%02d %02d %02d %02d\n", i%100, (i/100)%100, i%89, i%97)
	}
	st := r.NewStream(new(strings.Builder), KindText)
	_, _ = st.Write([]byte(sb.String()))
	_ = st.Close()
	if max := phoneLibBase + sb.Len()/phoneLibBytes; st.phCalls > max {
		t.Fatalf("%d library calls for %d bytes, budget %d", st.phCalls, sb.Len(), max)
	}
}

// phoneSamples generates numbers libphonenumber calls valid: the example
// numbers of every region and type, with their last digits varied.
func phoneSamples(rng *rand.Rand, perType int) []*phonenumbers.PhoneNumber {
	var out []*phonenumbers.PhoneNumber
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE,
		phonenumbers.TOLL_FREE, phonenumbers.FIXED_LINE_OR_MOBILE}
	for region := range phonenumbers.GetSupportedRegions() {
		for _, ty := range types {
			ex := phonenumbers.GetExampleNumberForType(region, ty)
			if ex == nil {
				continue
			}
			for range perType * 4 {
				v := ex.GetNationalNumber()
				v = v - v%1000 + uint64(rng.IntN(1000))
				n := &phonenumbers.PhoneNumber{CountryCode: ex.CountryCode, NationalNumber: &v,
					ItalianLeadingZero: ex.ItalianLeadingZero, NumberOfLeadingZeros: ex.NumberOfLeadingZeros}
				if phonenumbers.IsValidNumber(n) {
					out = append(out, n)
				}
				if len(out)%perType == 0 {
					break
				}
			}
		}
	}
	return out
}

// TestPhoneRecall measures recall on numbers the library calls valid, in
// the formats it prints them in (international, E.164, "00" and national
// for a region configured), with and without extensions.
func TestPhoneRecall(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	samples := phoneSamples(rng, 3)
	def := mustNew(t, Config{})
	perRegion := map[string]*Redactor{}
	total, missed := 0, 0
	var misses []string
	byForm := map[string][2]int{} // format → missed, total
	check := func(r *Redactor, s, what string) {
		total++
		form := strings.Fields(what)[0]
		c := byForm[form]
		c[1]++
		defer func() { byForm[form] = c }()
		in := "Contact: " + s + " today"
		_, out := detect(t, r, in)
		if strings.ContainsAny(strings.TrimPrefix(strings.TrimSuffix(out, " today"), "Contact: "), "123456789") {
			missed++
			c[0]++
			if len(misses) < 200 {
				misses = append(misses, what+" "+s+" -> "+out)
			}
		}
	}
	for _, n := range samples {
		intl := phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
		check(def, intl, "intl")
		check(def, phonenumbers.Format(n, phonenumbers.E164), "e164")
		check(def, "00"+strings.TrimPrefix(strings.ReplaceAll(intl, " ", "-"), "+"), "00")
		check(def, intl+" ext. 12", "ext")
		region := phonenumbers.GetRegionCodeForNumber(n)
		r := perRegion[region]
		if r == nil {
			r = mustNew(t, Config{PhoneRegions: []string{region}})
			perRegion[region] = r
		}
		nat := phonenumbers.Format(n, phonenumbers.NATIONAL)
		form := "national "
		if digitCount(nat) < 8 {
			form = "short-national "
		}
		check(r, nat, form+region)
	}
	for form, c := range byForm {
		t.Logf("%-9s recall %.4f (%d of %d missed)", form, 1-float64(c[0])/float64(c[1]), c[0], c[1])
	}
	recall := 1 - float64(missed)/float64(total)
	if c := byForm["short-national"]; c[1] > 0 {
		// Numbers of fewer than 8 digits without a trunk prefix ("320
		// 1291" in FM) look like any other number: not counted.
		missed -= c[0]
		total -= c[1]
	}
	recall = 1 - float64(missed)/float64(total)
	t.Logf("phone recall %.4f (%d of %d missed, %d valid numbers of %d regions)", recall, missed, total, len(samples), len(perRegion))
	if os.Getenv("PHONE_MISSES") != "" {
		t.Log(strings.Join(misses, "\n"))
	}
	if recall < 0.995 {
		t.Errorf("recall %.4f < 0.995; misses: %s", recall, strings.Join(misses, "\n"))
	}
}

func digitCount(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// TestPhonePrecision measures false masks on generated near-misses with
// every detector on.
func TestPhonePrecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	r := mustNew(t, Config{})
	gens := map[string]func() string{
		"iso date": func() string { return fmt.Sprintf("%d-%02d-%02d", 1950+rng.IntN(80), 1+rng.IntN(12), 1+rng.IntN(28)) },
		"dmy dotted": func() string {
			return fmt.Sprintf("%02d.%02d.%d", 1+rng.IntN(28), 1+rng.IntN(12), 1950+rng.IntN(80))
		},
		"mdy slashed": func() string {
			return fmt.Sprintf("%02d/%02d/%d", 1+rng.IntN(12), 1+rng.IntN(28), 1950+rng.IntN(80))
		},
		"dmy dashed": func() string {
			return fmt.Sprintf("%02d-%02d-%d", 1+rng.IntN(28), 1+rng.IntN(12), 1950+rng.IntN(80))
		},
		"timestamp": func() string {
			return fmt.Sprintf("%d-%02d-%02dT%02d:%02d:%02d.%03dZ", 2000+rng.IntN(30), 1+rng.IntN(12), 1+rng.IntN(28),
				rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(1000))
		},
		"datetime": func() string {
			return fmt.Sprintf("%d-%02d-%02d %02d:%02d:%02d", 2000+rng.IntN(30), 1+rng.IntN(12), 1+rng.IntN(28),
				rng.IntN(24), rng.IntN(60), rng.IntN(60))
		},
		"unix":    func() string { return fmt.Sprint(1e9 + rng.Int64N(8e8)) },
		"unix ms": func() string { return fmt.Sprint(1.5e12 + rng.Int64N(2e11)) },
		"version": func() string {
			return fmt.Sprintf("%d.%d.%d.%d", rng.IntN(20), rng.IntN(10), rng.IntN(30000), rng.IntN(10000))
		},
		"semver": func() string { return fmt.Sprintf("v%d.%d.%d", rng.IntN(20), rng.IntN(30), rng.IntN(100)) },
		"ipv4": func() string {
			return fmt.Sprintf("%d.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.IntN(256))
		},
		"price dots": func() string { return fmt.Sprintf("%d.%03d.%03d", 1+rng.IntN(99), rng.IntN(1000), rng.IntN(1000)) },
		"price spaces": func() string {
			return fmt.Sprintf("%d %03d %03d", 1+rng.IntN(99), rng.IntN(1000), rng.IntN(1000))
		},
		"price eu": func() string {
			return fmt.Sprintf("%d.%03d.%03d,%02d €", 1+rng.IntN(99), rng.IntN(1000), rng.IntN(1000), rng.IntN(100))
		},
		"price decimal": func() string { return fmt.Sprintf("%d.%02d", rng.IntN(1e9), rng.IntN(100)) },
		"price usd": func() string {
			return fmt.Sprintf("$%d,%03d,%03d.%02d", 1+rng.IntN(999), rng.IntN(1000), rng.IntN(1000), rng.IntN(100))
		},
		"order id": func() string {
			return fmt.Sprintf("order %d-%06d", 2000+rng.IntN(30), rng.IntN(1e6))
		},
		"order hash": func() string {
			return fmt.Sprintf("#%03d-%03d-%04d", 200+rng.IntN(800), 200+rng.IntN(800), rng.IntN(10000))
		},
		"ref id": func() string {
			return fmt.Sprintf("ref %04d-%06d", rng.IntN(1e4), rng.IntN(1e6))
		},
		"ref bare": func() string { return fmt.Sprintf("ref %d", 1e9+rng.Int64N(9e9)) },
		"order year": func() string {
			return fmt.Sprintf("Order: %d %04d %04d", 2000+rng.IntN(30), rng.IntN(1e4), rng.IntN(1e4))
		},
		"bare id": func() string { return fmt.Sprintf("id %d", 1e9+rng.Int64N(9e9)) },
		"sku":     func() string { return fmt.Sprintf("SKU-%d-%04d", rng.IntN(1e5), rng.IntN(1e4)) },
		"address": func() string {
			return fmt.Sprintf("Suite %d %d %d Main St", 100+rng.IntN(900), rng.IntN(100), 1000+rng.IntN(9000))
		},
		"house": func() string { return fmt.Sprintf("%d Amphitheatre Parkway, CA %05d", 1+rng.IntN(9999), rng.IntN(1e5)) },
		"isbn": func() string {
			return fmt.Sprintf("978-%d-%02d-%06d-%d", rng.IntN(10), rng.IntN(100), rng.IntN(1e6), rng.IntN(10))
		},
		"coords": func() string {
			return fmt.Sprintf("%d.%04d, %d.%04d", rng.IntN(90), rng.IntN(1e4), rng.IntN(180), rng.IntN(1e4))
		},
		"uuid": func() string {
			return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48))
		},
		"duration": func() string { return fmt.Sprintf("%d ms %d µs", rng.IntN(1e5), rng.IntN(1e5)) },
	}
	total, masked := 0, 0
	for name, gen := range gens {
		bad := 0
		for range 500 {
			s := gen()
			in := "at " + s + " ok"
			types, out := detect(t, r, in)
			total++
			if len(types) != 0 {
				masked++
				if bad++; bad <= 3 {
					t.Logf("%s: %q -> %q %v", name, in, out, types)
				}
			}
		}
	}
	precision := 1 - float64(masked)/float64(total)
	t.Logf("near-miss false masks: %d of %d (%.4f kept)", masked, total, precision)
	if precision < 0.995 {
		t.Errorf("%.4f of near-misses kept < 0.995", precision)
	}
}

// TestPhoneNationalForms: short national numbers without a trunk prefix
// (masked where the context says phone), "(+62)" country codes, a trunk
// prefix written after the country code, a region's country code without
// "+", a slash after the area code; and the near-misses that share their
// shapes (postal codes, dates with times, thousands, order numbers).
func TestPhoneNationalForms(t *testing.T) {
	runRecallTable(t, Config{PhoneRegions: []string{"LU", "MV", "NO", "DK", "BE", "NG", "GB", "DE", "US"}}, []recallCase{
		{"LU short with context", "Tel: 42 56 99", DetPhone},
		{"MV short dash with context", "phone 684-8281", DetPhone},
		{"MV short space with context", "mobile: 743 4303", DetPhone},
		{"NO area in parentheses", "(99) 645-791", DetPhone},
		{"DK pairs", "60-56-85-91", DetPhone},
		{"GB mobile", "07700 063 966", DetPhone},
		{"country code in parentheses", "(+62) 617 1560 403", DetPhone},
		{"country code in parentheses GE", "(+995) 558 599 834", DetPhone},
		{"trunk after country code", "+49 0397 9412619", DetPhone},
		{"trunk after country code compact", "+4903979412619", DetPhone},
		{"own country code without plus", "234 809 329 4827", DetPhone},
		{"slash after area code", "023/193 73 76", DetPhone},
		{"LU bare run under a phone key", `{"phone":"519398"}`, DetPhone},
		{"MV bare run after a phone word", "Phone: 7263987", DetPhone},
		{"LU bare run after an abbreviated phone word", "Tel. 708168", DetPhone},
		// Near-misses.
		{"LU short without context", "see 42 56 99 below", ""},
		{"MV short without context", "units 684-8281", ""},
		{"ZIP+4", "Springfield, IL 62704-1234", ""},
		{"CEP", "São Paulo 01310-100", ""},
		{"postal 3-4", "〒074-6446", ""},
		{"date and time", "04.12.2007 05:53:18", ""},
		{"date with spaces", "born 24 02 1951", ""},
		{"thousands with dots", "total 747.209.334", ""},
		{"order no", "Order no. 2027-306451", ""},
		{"two slashes", "023/193/7376", ""},
		{"country code in parentheses too long", "(+12345) 617 1560", ""},
		{"zeros across groups are no exit code", "see 0-06-772075-7", ""},
		{"LU bare run without context", "invoice 519398 paid", ""},
		{"bare run under another key", `{"id":"519398","zip":"7263987"}`, ""},
		{"bare run of 5 under a phone key", `{"phone":"51939"}`, ""},
		{"bare run inside a word after a phone word", "Phone: A519398", ""},
	})
}

// TestShortLocalPhoneJSON checks the short local numbers that only JSON's
// keys name: whole string values under a phone key, also in arrays, and
// the values that keep their digits.
func TestShortLocalPhoneJSON(t *testing.T) {
	r := mustNew(t, Config{PhoneRegions: []string{"LU", "MV"}})
	for _, tc := range []struct{ in, want string }{
		{`{"phones":["519398","708168"]}`, `{"phones":["******","******"]}`},
		{`{"contact":{"mobile":"7263987","id":"519398"}}`, `{"contact":{"mobile":"*******","id":"519398"}}`},
		{`{"phone":"51939","tel":"519398x"}`, `{"phone":"51939","tel":"519398x"}`},
		{`{"order":"519398","zip":"7263987","phone_verified":true}`, `{"order":"519398","zip":"7263987","phone_verified":true}`},
	} {
		out, _ := maskAll(t, r, KindJSON, []byte(tc.in))
		if string(out) != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, out, tc.want)
		}
	}
}
