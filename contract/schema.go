package contract

import (
	"math"
	"math/big"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// typeMask is a set of JSON Schema types; 0 means any type.
type typeMask uint8

const (
	tNull typeMask = 1 << iota
	tBoolean
	tObject
	tArray
	tNumber
	tInteger
	tString
)

var typeNames = map[string]typeMask{
	"null": tNull, "boolean": tBoolean, "object": tObject, "array": tArray,
	"number": tNumber, "integer": tInteger, "string": tString,
}

// has says whether a value of kind k (a single bit; tInteger for an
// integral number) is allowed. "number" admits integers.
func (m typeMask) has(k typeMask) bool {
	if m == 0 || m&k != 0 {
		return true
	}
	return k == tInteger && m&tNumber != 0
}

func (m typeMask) String() string {
	var names []string
	for _, n := range [...]string{"null", "boolean", "object", "array", "number", "integer", "string"} {
		if m&typeNames[n] != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, " or ")
}

// Schema is a compiled JSON Schema (the subset OpenAPI 3.0 and 3.1 use for
// validation), made by Load and LoadFile; an empty schema ({}) accepts
// anything. Schemas form a graph: recursive definitions point back at
// their ancestors.
type Schema struct {
	Types    typeMask
	Nullable bool // OpenAPI 3.0 nullable: true
	// ext: the schema has 2020-12 keywords (schemaExt is its own), so
	// that the validator looks there only then.
	ext bool

	Enum  []any // decoded like request bodies (jsonNumber for numbers)
	Const any
	// HasConst distinguishes const: null from no const.
	HasConst bool

	// Strings.
	MinLength, MaxLength int // -1: unset
	Pattern              *regexp.Regexp
	Format               string

	// Numbers.
	Minimum, Maximum   *float64
	ExclusiveMinimum   bool // 3.0 boolean form, applies to Minimum
	ExclusiveMaximum   bool
	ExclMin, ExclMax   *float64 // 3.1 numeric form
	MultipleOf         float64  // 0: unset
	MinItems, MaxItems int      // -1: unset
	UniqueItems        bool
	Items              *Schema // nil: any; after PrefixItems when there are

	// Objects.
	Properties    map[string]*Schema
	Required      []string
	MinProperties int // -1: unset
	MaxProperties int // -1: unset
	// Additional is the schema of undeclared properties; nil with
	// AdditionalFalse set means additionalProperties: false; nil without
	// it means "not said" (allowed in requests, stripped from responses).
	Additional      *Schema
	AdditionalFalse bool
	// AdditionalTrue is an explicit additionalProperties: true: undeclared
	// properties are part of the contract and never stripped.
	AdditionalTrue bool

	AllOf, AnyOf, OneOf []*Schema
	Not                 *Schema

	ReadOnly, WriteOnly bool

	// Ptr is where the schema is in the document (for load errors and
	// logs).
	Ptr string

	view *view // the stripping view, built at compile time

	// The JSON Schema 2020-12 keywords, which few schemas use: shared
	// (noExt) until one is set, so that a schema without them costs a
	// pointer.
	*schemaExt
}

func newSchema() *Schema {
	return &Schema{MinLength: -1, MaxLength: -1, MinItems: -1, MaxItems: -1, MinProperties: -1, MaxProperties: -1,
		schemaExt: &noExt}
}

// Violation is one way a value fails its schema. Pointer is a JSON pointer
// into the value (or empty for a parameter's own value); Reason is a short
// English phrase that never quotes the value.
type Violation struct {
	Pointer string `json:"pointer,omitempty"`
	Reason  string `json:"reason"`
	// Keyword is the schema keyword that failed (a bounded code for logs
	// and metrics).
	Keyword string `json:"-"`
}

// validation options for one value.
type vopts struct {
	request       bool // readOnly properties are not expected; writeOnly are
	rejectUnknown bool // undeclared properties fail even without additionalProperties: false
	max           int  // most violations collected
}

type validator struct {
	o    vopts
	out  []Violation
	path []string
}

func (v *validator) full() bool { return len(v.out) >= v.o.max }

func (v *validator) fail(keyword, reason string) {
	if v.full() {
		return
	}
	v.out = append(v.out, Violation{Pointer: v.pointer(), Reason: reason, Keyword: keyword})
}

func (v *validator) pointer() string {
	if len(v.path) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range v.path {
		b.WriteByte('/')
		b.WriteString(escapePointer(p))
	}
	return b.String()
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	if strings.ContainsAny(s, "~/") {
		s = strings.ReplaceAll(s, "~", "~0")
		s = strings.ReplaceAll(s, "/", "~1")
	}
	return s
}

// validate checks x (as produced by parseJSON or the parameter decoder)
// against s, collecting at most o.max violations.
func validate(s *Schema, x any, o vopts) []Violation {
	if o.max <= 0 {
		o.max = 1
	}
	v := validator{o: o}
	v.check(s, x, 0)
	return v.out
}

// kindOf is the JSON type of x (tInteger for integral numbers).
func kindOf(x any) typeMask {
	switch t := x.(type) {
	case nil:
		return tNull
	case bool:
		return tBoolean
	case string:
		return tString
	case jsonNumber:
		if isIntegral(string(t)) {
			return tInteger
		}
		return tNumber
	case []any:
		return tArray
	case map[string]any:
		return tObject
	}
	return 0
}

// isIntegral says whether a JSON number denotes an integer (1, 1.0, 1e3).
// The number's grammar was checked by the parser; exponents beyond what an
// int holds fall back to exact rational arithmetic.
func isIntegral(n string) bool {
	if !strings.ContainsAny(n, ".eE") {
		return true
	}
	mant, exp := n, 0
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(n[i+1:], "+"))
		if err != nil || e > 1<<20 || e < -(1<<20) {
			r, ok := new(big.Rat).SetString(n)
			return ok && r.IsInt()
		}
		mant, exp = n[:i], e
	}
	mant = strings.TrimPrefix(mant, "-")
	intPart, frac, _ := strings.Cut(mant, ".")
	frac = strings.TrimRight(frac, "0")
	intPart = strings.TrimLeft(intPart, "0")
	if frac == "" && intPart == "" {
		return true // zero
	}
	// value = (intPart frac) × 10^(exp - len(frac)): an integer when the
	// power is not negative, or when the digits end in enough zeros to
	// absorb it (only intPart can: frac has no trailing zero left).
	shift := exp - len(frac)
	if shift >= 0 {
		return true
	}
	return frac == "" && len(intPart)-len(strings.TrimRight(intPart, "0")) >= -shift
}

