package filter

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// A small JSON tokenizer: it visits every member name and string value at
// any depth, in one pass, without building the document, and allocates only
// for strings with escapes. Several top-level values in a row (NDJSON) are
// accepted.

var (
	errJSONEOF   = errors.New("json: unexpected end of input")
	errJSONDepth = errors.New("json: nesting too deep")
	errJSONStop  = errors.New("json: walk stopped")
)

// jsonSyntaxError is a grammar violation at a byte offset.
type jsonSyntaxError struct {
	off int
	msg string
}

func (e *jsonSyntaxError) Error() string { return fmt.Sprintf("json: %s at offset %d", e.msg, e.off) }

// demoteDataFilter lowers an operator finding on a member of a JSON body
// to the weak filter-syntax signal when its path is a filter on data
// ({"filter": {"status": {"$in": […]}}}, dataFilterPath): the member's
// own name ("$in") does not say which field it compares; its path does.
func (w *walker) demoteDataFilter() {
	var buf [128]byte
	if !w.filterDoc || len(w.jsonPath) > len(buf) {
		return
	}
	p := append(buf[:0], w.jsonPath...)
	lowerASCII(p)
	if !dataFilterPath(bstr(p)) {
		return
	}
	in := w.e.insp
	weak := &ruleTable[rNoSQLFilterSyntax]
	score := in.boost(weak.Score)
	kept := w.hits[:0]
	for _, h := range w.hits {
		if h.Rule == ruleTable[rNoSQLOperator].ID {
			if in.off[rNoSQLFilterSyntax] || dupHit(kept, weak.ID) {
				continue
			}
			h = Hit{Rule: weak.ID, Category: weak.Category, Score: score}
		}
		kept = append(kept, h)
	}
	w.hits = kept
}

// jsonVisit receives a member name (isKey) or a string value. path is the
// dotted member path ("user.address.city"; array levels add nothing), only
// valid during the call; name is the innermost member name ("" at the top
// level). Returning false stops the walk.
type jsonVisit func(isKey bool, path []byte, name, value string) bool

// walkJSON tokenizes s. It returns errJSONEOF when s ends inside a value,
// errJSONDepth past maxDepth nested containers, errJSONStop when visit
// asked to stop, or a *jsonSyntaxError.
func walkJSON(s string, maxDepth int, visit jsonVisit) error {
	// Room for the usual paths from the start: growing from nothing was
	// two or three allocations per body.
	p := jsonParser{s: s, maxDepth: maxDepth, visit: visit, path: make([]byte, 0, 64)}
	for {
		p.ws()
		if p.i >= len(p.s) {
			return nil
		}
		if err := p.value(""); err != nil {
			return err
		}
	}
}

type jsonParser struct {
	s        string
	i        int
	depth    int
	maxDepth int
	path     []byte
	visit    jsonVisit
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) syntax(msg string) error { return &jsonSyntaxError{off: p.i, msg: msg} }

func (p *jsonParser) value(name string) error {
	p.ws()
	if p.i >= len(p.s) {
		return errJSONEOF
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array(name)
	case c == '"':
		v, err := p.str()
		if err != nil {
			return err
		}
		if !p.visit(false, p.path, name, v) {
			return errJSONStop
		}
		return nil
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		if err := p.number(); err != nil {
			return err
		}
		// Numbers are data, but for a MongoDB selector's type code
		// ({"$type": 2}).
		if name == "$type" && !p.visit(false, p.path, name, p.s[start:p.i]) {
			return errJSONStop
		}
		return nil
	}
	return p.syntax(fmt.Sprintf("unexpected %q", p.s[p.i]))
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > p.maxDepth {
		return errJSONDepth
	}
	p.i++
	p.ws()
	if p.i >= len(p.s) {
		return errJSONEOF
	}
	return nil
}

