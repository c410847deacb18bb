package redact

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Phone numbers. The scanner finds candidates cheaply by their shape (digit
// groups joined by spaces, dashes, dots, a slash or parentheses, after an
// optional "+", "00" or "011" exit code, with an optional extension) and
// rejects the shapes of dates, prices, versions, addresses and order
// numbers; only a candidate that survives is validated, against the
// numbering plans of Google's libphonenumber (github.com/nyaruka/
// phonenumbers):
//
//   - "+", "00" or "011" then a country calling code: valid for that
//     country ("+44 20 7946 0958", "0041 44 668 18 00", "001-212-555-0143").
//   - a national number: valid in one of Config.PhoneRegions, after the
//     region's trunk prefix ("07700 900 123" GB, "06 12 34 56 78" FR); for
//     regions whose trunk and carrier prefixes are more than one code
//     ("8 0…" BY, "0 9 15…" AR, carrier codes in BR) the library parses
//     a number that fails so.
//
// North American numbers (country code 1) are validated by the NANP rules
// directly (NPA and exchange 2-9, no N11, no x9x area code), a superset of
// what the library calls valid that costs nothing: they are the commonest
// candidates and the library's NANP check alone costs about 3 µs.
//
// A bare run of digits without separators ("4155552671") is a phone
// number only where its context says so (a JSON key or a word before it
// such as "phone", "tel", "mobile", "fax"): ids and timestamps are bare
// digit runs too.
//
// The library allocates and runs regular expressions (3 to 10 µs a
// validation, about 17 µs a parse, which counts three), so a stream spends
// at most phoneLibBase calls plus one per phoneLibBytes of input; past that
// budget a candidate of a valid shape is
// masked unvalidated (fail closed), so that a body built of digit groups
// cannot make the gateway slow.

const (
	maxPhoneGroups = 8
	maxPhoneDigits = 17
	minNational    = 6
	phoneLibBase   = 256
	phoneLibBytes  = 1024
)

// DefaultPhoneRegions are the regions whose national formats are
// recognised when Config.PhoneRegions is empty: North America, the larger
// European markets, India, Australia and Brazil.
var DefaultPhoneRegions = []string{"US", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "AU", "BR"}

// phoneRegion is what the scanner needs of one region's numbering plan.
type phoneRegion struct {
	code string
	ndd  string // trunk prefix digits ("0"), "" if none
	lens uint32 // bit n: a national significant number of n digits exists
	cc   int32
	ccs  string // cc in decimal
	// parse: the region's trunk prefix is more than ndd (carrier codes,
	// "8 0…" BY, "0 9 15…" AR): a national number that fails with ndd
	// stripped is parsed by the library as written.
	parse bool
}

var phoneMeta struct {
	once    sync.Once
	calling [1000]bool // country calling codes
	regions map[string]phoneRegion
	nanp    map[string]bool
}

func loadPhoneMeta() {
	phoneMeta.once.Do(func() {
		for cc := range phonenumbers.GetSupportedCallingCodes() {
			if cc > 0 && cc < 1000 {
				phoneMeta.calling[cc] = true
			}
		}
		phoneMeta.regions = make(map[string]phoneRegion)
		phoneMeta.nanp = make(map[string]bool)
		coll, err := phonenumbers.MetadataCollection()
		if err != nil {
			return // no metadata: every region is unknown, New fails
		}
		for _, m := range coll.GetMetadata() {
			id := m.GetId()
			if len(id) != 2 {
				continue // "001": non-geographic entities
			}
			pr := phoneRegion{code: id, ndd: phonenumbers.GetNddPrefixForRegion(id, true), cc: m.GetCountryCode(),
				ccs: strconv.Itoa(int(m.GetCountryCode()))}
			if np := m.GetNationalPrefixForParsing(); np != "" && np != pr.ndd {
				pr.parse = true
			}
			for _, l := range m.GetGeneralDesc().GetPossibleLength() {
				if l > 0 && l < 32 {
					pr.lens |= 1 << l
				}
			}
			phoneMeta.regions[id] = pr
			if m.GetCountryCode() == 1 {
				phoneMeta.nanp[id] = true
			}
		}
	})
}

// compilePhones resolves Config.PhoneRegions.
func (r *Redactor) compilePhones(cfg Config) error {
	list := cfg.PhoneRegions
	if len(list) == 0 {
		list = DefaultPhoneRegions
	}
	loadPhoneMeta()
	seen := map[string]bool{}
	for _, code := range list {
		code = strings.ToUpper(strings.TrimSpace(code))
		pr, ok := phoneMeta.regions[code]
		if !ok {
			return fmt.Errorf("phone_regions: unknown region %q (want an ISO 3166-1 alpha-2 code such as US, GB, DE)", code)
		}
		if seen[code] {
			continue
		}
		seen[code] = true
		if phoneMeta.nanp[code] {
			r.phNANP = true
			continue
		}
		r.phRegions = append(r.phRegions, pr)
	}
	return nil
}

// phoneCand is a candidate parsed at a trigger.
type phoneCand struct {
	d     [maxPhoneDigits + 4]byte // the digits, exit code included
	nd    int
	plus  bool
	ng    int
	glen  [maxPhoneGroups]int // digits in each group
	gend  [maxPhoneGroups]int // end of each group (after a closing ')')
	gdig  [maxPhoneGroups]int // digits up to the end of each group
	gsep  [maxPhoneGroups]byte
	paren bool // an area code is in parentheses
	trunk int  // digit index of a "(0)" written after a country code, or -1
}

// parsePhone reads digit groups from b[a] ('+', '(' or a digit).
func parsePhone(b []byte, a, end int, c *phoneCand) {
	c.nd, c.ng, c.trunk, c.plus, c.paren = 0, 0, -1, false, false
	j := a
	ccOpen := false // "(+62) 617 …": the country code in parentheses
	if b[j] == '+' {
		c.plus = true
		j++
	} else if b[j] == '(' && j+2 < end && b[j+1] == '+' && isDig(b[j+2]) {
		c.plus, ccOpen = true, true
		j += 2
	}
	var sep byte
	for c.ng < maxPhoneGroups && j < end && j-a < 40 {
		open := ccOpen
		ccOpen = false
		if !open && b[j] == '(' {
			open = true
			j++
		}
		g := j
		for j < end && isDig(b[j]) && c.nd < len(c.d) {
			c.d[c.nd] = b[j]
			c.nd++
			j++
		}
		if j == g || c.nd == len(c.d) {
			c.nd -= c.nd - c.gdigBefore()
			return
		}
		if open {
			if j+1 < end && (b[j] == ' ' || b[j] == '-') && isDig(b[j+1]) {
				// A trunk and an area code in one pair of parentheses:
				// "(0-312) 34062" LT, "(8 12) 34-51-33" TM, "(06 1) 234 5833" HU.
				j++
				for j < end && isDig(b[j]) && c.nd < len(c.d) {
					c.d[c.nd] = b[j]
					c.nd++
					j++
				}
			}
			if j >= end || b[j] != ')' {
				c.nd = c.gdigBefore()
				return
			}
			j++
			if j-g == 2 && b[g] == '0' && c.ng > 0 && c.trunk < 0 {
				// "+44 (0) 20 …": the trunk prefix written after the
				// country code is not dialled from abroad.
				c.nd--
				c.trunk = c.nd
				goto seps
			}
			if c.ng > 1 || c.ng == 1 && !c.plus && c.glen[0] != 1 || c.ng == 0 && c.plus && b[a] == '(' && j-g > 4 {
				c.nd = c.gdigBefore()
				return // parentheses only around an area code or "(+cc)"
			}
			c.paren = c.paren || !(c.ng == 0 && c.plus)
		}
		c.glen[c.ng], c.gend[c.ng], c.gdig[c.ng], c.gsep[c.ng] = c.nd-c.gdigBefore(), j, c.nd, sep
		c.ng++
	seps:
		// A separator: ' ', '-', '.' or '/', with a space on either side
		// at most (" - "), then a digit or '(' ("+1 (415)"). After ')' a
		// digit may follow directly ("(415)555-2671").
		k := j
		if k < end && b[k] == ' ' {
			k++
		}
		sep = ' '
		if k < end && (b[k] == '-' || b[k] == '.' || b[k] == '/') {
			sep = b[k]
			k++
			if k < end && b[k] == ' ' {
				k++
			}
		}
		if k == j {
			if !(open && k < end && isDig(b[k])) {
				return
			}
			sep = 0
		}
		if k >= end || !(isDig(b[k]) || b[k] == '(') {
			return
		}
		j = k
	}
}

// gdigBefore is the number of digits in the groups recorded so far.
func (c *phoneCand) gdigBefore() int {
	if c.ng == 0 {
		return 0
	}
	return c.gdig[c.ng-1]
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// tryPhone is run at a trigger b[i] ('+', '(' or a digit at a word start):
// it returns the end of a phone number (with its extension) starting at
// b[i].
func (s *Stream) tryPhone(st *scanState, b []byte, lo, i, end int) (int, bool) {
	var glue byte
	if i > lo && isDig(b[i]) {
		if i-2 >= lo && isDig(b[i-2]) && (b[i-1] == ' ' || b[i-1] == '-' || b[i-1] == '.') &&
			st.minStart-s.base != i-1 && groupedBefore(b, lo, i-1) {
			// The tail of a longer digit run ("DE89 3704 0044 0532 0130
			// 01" from its fourth group), unless a number just ended
			// there ("020-7946-0958 020-7946-0959").
			return 0, false
		}
		if i-5 >= lo && isIBANSep(b[i-1]) && isDig(b[i-2]) && isDig(b[i-3]) && alphaASCII(b[i-4]) &&
			alphaASCII(b[i-5]) && (i-6 < lo || !wordByte[b[i-6]]) {
			// After "DE89 ": the rest of an IBAN that failed its check.
			return 0, false
		}
		switch p := b[i-1]; p {
		case '#', '$', '\\':
			// "#415-555-2671": an order or ticket number; "$1 234 567".
			// ("\n" is a JSON escape: a word boundary.)
			if p != '\\' || !escapedAt(b, lo, i-1) {
				return 0, false
			}
		case '.', '/', '-':
			if i-2 >= lo && isDig(b[i-2]) {
				glue = b[i-1] // see below
			} else if b[i-1] == '-' && i-2 >= lo && wordByte[b[i-2]] {
				return 0, false // inside a token: "DE-2024-0001-5678"
			}
		}
	}
	var c phoneCand
	parsePhone(b, i, end, &c)
	if c.ng == 0 {
		return 0, false
	}
	if c.ng >= 2 && dateTail(b, lo, i, &c) {
		return 0, false // "24 02 1951" from its second group
	}
	if glue != 0 && (c.gdig[c.ng-1] < 8 || c.ng > 1 && c.gsep[1] == glue) {
		// Joined to digits before by '.', '/' or '-': the rest of a date,
		// version, price or range ("05/08/1995", "10.0.19045.2965"),
		// unless a whole number of another grouping follows
		// ("12.99/001-212-555-0143").
		return 0, false
	}
	if isDig(b[i]) && idShape(&c) && idWordBefore(b, lo, i) {
		return 0, false // "order 2024-000123", "ref 4155552671"
	}
	full := c.ng - 1
	if !c.plus && c.d[0] != '0' && c.gdig[full] >= 13 && c.gdig[full] <= 19 && c.glen[0] == 4 && cardGroupsOK(c.glen[:c.ng]) {
		return 0, false // grouped like a card (that failed Luhn)
	}
	tries, ctx := 0, 0 // ctx: 0 not looked at, 1 none, 2 a phone context
	for g := full; g >= 0; g-- {
		z := c.gend[g]
		if g < full && !phoneListCut(&c, g, full, b, z, end) {
			continue
		}
		ze, ok := phoneEnd(b, z, end)
		if !ok {
			continue
		}
		nd := c.gdig[g]
		if nd > 17 {
			continue
		}
		switch phoneShape(&c, g+1, nd) {
		case shapeNo:
			continue
		case shapeContext:
			// Bare runs, and groupings that prices and ids share with
			// some countries' numbers ("63 123 291" LV, "1800 1 234
			// 5282" PH), need a word or key that says phone.
			if ctx == 0 {
				ctx = 1 + btoi(s.phoneContext(st, b, lo, i))
			}
			if ctx != 2 {
				continue
			}
		}
		if s.phoneValid(&c, g+1, nd, i) {
			return ze, true
		}
		if tries++; tries == 6 {
			break
		}
	}
	return 0, false
}

// phoneListCut says whether the run of groups may end after group g (of
// full), where a space or '/' follows: the whole run is no number, but its
// start may be one followed by another value ("020-7946-0958
// 020-7946-0959", "(415) 555-2671 2024-01-15", "07700 063 966
// 2024-01-15"). The groups of a longer value are kept from starting a
// number of their own in tryPhone ("DE89 3704 0044 0532 0130 01").
func phoneListCut(c *phoneCand, g, full int, b []byte, z, end int) bool {
	return g > 0 && z < end && (b[z] == ' ' || b[z] == '/')
}

// idShape: the groupings an identifier shares with phone numbers (one or
// two groups, or a year first: "2024-000123", "2024 0001 5678"). After an
// id word these are ids; a number grouped like a phone number ("order 06
// 12 34 56 78") is masked all the same, as is one with an exit code.
func idShape(c *phoneCand) bool {
	if c.nd >= 2 && c.d[0] == '0' && c.d[1] == '0' {
		return false
	}
	if c.ng <= 2 {
		return true
	}
	return c.glen[0] == 4 && (c.d[0] == '1' && c.d[1] == '9' || c.d[0] == '2' && c.d[1] == '0')
}

// dateTail says whether the candidate c at b[i] continues a date begun by
// a group of one or two digits just before it, with the same separator:
// "24 02 1951", "15.01.2024" from the month on.
func dateTail(b []byte, lo, i int, c *phoneCand) bool {
	sep := c.gsep[1]
	if i-2 < lo || b[i-1] != sep || !isDig(b[i-2]) {
		return false
	}
	k := i - 2
	for k >= lo && isDig(b[k]) && i-1-k <= 3 {
		k--
	}
	n := i - 2 - k
	if n > 2 || k >= lo && wordByte[b[k]] {
		return false
	}
	return c.glen[0] <= 2 && (c.glen[1] == 4 || c.glen[1] == 2 && c.ng == 2)
}

// groupedBefore says whether the digit group ending before the separator
// b[sep] is itself preceded by the same separator: b[sep+1] then continues
// one grouping ("3704 0044 0532"), not a new value after another
// ("2024-01-15 07700 063 966").
func groupedBefore(b []byte, lo, sep int) bool {
	k := sep - 1
	for k >= lo && sep-k <= 8 && isDig(b[k]) {
		k--
	}
	return k >= lo && b[k] == b[sep]
}

// idWordBefore says whether the word just before b[i] (after spaces, ':',
// '.' or '#') makes the number an identifier: "order 2024 000 123", "ref.
// 12-34-56-78", "invoice #…".
func idWordBefore(b []byte, lo, i int) bool {
	j := i - 1
	for j >= lo && i-j <= 3 && (b[j] == ' ' || b[j] == ':' || b[j] == '.' || b[j] == '#') {
		j--
	}
	if j == i-1 {
		return false
	}
	k := j
	for k >= lo && j-k < 10 && alphaASCII(b[k]) {
		k--
	}
	if k == j || k >= lo && alphaASCII(b[k]) {
		return false
	}
	var low [10]byte
	switch string(lowerInto(low[:0], b[k+1:j+1])) {
	case "no", "nr", "num", "number":
		// "Order no. 2024-000123", "invoice nr 4155552671": an id when
		// an id word comes before.
		return k >= lo && idWordBefore(b, lo, k+1)
	case "order", "invoice", "ref", "reference", "sku", "ticket", "tracking", "case", "id", "isbn",
		"serial", "account", "acct", "iban", "bic", "routing", "version", "build", "release", "item",
		"sn", "imei", "ssn", "zip", "postcode", "batch", "lot", "receipt", "transaction", "txn":
		return true
	}
	return false
}

// phoneEnd checks what follows a number ending at b[z]: a word boundary,
// or an extension ("x4587", " ext. 12", " #3"), which is masked with it.
func phoneEnd(b []byte, z, end int) (int, bool) {
	if z >= end {
		return z, true
	}
	if e, ok := phoneExt(b, z, end); ok {
		return e, true
	}
	c := b[z]
	if wordByte[c] || c == '%' {
		return 0, false
	}
	if c == '.' && z+1 < end && isDig(b[z+1]) || c == '-' && z+1 < end && alnum[b[z+1]] {
		return 0, false // a decimal, a longer token ("00229894-ca72-…")
	}
	return z, true
}

// phoneExt parses an extension at b[z]: up to two spaces or a comma, then
// "x", "ext", "ext.", "extn", "extension" or "#", an optional '.', ':' or
// space, and 1 to 7 digits at a word end.
func phoneExt(b []byte, z, end int) (int, bool) {
	k := z
	for k < end && k-z < 2 && (b[k] == ' ' || b[k] == ',') {
		k++
	}
	if k >= end {
		return 0, false
	}
	switch {
	case b[k] == '#':
		if k == z {
			return 0, false // "555-2671#2" is not written
		}
		k++
	case b[k]|0x20 == 'x':
		k++
	case k+3 <= end && b[k]|0x20 == 'e' && b[k+1]|0x20 == 'x' && b[k+2]|0x20 == 't':
		k += 3
		if k+6 <= end && strings.EqualFold(string(b[k:k+6]), "ension") {
			k += 6
		} else if k < end && b[k]|0x20 == 'n' {
			k++
		}
	default:
		return 0, false
	}
	if k < end && (b[k] == '.' || b[k] == ':') {
		k++
	}
	if k < end && b[k] == ' ' {
		k++
	}
	d := k
	for k < end && isDig(b[k]) && k-d <= 7 {
		k++
	}
	if k == d || k-d > 7 || k < end && (wordByte[b[k]] || b[k] == '.' && k+1 < end && isDig(b[k+1])) {
		return 0, false
	}
	return k, true
}

// Verdicts of phoneShape.
const (
	shapeNo      = iota
	shapeOK      // a phone number's shape
	shapeContext // a phone number's shape only where the context says phone
)

// phoneShape judges the first ng groups (nd digits) of c: the shapes of
// dates, versions and addresses are no phone numbers; bare digit runs,
// thousands groupings and single-digit groups inside are, with context.
func phoneShape(c *phoneCand, ng, nd int) int {
	if c.plus {
		if nd >= 6 && nd <= 17 { // "+290 8761" (Saint Helena)
			return shapeOK
		}
		return shapeNo
	}
	if nd >= 2 && c.d[0] == '0' && c.d[1] == '0' && c.glen[0] >= 2 {
		// An exit code (written in one group, "0-06-772075-7" is an
		// ISBN): the country code and the library decide; a bare run
		// needs a context ("00229894" starts a UUID).
		switch {
		case nd < 9 || nd > 19: // "00683-7796" (Niue)
			return shapeNo
		case ng == 1:
			return shapeContext
		}
		return shapeOK
	}
	if nd < minNational || nd > 15 {
		return shapeNo
	}
	if nd < 8 && !c.paren && !(ng >= 2 && c.d[0] == '0') {
		// Short national numbers ("02 123 072" BG, "(0) 1801 589") are
		// recognised grouped with a trunk prefix or an area code in
		// parentheses; without either ("42 56 99" LU, "684-8281" MV) only
		// grouped, or as a bare run of 6 or 7 digits ("519398" LU), and
		// where the context says phone.
		if ng < 2 {
			if nd >= 6 {
				return shapeContext
			}
			return shapeNo
		}
		if v := nationalShape(c, ng); v == shapeNo {
			return shapeNo
		}
		return shapeContext
	}
	return nationalShape(c, ng)
}

// nationalShape judges a national number of ng groups of c (see
// phoneShape).
func nationalShape(c *phoneCand, ng int) int {
	var seps [256]bool
	slashes := 0
	for g := 1; g < ng; g++ {
		seps[c.gsep[g]] = true
		if c.gsep[g] == '/' {
			slashes++
		}
	}
	dots, slash := seps['.'], seps['/']
	if slashes > 1 || slash && c.gsep[1] != '/' {
		// A date or a path: "01/15/2024", "030/1234/5678"; a slash is
		// written after the area code only ("023/193 73 76" BE).
		return shapeNo
	}
	if ng >= 4 && !c.paren && c.gsep[1] == c.gsep[2] && c.gsep[1] != ' ' &&
		(c.glen[0] == 4 && c.glen[1] <= 2 && c.glen[2] <= 2 || c.glen[0] <= 2 && c.glen[1] <= 2 && c.glen[2] == 4) {
		return shapeNo // a date and a time: "04.12.2007 05:53:18"
	}
	if ng == 2 && c.gsep[1] == '-' && !c.paren && (c.glen[0]+c.glen[1] <= 9 || c.d[0] != '0' && c.glen[0] == 5 && c.glen[1] == 5) {
		// Two groups joined by a dash are how postal codes are written:
		// ZIP+4 "40288-9767", "52095-738" BR, "0971-608" PT, "074-6446"
		// JP, "71983-57941" IR.
		return shapeContext
	}
	if ng >= 3 && dots && !c.paren && c.glen[0] <= 3 && c.d[0] != '0' {
		all3 := true
		for g := 1; g < ng; g++ {
			all3 = all3 && c.glen[g] == 3 && c.gsep[g] == '.'
		}
		if all3 {
			return shapeContext // thousands: "747.209.334"
		}
	}
	if ng == 3 && !c.paren && isDateShape(c.glen[0], c.glen[1], c.glen[2]) {
		if seps[' '] && !dots && !seps['-'] {
			return shapeContext // "22 45 3320" (HT); dates use '-', '.', '/'
		}
		return shapeNo
	}
	if ng == 2 && dots {
		return shapeNo // a decimal: "1234567.89", "0.4155552671"
	}
	if ng == 3 && c.glen[0] == 3 && c.glen[1] == 2 && c.glen[2] == 4 {
		return shapeNo // the shape of an SSN, not of a phone number
	}
	// IPv4 and versions: four dotted groups of at most 3 digits.
	if dots && ng == 4 && c.glen[0] <= 3 && c.glen[1] <= 3 && c.glen[2] <= 3 && c.glen[3] <= 3 {
		return shapeNo
	}
	// Long groups: at most one group of more than 8 digits, and only in a
	// two-group number ("030 12345678").
	for g := range ng {
		if c.glen[g] > 8 && (ng > 2 || g == 0 && ng > 1) {
			return shapeNo
		}
	}
	if ng == 1 && !c.paren {
		return shapeContext // a bare run: an id, a timestamp
	}
	// Thousands: "1.299.000", "12 345 678" (a first group of 1 or 2 digits,
	// the rest of exactly 3).
	if ng >= 3 && c.glen[0] <= 2 && !c.paren && (dots || seps[' ']) {
		all3 := true
		for g := 1; g < ng; g++ {
			all3 = all3 && c.glen[g] == 3
		}
		if all3 {
			return shapeContext
		}
	}
	// Single-digit groups inside: versions, ISBNs ("978-3-16-148410-0").
	for g := 1; g < ng; g++ {
		if c.glen[g] == 1 {
			if dots {
				return shapeNo
			}
			return shapeContext
		}
	}
	return shapeOK
}

// isDateShape: Y-M-D, D-M-Y, M-D-Y (a 4-digit year, 1- or 2-digit day and
// month) or D-M-YY with 2-digit groups.
func isDateShape(a, b, c int) bool {
	return a == 4 && b <= 2 && c <= 2 || a <= 2 && b <= 2 && (c == 4 || c == 2)
}

// phoneValid validates the first nd digits of c.
func (s *Stream) phoneValid(c *phoneCand, ng, nd, at int) bool {
	d := c.d[:nd]
	if c.trunk >= 0 && c.trunk > nd {
		c.trunk = -1
	}
	if c.plus {
		return s.phoneIntl(d, at)
	}
	if d[0] == '0' && d[1] == '0' {
		if c.glen[0] < 2 {
			return false
		}
		return s.phoneIntl(d[2:], at) // no national number starts with 00
	}
	if nd >= 11 && d[0] == '0' && d[1] == '1' && d[2] == '1' && s.phoneIntl(d[3:], at) {
		return true // "011 44 20 7946 0958", dialled from North America
	}
	r := s.r
	if r.phNANP {
		switch {
		case nd == 10 && nanpValid(d):
			return true
		case nd == 11 && d[0] == '1' && nanpValid(d[1:]):
			return true
		}
	}
	for k := range r.phRegions {
		pr := &r.phRegions[k]
		nsn := d
		if pr.ndd != "" && len(nsn) > len(pr.ndd) && string(nsn[:len(pr.ndd)]) == pr.ndd {
			nsn = nsn[len(pr.ndd):]
		}
		if pr.lens&(1<<len(nsn)) != 0 {
			if ok, spent := s.phoneLib(nsn, pr.cc, pr.code, at); ok || !spent {
				return true
			}
		}
		if l := len(pr.ccs); nd >= 8+l && string(d[:l]) == pr.ccs && pr.lens&(1<<(nd-l)) != 0 {
			// "234 809 329 4827": the region's country code without its
			// "+" (the library reads it so too).
			if ok, spent := s.phoneLib(d[l:], pr.cc, pr.code, at); ok || !spent {
				return true
			}
		}
		if pr.parse {
			if ok, spent := s.phoneParse(d, pr.code, at); ok || !spent {
				return true
			}
		}
	}
	return false
}

// phoneParse asks the library to parse the national digits d for region,
// with its own trunk and carrier prefix rules, and to validate the result.
// Parsing costs about three validations (17 µs): three calls of the budget.
func (s *Stream) phoneParse(d []byte, region string, at int) (ok, spent bool) {
	if !s.phoneSpend(at, 3) {
		return false, false
	}
	var pn phonenumbers.PhoneNumber
	if phonenumbers.ParseToNumber(string(d), region, &pn) != nil {
		return false, true
	}
	return phonenumbers.IsValidNumberForRegion(&pn, region), true
}

// phoneSpend takes n library calls from the stream's budget, or reports
// that it is exhausted.
func (s *Stream) phoneSpend(at, n int) bool {
	root := s
	if s.parent != nil {
		root = s.parent
		at = s.origin
	} else {
		at += s.base
	}
	if root.phCalls+n > phoneLibBase+at/phoneLibBytes {
		return false
	}
	root.phCalls += n
	return true
}

// phoneIntl validates d, a country calling code and a national number.
func (s *Stream) phoneIntl(d []byte, at int) bool {
	if len(d) < 6 || len(d) > 17 {
		return false
	}
	for l := 1; l <= 3; l++ {
		cc := 0
		for _, x := range d[:l] {
			cc = cc*10 + int(x-'0')
		}
		if !phoneMeta.calling[cc] {
			continue
		}
		nsn := d[l:]
		if cc == 1 {
			return len(nsn) == 10 && nanpValid(nsn)
		}
		ok, spent := s.phoneLib(nsn, int32(cc), "", at)
		if !ok && spent && len(nsn) > 6 && nsn[0] == '0' {
			// "+49 030 1234567": the trunk prefix written after the
			// country code (as the library reads it too).
			ok, spent = s.phoneLib(nsn[1:], int32(cc), "", at)
		}
		return ok || !spent
	}
	return false
}

// nanpValid: NPA-NXX-XXXX with NPA and NXX in [2-9]XX, neither N11, and no
// area code with a middle 9 (reserved for expansion).
func nanpValid(d []byte) bool {
	return len(d) == 10 && d[0] >= '2' && d[1] != '9' && !(d[1] == '1' && d[2] == '1') &&
		d[3] >= '2' && !(d[4] == '1' && d[5] == '1')
}

// phoneLib asks the library whether nsn is a valid national significant
// number of country code cc (region "") or of region. spent is false when
// the stream's budget is exhausted (the caller then fails closed).
func (s *Stream) phoneLib(nsn []byte, cc int32, region string, at int) (ok, spent bool) {
	if !s.phoneSpend(at, 1) {
		return false, false
	}
	if len(nsn) < 2 || len(nsn) > 17 {
		return false, true
	}
	var v uint64
	for _, x := range nsn {
		v = v*10 + uint64(x-'0')
	}
	var pn phonenumbers.PhoneNumber
	pn.NationalNumber = &v
	if nsn[0] == '0' {
		// Italian-style numbers keep their leading zeros.
		t := true
		pn.ItalianLeadingZero = &t
		z := int32(1)
		for int(z) < len(nsn)-1 && nsn[z] == '0' {
			z++
		}
		if z > 1 {
			pn.NumberOfLeadingZeros = &z
		}
	}
	pn.CountryCode = &cc
	if region == "" {
		// The main region of the calling code first: IsValidNumber finds
		// the region by validating against each one sharing the code
		// (GB, GG, IM, JE for 44) and then validates again.
		if main := phonenumbers.GetRegionCodeForCountryCode(int(cc)); main != "ZZ" && phonenumbers.IsValidNumberForRegion(&pn, main) {
			return true, true
		}
		return phonenumbers.IsValidNumber(&pn), true
	}
	return phonenumbers.IsValidNumberForRegion(&pn, region), true
}

// phoneContext says whether a bare digit run at b[i] is called a phone
// number by its JSON key or by a word just before it.
func (s *Stream) phoneContext(st *scanState, b []byte, lo, i int) bool {
	if st.json && s.phoneContextJSON() || s.parent != nil && s.parent.phoneContextJSON() {
		return true
	}
	from := max(lo, i-32)
	var low [32]byte
	return hasPhoneWord(lowerInto(low[:0], b[from:i]))
}

func (s *Stream) phoneContextJSON() bool {
	for k := len(s.levels) - 1; k >= 0; k-- {
		lv := &s.levels[k]
		if lv.arr {
			continue
		}
		var low [maxKey]byte
		return hasPhoneWord(lowerInto(low[:0], s.keyOf(lv)))
	}
	return false
}

// hasPhoneWord splits lower-cased text into words and reports whether one
// names a phone number ("phone", "tel", "mobile", "phoneNumber" …).
func hasPhoneWord(b []byte) bool {
	for i := 0; i < len(b); {
		for i < len(b) && !isLowerLetter(b[i]) {
			i++
		}
		j := i
		for j < len(b) && isLowerLetter(b[j]) {
			j++
		}
		if j > i && isPhoneWord(string(b[i:j])) {
			return true
		}
		i = j
	}
	return false
}

func isPhoneWord(w string) bool {
	switch w {
	case "tel", "ph", "mob", "cell", "fax", "call", "sms", "msisdn", "whatsapp", "handy", "contact",
		"mobil", "telefono", "telefone", "cellulare", "portable":
		return true
	}
	// camelCase keys arrive lower-cased in one word: "phonenumber".
	return strings.Contains(w, "phone") || strings.Contains(w, "mobile") || strings.Contains(w, "telef") ||
		strings.Contains(w, "msisdn") || strings.HasPrefix(w, "tel") && len(w) <= 6
}

// Short local numbers: 6 or 7 digits written in one run ("519398" LU,
// "7263987" MV) are shorter than the bare runs the scanner hands to the
// phone parser, and ids, postcodes and amounts have that shape too. The
// scanner lets one through only where its context is cheap to read: a whole
// JSON string value (`"519398"`), then masked under a key that says phone,
// or a phone word directly before it ("Phone: 519398").
const (
	minShortLocal = 6
	maxShortLocal = 7
)

// shortLocalAt reports whether the bare digit run b[i:j] (of at most
// maxShortLocal digits; b ends at n, lo is the start of its unit) has a short
// local number's context: it is a whole quoted value, or a phone word stands
// just before it.
func shortLocalAt(b []byte, lo, i, j, n int) bool {
	if (i == lo || b[i-1] == '"') && (j == n || b[j] == '"') {
		return true
	}
	return i > lo && phoneWordSep[b[i-1]] && phoneWordBefore(b, lo, i)
}

// phoneWordSep holds the bytes that may stand between a phone word and its
// number.
var phoneWordSep = [256]bool{' ': true, ':': true, '.': true, '=': true, '"': true, '\\': true, '\t': true, '#': true}

// phoneWordBefore reports whether the word that ends at most six separator
// bytes before b[i] names a phone number ("Phone: ", "Tel. ", "mobile=",
// `"phone":"` in text, `\"phone\":\"` in a JSON string).
func phoneWordBefore(b []byte, lo, i int) bool {
	k := i
	for k > lo && i-k < 6 && phoneWordSep[b[k-1]] {
		k--
	}
	if k == i || k == lo || !alphaASCII(b[k-1]) {
		return false
	}
	var low [16]byte
	w := 0
	for k > lo && w < len(low) && alphaASCII(b[k-1]) {
		k--
		w++
	}
	if k > lo && wordByte[b[k-1]] {
		return false // the tail of a longer word
	}
	if w == 2 {
		return b[k]|0x20 == 'p' && b[k+1]|0x20 == 'h' // "Ph:", not "id:"
	}
	for x := range w {
		low[x] = b[k+x] | 0x20
	}
	return isPhoneWord(string(low[:w]))
}

// numberPhone checks the complete JSON number [a, z) (absolute) for a phone
// number: only under a key that says phone ({"phone": 4155552671}), in
// national form for PhoneRegions or, from 10 digits, as a country code
// and a number without its "+" ({"msisdn": 447700900123}). A match is
// rendered as a JSON string, as cards in numbers are.
func (s *Stream) numberPhone(a, z int) {
	d := s.buf[a-s.base : z-s.base]
	if !isAllDigits(d) || len(s.pending) > 0 && s.pending[len(s.pending)-1].e > a || !s.phoneContextJSON() {
		return
	}
	var c phoneCand
	c.nd = copy(c.d[:], d)
	c.ng, c.glen[0], c.gdig[0], c.trunk = 1, len(d), len(d), -1
	at := a - s.base
	ok := s.phoneValid(&c, 1, len(d), at)
	if !ok && len(d) >= 10 {
		ok = s.phoneIntl(d, at)
	}
	if ok {
		s.pending = append(s.pending, match{s: a, e: z, det: detPhone, quote: true})
		s.found(detPhone)
	}
}