func (v *validator) check(s *Schema, x any, depth int) {
	if s == nil || v.full() || depth > maxJSONDepth {
		return
	}
	k := kindOf(x)
	if k == tNull && s.Nullable {
		return
	}
	if !s.Types.has(k) {
		v.fail("type", "must be "+article(s.Types.String()))
		return
	}
	if len(s.Enum) > 0 && !inEnum(s.Enum, x) {
		v.fail("enum", "must be one of the allowed values")
	}
	if s.HasConst && !jsonEqual(s.Const, x) {
		v.fail("const", "must be the allowed value")
	}
	switch t := x.(type) {
	case string:
		v.checkString(s, t)
	case jsonNumber:
		v.checkNumber(s, t, k)
	case []any:
		v.checkArray(s, t, depth)
	case map[string]any:
		v.checkObject(s, t, depth)
	}
	for _, sub := range s.AllOf {
		v.check(sub, x, depth+1)
	}
	if len(s.AnyOf) > 0 && !v.anyMatch(s.AnyOf, x, depth) {
		v.fail("anyOf", "must match at least one of the allowed schemas")
	}
	if len(s.OneOf) > 0 {
		n := 0
		for _, sub := range s.OneOf {
			if v.matches(sub, x, depth) {
				n++
			}
		}
		if n != 1 {
			v.fail("oneOf", "must match exactly one of the allowed schemas")
		}
	}
	if s.Not != nil && v.matches(s.Not, x, depth) {
		v.fail("not", "must not match the excluded schema")
	}
	if s.ext && s.If != nil {
		v.checkIf(s, x, depth)
	}
}

// matches runs a sub-validation that reports only whether x fits.
func (v *validator) matches(s *Schema, x any, depth int) bool {
	sub := validator{o: vopts{request: v.o.request, rejectUnknown: v.o.rejectUnknown, max: 1}}
	sub.check(s, x, depth+1)
	return len(sub.out) == 0
}

func (v *validator) anyMatch(ss []*Schema, x any, depth int) bool {
	for _, s := range ss {
		if v.matches(s, x, depth) {
			return true
		}
	}
	return false
}

func article(t string) string {
	if t == "" {
		return "a value"
	}
	switch t[0] {
	case 'a', 'i', 'o':
		return "an " + t
	}
	return "a " + t
}