func (p *jsonParser) object() error {
	if err := p.enter(); err != nil {
		return err
	}
	base := len(p.path)
	if p.s[p.i] == '}' {
		p.i++
		p.depth--
		return nil
	}
	for {
		p.ws()
		if p.i >= len(p.s) {
			return errJSONEOF
		}
		if p.s[p.i] != '"' {
			return p.syntax("expected member name")
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		p.path = p.path[:base]
		if base > 0 {
			p.path = append(p.path, '.')
		}
		p.path = append(p.path, key...)
		if !p.visit(true, p.path, key, key) {
			return errJSONStop
		}
		p.ws()
		if p.i >= len(p.s) {
			return errJSONEOF
		}
		if p.s[p.i] != ':' {
			return p.syntax("expected ':'")
		}
		p.i++
		if err := p.value(key); err != nil {
			return err
		}
		p.path = p.path[:base]
		p.ws()
		if p.i >= len(p.s) {
			return errJSONEOF
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			p.depth--
			return nil
		default:
			return p.syntax("expected ',' or '}'")
		}
	}
}

func (p *jsonParser) array(name string) error {
	if err := p.enter(); err != nil {
		return err
	}
	if p.s[p.i] == ']' {
		p.i++
		p.depth--
		return nil
	}
	for {
		if err := p.value(name); err != nil {
			return err
		}
		p.ws()
		if p.i >= len(p.s) {
			return errJSONEOF
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			p.depth--
			return nil
		default:
			return p.syntax("expected ',' or ']'")
		}
	}
}

func (p *jsonParser) literal(lit string) error {
	rest := p.s[p.i:]
	if strings.HasPrefix(rest, lit) {
		p.i += len(lit)
		return nil
	}
	if len(rest) < len(lit) && strings.HasPrefix(lit, rest) {
		return errJSONEOF
	}
	return p.syntax("invalid literal")
}

// number checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() error {
	s := p.s
	if s[p.i] == '-' {
		p.i++
	}
	if p.i >= len(s) {
		return errJSONEOF
	}
	switch {
	case s[p.i] == '0':
		p.i++
	case s[p.i] >= '1' && s[p.i] <= '9':
		p.digits()
	default:
		return p.syntax("invalid number")
	}
	if p.i < len(s) && s[p.i] == '.' {
		p.i++
		if err := p.needDigits(); err != nil {
			return err
		}
	}
	if p.i < len(s) && (s[p.i] == 'e' || s[p.i] == 'E') {
		p.i++
		if p.i < len(s) && (s[p.i] == '+' || s[p.i] == '-') {
			p.i++
		}
		if err := p.needDigits(); err != nil {
			return err
		}
	}
	return nil
}

func (p *jsonParser) digits() {
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
}

func (p *jsonParser) needDigits() error {
	if p.i >= len(p.s) {
		return errJSONEOF
	}
	if p.s[p.i] < '0' || p.s[p.i] > '9' {
		return p.syntax("invalid number")
	}
	p.digits()
	return nil
}

// str reads a string at p.i (which is '"'), decoding escapes.
func (p *jsonParser) str() (string, error) {
	start := p.i + 1
	j := start
	// Eight bytes at a time up to the first quote, backslash or control
	// byte (strStops), then byte by byte from there.
	for ; j+8 <= len(p.s); j += 8 {
		if m := strStops(load64(p.s, j)); m != 0 {
			j += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for ; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			p.i = j + 1
			return p.s[start:j], nil
		case c == '\\':
			return p.strEscaped(start, j)
		case c < 0x20:
			p.i = j
			return "", p.syntax("control character in string")
		}
	}
	return "", errJSONEOF
}

// strStops flags, in the high bit of each byte lane of v (eight string
// bytes, the first in the low lane), the quotes, backslashes and control
// bytes: the lowest flagged lane is exact (lanes above it may be flagged
// falsely by a borrow), which is all str uses.
func strStops(v uint64) uint64 {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	q := v ^ '"'*lsb
	bs := v ^ '\\'*lsb
	return ((q-lsb)&^q | (bs-lsb)&^bs | (v-0x20*lsb)&^v) & msb
}

// load64 reads s[i:i+8] as a little-endian word (one load, as the
// compiler combines the bytes).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// strEscaped continues str from the first backslash at j.
func (p *jsonParser) strEscaped(start, j int) (string, error) {
	s := p.s
	var b strings.Builder
	b.Grow(len(s[start:j]) + 16)
	b.WriteString(s[start:j])
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			p.i = j + 1
			return b.String(), nil
		case c < 0x20:
			p.i = j
			return "", p.syntax("control character in string")
		case c != '\\':
			b.WriteByte(c)
			j++
			continue
		}
		r, n, st := unescape(s, j)
		switch st {
		case escTruncated:
			return "", errJSONEOF
		case escInvalid:
			p.i = j
			return "", p.syntax("invalid escape")
		}
		b.WriteRune(r)
		j += n
	}
	return "", errJSONEOF
}

// escapeStatus says what unescape made of an escape.
type escapeStatus uint8

const (
	escOK        escapeStatus = iota
	escInvalid                // no escape of the grammar
	escTruncated              // a valid beginning that the input cuts
)

// unescape decodes the escape at s[j] (a backslash) as JSON strings and
// GraphQL string literals both define it (\" \\ \/ \b \f \n \r \t \uXXXX):
// the character and the bytes it takes. A high surrogate followed by a low
// one is one character; a lone surrogate becomes U+FFFD, as encoding/json
// makes it.
func unescape(s string, j int) (rune, int, escapeStatus) {
	if j+1 >= len(s) {
		return 0, 0, escTruncated
	}
	switch e := s[j+1]; e {
	case '"', '\\', '/':
		return rune(e), 2, escOK
	case 'b':
		return '\b', 2, escOK
	case 'f':
		return '\f', 2, escOK
	case 'n':
		return '\n', 2, escOK
	case 'r':
		return '\r', 2, escOK
	case 't':
		return '\t', 2, escOK
	case 'u':
		r, st := hex4(s, j+2)
		if st != escOK {
			return 0, 0, st
		}
		if !utf16.IsSurrogate(r) {
			return r, 6, escOK
		}
		if j+12 <= len(s) && s[j+6] == '\\' && s[j+7] == 'u' {
			if r2, st := hex4(s, j+8); st == escOK {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return dec, 12, escOK
				}
			}
		}
		return utf8.RuneError, 6, escOK
	}
	return 0, 0, escInvalid
}

// hex4 reads the four hex digits at s[j:].
func hex4(s string, j int) (rune, escapeStatus) {
	var r rune
	for k := j; k < j+4; k++ {
		if k >= len(s) {
			return 0, escTruncated
		}
		if !hexdigit.Is(s[k]) {
			return 0, escInvalid
		}
		r = r<<4 | rune(hexdigit.Val(s[k]))
	}
	return r, escOK
}

// json inspects a JSON body: every member name and string value.
func (w *walker) json(s string, truncated bool) {
	w.useJSONPath = true
	// A document of filters on data, without a match-all operand, has
	// its operators judged as filter syntax (demoteDataFilter). Read
	// once, before the walk, and only when it has an operator at all.
	w.filterDoc = strings.IndexByte(s, '$') >= 0 && strings.Contains(s, `"$`) && dataFilterDocument(s)
	w.jsonDoc, w.snippetDoc = s, snippetUnknown
	// A top-level array of GraphQL operations is a batch: count them, and
	// how often one document repeats (the same login mutation with other
	// variables is brute force; a batching link sends different queries).
	batch := strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "[")
	// One struct: the callback escapes, and what it writes goes to the
	// heap with it (one allocation, not one per counter).
	var bc struct {
		ops, same, signIns int
		seen               map[uint64]int
	}
	err := walkJSON(s, w.e.cfg.MaxJSONDepth, func(isKey bool, path []byte, name, v string) bool {
		w.jsonPath = path
		if batch && !isKey && name == "query" && string(path) == "query" {
			bc.ops++
			if bc.seen == nil {
				bc.seen = make(map[uint64]int)
			}
			h := fnv64(v)
			bc.seen[h]++
			bc.same = max(bc.same, bc.seen[h])
			if signInCall(asciiLowerCopy(v)) {
				bc.signIns++
			}
		}
		if isKey {
			w.name(tBodyName, KindBodyName, v, plainToken(v))
			if len(v) > 1 && v[0] == '$' && !w.stop && updateOnGuarded(path, v) {
				// {"role": {"$set": "admin"}}: an update operator,
				// which analytics APIs also send, on a privilege.
				w.addRule(rNoSQLOperator, w.location(tBodyName, v), fragment(string(path)))
			}
			if v == "prototype" && protoPath(path) && !w.stop {
				// {"constructor":{"prototype":{…}}}: what a deep merge
				// copies onto Object.prototype, each key a plain word.
				w.addRule(rXSSProto, w.location(tBodyName, v), "constructor.prototype")
			}
		} else if v != "" {
			w.value(tBody, KindBodyValue, name, v)
			w.siteValue(tBody, name, v)
		}
		return !w.stop
	})
	w.useJSONPath, w.filterDoc, w.snippetDoc, w.jsonDoc = false, false, snippetNo, ""
	w.jsonPath = nil
	if bc.ops > graphqlMaxBatch || bc.same > graphqlMaxSameBatch || bc.signIns > graphqlMaxSignInBatch {
		w.add(Match{Rule: ruleTable[rGraphQLAbuse].ID, Category: ruleTable[rGraphQLAbuse].Category, Score: ScoreCritical, Location: "body", Fragment: fmt.Sprintf("%d GraphQL operations in one batch, %d of one document, %d signing in", bc.ops, bc.same, bc.signIns)})
	}
	_, syntax := err.(*jsonSyntaxError) // never wrapped (walkJSON)
	switch {
	case err == nil, err == errJSONStop, err == errJSONEOF && truncated:
	case err == errJSONDepth:
		w.add(Match{Rule: "protocol-json-depth", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "body", Fragment: fmt.Sprintf("deeper than %d levels", w.e.cfg.MaxJSONDepth)})
	case syntax, err == errJSONEOF:
		// Not JSON after all: a lenient backend may still read it, so
		// inspect it whole.
		w.malformed("json", err)
		w.value(tBodyRaw, KindBodyRaw, "", s)
	}
}

// updateOnGuarded: key (a member of path) is a MongoDB update operator
// that the operator rule leaves out ($set, $unset), right under a field
// that holds a credential or a privilege (profile.role.$set).
func updateOnGuarded(path []byte, key string) bool {
	if key != "$set" && key != "$unset" && key != "$setOnInsert" {
		return false
	}
	p := string(path)
	p = strings.TrimSuffix(p, key)
	p = strings.TrimSuffix(p, ".")
	parent := p[strings.LastIndexByte(p, '.')+1:]
	return parent != "" && guardedField(strings.ToLower(parent))
}

// fnv64 is FNV-1a: a key for counting equal strings without keeping them.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// constructorPrototype ends the JSON path of a prototype-pollution key.
var constructorPrototype = []byte("constructor.prototype")

// protoPath: the JSON member path ends with the members constructor and
// prototype.
func protoPath(path []byte) bool {
	if !bytes.HasSuffix(path, constructorPrototype) {
		return false
	}
	i := len(path) - len(constructorPrototype)
	return i == 0 || path[i-1] == '.'
}