func (v *validator) checkString(s *Schema, t string) {
	if s.MinLength >= 0 || s.MaxLength >= 0 {
		n := utf8.RuneCountInString(t)
		if s.MinLength >= 0 && n < s.MinLength {
			v.fail("minLength", "must be at least "+strconv.Itoa(s.MinLength)+" characters long")
		}
		if s.MaxLength >= 0 && n > s.MaxLength {
			v.fail("maxLength", "must be at most "+strconv.Itoa(s.MaxLength)+" characters long")
		}
	}
	if s.Pattern != nil && !s.Pattern.MatchString(t) {
		v.fail("pattern", "must match the pattern "+s.Pattern.String())
	}
	if s.Format != "" && !formatOK(s.Format, t) {
		v.fail("format", "must be a valid "+s.Format)
	}
}

func (v *validator) checkNumber(s *Schema, t jsonNumber, k typeMask) {
	f := t.float()
	if s.Minimum != nil {
		if s.ExclusiveMinimum && f <= *s.Minimum {
			v.fail("exclusiveMinimum", "must be greater than "+fmtNum(*s.Minimum))
		} else if f < *s.Minimum {
			v.fail("minimum", "must be at least "+fmtNum(*s.Minimum))
		}
	}
	if s.Maximum != nil {
		if s.ExclusiveMaximum && f >= *s.Maximum {
			v.fail("exclusiveMaximum", "must be less than "+fmtNum(*s.Maximum))
		} else if f > *s.Maximum {
			v.fail("maximum", "must be at most "+fmtNum(*s.Maximum))
		}
	}
	if s.ExclMin != nil && f <= *s.ExclMin {
		v.fail("exclusiveMinimum", "must be greater than "+fmtNum(*s.ExclMin))
	}
	if s.ExclMax != nil && f >= *s.ExclMax {
		v.fail("exclusiveMaximum", "must be less than "+fmtNum(*s.ExclMax))
	}
	if s.MultipleOf > 0 {
		q := f / s.MultipleOf
		if math.Abs(q-math.Round(q)) > 1e-9 {
			v.fail("multipleOf", "must be a multiple of "+fmtNum(s.MultipleOf))
		}
	}
	if s.Format != "" && k == tInteger {
		if !intFormatOK(s.Format, string(t)) {
			v.fail("format", "must fit in "+s.Format)
		}
	}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// intFormatOK checks int32/int64 ranges exactly.
func intFormatOK(format, n string) bool {
	bits := 0
	switch format {
	case "int32":
		bits = 32
	case "int64":
		bits = 64
	default:
		return true
	}
	if strings.ContainsAny(n, ".eE") {
		r, ok := new(big.Rat).SetString(n)
		if !ok || !r.IsInt() {
			return false
		}
		n = r.Num().String()
	}
	_, err := strconv.ParseInt(n, 10, bits)
	return err == nil
}

func (v *validator) checkArray(s *Schema, a []any, depth int) {
	if s.MinItems >= 0 && len(a) < s.MinItems {
		v.fail("minItems", "must have at least "+strconv.Itoa(s.MinItems)+" items")
	}
	if s.MaxItems >= 0 && len(a) > s.MaxItems {
		v.fail("maxItems", "must have at most "+strconv.Itoa(s.MaxItems)+" items")
	}
	if s.UniqueItems {
		for i := 1; i < len(a) && !v.full(); i++ {
			for j := 0; j < i; j++ {
				if jsonEqual(a[i], a[j]) {
					v.fail("uniqueItems", "must not have duplicate items")
					i = len(a)
					break
				}
			}
		}
	}
	start := 0
	if s.ext {
		for i, p := range s.PrefixItems {
			if i >= len(a) || v.full() {
				break
			}
			v.path = append(v.path, strconv.Itoa(i))
			v.check(p, a[i], depth+1)
			v.path = v.path[:len(v.path)-1]
		}
		start = len(s.PrefixItems)
	}
	if s.Items != nil {
		for i := start; i < len(a); i++ {
			if v.full() {
				return
			}
			v.path = append(v.path, strconv.Itoa(i))
			v.check(s.Items, a[i], depth+1)
			v.path = v.path[:len(v.path)-1]
		}
	}
	if !s.ext {
		return
	}
	if s.Contains != nil {
		v.checkContains(s, a, depth)
	}
	if s.UnevaluatedItems.mode >= unevalFalse {
		v.checkUnevaluatedItems(s, a, depth)
	}
}

func (v *validator) checkObject(s *Schema, m map[string]any, depth int) {
	for _, name := range s.Required {
		if _, ok := m[name]; !ok {
			v.path = append(v.path, name)
			v.fail("required", "is required")
			v.path = v.path[:len(v.path)-1]
		}
	}
	if s.MinProperties >= 0 && len(m) < s.MinProperties {
		v.fail("minProperties", "must have at least "+strconv.Itoa(s.MinProperties)+" properties")
	}
	if s.MaxProperties >= 0 && len(m) > s.MaxProperties {
		v.fail("maxProperties", "must have at most "+strconv.Itoa(s.MaxProperties)+" properties")
	}
	ext := s.ext
	if ext && (len(s.DependentRequired) > 0 || len(s.DependentSchemas) > 0) {
		v.checkDependent(s, m, depth)
	}
	for name, x := range m {
		if v.full() {
			return
		}
		v.path = append(v.path, name)
		if ext && s.PropertyNames != nil {
			v.checkName(s.PropertyNames, name, depth)
		}
		matched := ext && len(s.PatternProperties) > 0 && v.checkPatterns(s, name, x, depth)
		if p, ok := s.Properties[name]; ok {
			if v.o.request && p.ReadOnly {
				// readOnly: the server sets it; a client that sends it
				// is trying to assign what it may not (mass assignment).
				v.fail("readOnly", "is read-only")
			} else {
				v.check(p, x, depth+1)
			}
		} else if matched || ext && s.PatternsOpen {
			// patternProperties declare it (or might: a pattern that is
			// not RE2 syntax is not enforced).
		} else if s.Additional != nil {
			v.check(s.Additional, x, depth+1)
		} else if ext && s.UnevaluatedProperties.mode != unevalNone {
			// judged below, once every branch has had its say
		} else if !s.AdditionalTrue && (s.AdditionalFalse || v.o.rejectUnknown) && !s.view.declares(name) {
			// Declared in a sibling allOf/oneOf/anyOf branch counts as
			// declared: authors close each branch of a composition and
			// mean the union (what unevaluatedProperties says in 3.1).
			v.fail("additionalProperties", "is not a declared property")
		}
		v.path = v.path[:len(v.path)-1]
	}
	if ext && s.UnevaluatedProperties.mode >= unevalFalse {
		v.checkUnevaluatedProps(s, m, depth)
	}
}

func inEnum(enum []any, x any) bool {
	for _, e := range enum {
		if jsonEqual(e, x) {
			return true
		}
	}
	return false
}

// jsonEqual compares decoded JSON values (numbers by value).
func jsonEqual(a, b any) bool {
	switch at := a.(type) {
	case jsonNumber:
		bt, ok := b.(jsonNumber)
		if !ok {
			return false
		}
		if at == bt {
			return true
		}
		ra, ok1 := new(big.Rat).SetString(string(at))
		rb, ok2 := new(big.Rat).SetString(string(bt))
		return ok1 && ok2 && ra.Cmp(rb) == 0
	case []any:
		bt, ok := b.([]any)
		if !ok || len(at) != len(bt) {
			return false
		}
		for i := range at {
			if !jsonEqual(at[i], bt[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bt, ok := b.(map[string]any)
		if !ok || len(at) != len(bt) {
			return false
		}
		for k, x := range at {
			y, ok := bt[k]
			if !ok || !jsonEqual(x, y) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

var (
	reEmail    = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	reUUID     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reHostname = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)
	reByte     = regexp.MustCompile(`^[A-Za-z0-9+/]*={0,2}$`)
)

// formatOK checks the string formats OpenAPI names; unknown formats are
// annotations and pass, as JSON Schema says.
func formatOK(format, s string) bool {
	switch format {
	case "date-time":
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	case "date":
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	case "time":
		_, err := time.Parse("15:04:05Z07:00", s)
		if err != nil {
			_, err = time.Parse("15:04:05.999999999Z07:00", s)
		}
		return err == nil
	case "email":
		return len(s) <= 254 && reEmail.MatchString(s)
	case "uuid":
		return reUUID.MatchString(s)
	case "uri", "url":
		u, err := url.Parse(s)
		return err == nil && u.Scheme != ""
	case "uri-reference":
		_, err := url.Parse(s)
		return err == nil
	case "hostname":
		return len(s) <= 253 && reHostname.MatchString(s)
	case "ipv4":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	case "ipv6":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is6()
	case "byte":
		return len(s)%4 == 0 && reByte.MatchString(s)
	case "regex":
		_, err := regexp.Compile(s)
		return err == nil
	}
	return true
}
