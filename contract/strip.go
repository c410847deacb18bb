package contract

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Limits of the response stripper; past them the response cannot be
// judged and counts as a mismatch.
const (
	maxStripDepth  = 256
	maxStripKeyLen = 4096
	stripFlushSize = 8 << 10 // input slice between flushes; out stays below 2×
	maxRemovedList = 8
)

// Mismatch reasons: a response that cannot be made to fit its schema.
const (
	MismatchType    = "type"         // a value of a type the schema does not allow
	MismatchSyntax  = "invalid_json" // not JSON
	MismatchLimit   = "limit"        // nested too deep or a member name too long
	MismatchPartial = "truncated"    // the body ended inside a value
)

// Mismatch describes the first place a response did not fit its schema.
type Mismatch struct {
	Pointer string // JSON pointer to the value (array indices kept)
	Reason  string // one of the Mismatch* codes
	Want    string // the types the schema allows, for a type mismatch
}

// Stripper removes from a JSON document, as it streams through, every
// object member its schema does not declare (and every writeOnly one), at
// any depth, through arrays, allOf/anyOf/oneOf (the union of the branches)
// and additionalProperties. Memory is bounded by the nesting depth and the
// longest member name, never by the document's size. Output is the input
// without insignificant whitespace and without the removed members.
//
// A value of the wrong type is recorded as a Mismatch and passed through
// unchanged (what to do about it is the caller's policy).
type Stripper struct {
	w     io.Writer
	out   []byte
	err   error
	st    stripState
	stack []sframe
	cur   *view // view of the value about to start (nil: keep as is)

	drop     bool // inside a removed value
	dropBase int  // stack depth at which the removed value started

	key    []byte // the member name being read (raw, escapes kept)
	keyEsc bool
	lit    []byte // number or literal being read
	litMis bool   // its type was already judged a mismatch

	removed     int
	removedPtrs []string
	removedSeen []removal
	mismatch    *Mismatch
	in          int64

	// Inline storage for what an ordinary document needs (eight levels,
	// short names and literals), so that a small response costs no
	// allocation but the Stripper itself; deeper or longer ones grow.
	keyBuf [64]byte
	litBuf [32]byte
	frames [8]sframe
	fkeys  [8][32]byte
}

// removal identifies a removed member cheaply (see member).
type removal struct {
	v     *view
	depth int
	key   string
}

func (st *Stripper) seenRemoval(v *view) bool {
	for i := range st.removedSeen {
		r := &st.removedSeen[i]
		if r.v == v && r.depth == len(st.stack) && r.key == string(st.key) {
			return true
		}
	}
	return false
}

type stripState uint8

const (
	sValue stripState = iota
	sObjFirst
	sObjNext
	sKey
	sKeyEsc
	sColon
	sArrFirst
	sAfter
	sStr
	sStrEsc
	sNum
	sLit
	sEnd
	sPass // gave up (syntax or limits): copy the rest as is
)

type sframe struct {
	v   *view
	obj bool
	n   int    // members or items emitted
	idx int    // array index
	key []byte // current member name (raw), for pointers
}

// NewStripper strips the document written to it against s (nil: nothing
// is stripped) and writes the result to w.
func NewStripper(w io.Writer, s *Schema) *Stripper {
	st := &Stripper{w: w, out: stripOutPool.Get().(*[stripOutSize]byte)[:0]}
	st.stack, st.key, st.lit = st.frames[:0], st.keyBuf[:0], st.litBuf[:0]
	for i := range st.frames {
		st.frames[i].key = st.fkeys[i][:0]
	}
	if s != nil {
		st.cur = s.view
	}
	return st
}

// stripOutSize is the output buffer's size: a slice of input plus one
// pending member name, twice over.
const stripOutSize = 2*stripFlushSize + maxStripKeyLen

// stripOutPool recycles output buffers: at 20 KiB, one per response is
// the largest allocation of a small checked response. Arrays, so that Put
// does not allocate.
var stripOutPool = sync.Pool{New: func() any { return new([stripOutSize]byte) }}

// errStripperReleased is the error of a Stripper used after Release.
var errStripperReleased = errors.New("contract: stripper used after Release")

// Release returns the stripper's buffer for reuse. The stripper must not
// be used afterwards (Removed and Mismatch still answer).
func (st *Stripper) Release() {
	if cap(st.out) == stripOutSize {
		stripOutPool.Put((*[stripOutSize]byte)(st.out[:stripOutSize]))
	}
	st.out, st.err = nil, errStripperReleased
}

// Removed returns how many members were removed and up to eight distinct
// pointers to them, with array indices written as "*" (so that a list of a
// million objects with one undeclared field reports one pointer).
func (st *Stripper) Removed() (int, []string) { return st.removed, st.removedPtrs }

// Mismatch returns the first mismatch, or nil.
func (st *Stripper) Mismatch() *Mismatch { return st.mismatch }

// Write strips p and writes what it can of the result.
func (st *Stripper) Write(p []byte) (int, error) {
	if st.err != nil {
		return 0, st.err
	}
	st.in += int64(len(p))
	// In slices, so that the output buffer never grows: the output of a
	// slice is at most the slice plus one pending member name.
	for off := 0; off < len(p); off += stripFlushSize {
		st.process(p[off:min(off+stripFlushSize, len(p))])
		if len(st.out) >= stripFlushSize {
			st.flush()
		}
		if st.err != nil {
			return 0, st.err
		}
	}
	return len(p), nil
}

// Flush writes out what has been stripped so far.
func (st *Stripper) Flush() error {
	st.flush()
	return st.err
}

// Close ends the document: a pending number is finished, and a document
// that ended inside a value is a mismatch.
func (st *Stripper) Close() error {
	if st.st == sNum || st.st == sLit {
		st.endScalar()
	}
	if st.st != sEnd && st.st != sPass && !(st.st == sValue && len(st.stack) == 0 && st.in == 0) {
		st.setMismatch(MismatchPartial, "")
	}
	st.flush()
	return st.err
}

func (st *Stripper) flush() {
	if len(st.out) == 0 || st.err != nil {
		return
	}
	_, st.err = st.w.Write(st.out)
	st.out = st.out[:0]
}

func (st *Stripper) emit(b ...byte) {
	if !st.drop {
		st.out = append(st.out, b...)
	}
}

func (st *Stripper) setMismatch(reason, want string) {
	if st.mismatch == nil {
		st.mismatch = &Mismatch{Pointer: st.pointer(false), Reason: reason, Want: want}
	}
}

// pointer renders the current position; with templ, indices become "*".
func (st *Stripper) pointer(templ bool) string {
	var b strings.Builder
	for i := range st.stack {
		f := &st.stack[i]
		b.WriteByte('/')
		if f.obj {
			b.WriteString(escapePointer(string(f.key)))
		} else if templ {
			b.WriteByte('*')
		} else {
			b.WriteString(strconv.Itoa(f.idx))
		}
	}
	return b.String()
}

// giveUp copies the rest of the input unchanged.
func (st *Stripper) giveUp(reason string, rest []byte) {
	st.setMismatch(reason, "")
	st.drop = false
	st.st = sPass
	st.out = append(st.out, rest...)
}

// strEnd is the index of the first quote or backslash in b (len(b) if
// none): IndexByte's vector search, since strings are most of a document.
func strEnd(b []byte) int {
	// Most member names and many values are short: a plain loop first,
	// the vector search for the long ones.
	n := min(len(b), 24)
	for i := 0; i < n; i++ {
		if c := b[i]; c == '"' || c == '\\' {
			return i
		}
	}
	if n == len(b) {
		return n
	}
	return n + strEndLong(b[n:])
}

func strEndLong(b []byte) int {
	q := bytes.IndexByte(b, '"')
	if q < 0 {
		q = len(b)
	}
	if e := bytes.IndexByte(b[:q], '\\'); e >= 0 {
		return e
	}
	return q
}

func isWS(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// process is the state machine. Each state consumes bytes of p; strings,
// the bulk of any JSON document, are copied in runs.
func (st *Stripper) process(p []byte) {
	i := 0
	for i < len(p) {
		c := p[i]
		switch st.st {
		case sPass:
			st.out = append(st.out, p[i:]...)
			return
		case sValue:
			if isWS(c) {
				i++
				continue
			}
			if !st.beginValue(c) {
				st.giveUp(MismatchSyntax, p[i:])
				return
			}
			i++
		case sObjFirst, sObjNext:
			if isWS(c) {
				i++
				continue
			}
			if c == '}' && st.st == sObjFirst {
				st.pop('}')
				i++
				continue
			}
			if c != '"' {
				st.giveUp(MismatchSyntax, p[i:])
				return
			}
			st.key, st.keyEsc = st.key[:0], false
			st.st = sKey
			i++
		case sKey:
			j := i + strEnd(p[i:])
			st.key = append(st.key, p[i:j]...)
			if len(st.key) > maxStripKeyLen {
				st.giveUp(MismatchLimit, p[i:])
				return
			}
			i = j
			if i < len(p) {
				if p[i] == '\\' {
					st.key = append(st.key, '\\')
					st.keyEsc = true
					st.st = sKeyEsc
				} else {
					st.st = sColon
				}
				i++
			}
		case sKeyEsc:
			st.key = append(st.key, c)
			st.st = sKey
			i++
		case sColon:
			if isWS(c) {
				i++
				continue
			}
			if c != ':' {
				st.giveUp(MismatchSyntax, p[i:])
				return
			}
			st.member()
			st.st = sValue
			i++
		case sArrFirst:
			if isWS(c) {
				i++
				continue
			}
			if c == ']' {
				st.pop(']')
				i++
				continue
			}
			st.cur = st.stack[len(st.stack)-1].itemView()
			st.st = sValue
		case sAfter:
			if isWS(c) {
				i++
				continue
			}
			top := &st.stack[len(st.stack)-1]
			switch {
			case c == ',' && top.obj:
				st.st = sObjNext
			case c == ',':
				top.idx++
				st.cur = top.itemView()
				st.st = sValue
			case c == '}' && top.obj, c == ']' && !top.obj:
				st.pop(c)
			default:
				st.giveUp(MismatchSyntax, p[i:])
				return
			}
			i++
		case sStr:
			j := i + strEnd(p[i:])
			if !st.drop {
				st.out = append(st.out, p[i:j]...)
			}
			i = j
			if i < len(p) {
				st.emit(p[i])
				if p[i] == '\\' {
					st.st = sStrEsc
				} else {
					st.valueDone()
				}
				i++
			}
		case sStrEsc:
			st.emit(c)
			st.st = sStr
			i++
		case sNum, sLit:
			if (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || (c >= 'a' && c <= 'z') {
				st.lit = append(st.lit, c)
				if len(st.lit) > 512 {
					st.giveUp(MismatchLimit, p[i:])
					return
				}
				i++
				continue
			}
			if !st.endScalar() {
				st.giveUp(MismatchSyntax, p[i:])
				return
			}
			// c is reprocessed in the next state.
		case sEnd:
			if !isWS(c) {
				st.giveUp(MismatchSyntax, p[i:])
				return
			}
			i++
		}
	}
}

func (f *sframe) itemView() *view {
	if f.v == nil {
		return nil
	}
	if f.v.hasPrefix && f.idx < len(f.v.prefix) {
		return f.v.prefix[f.idx]
	}
	return f.v.items
}

// typeOK judges a value of kind k against the view of its position.
func (st *Stripper) typeOK(k typeMask) bool {
	v := st.cur
	if v == nil || st.drop {
		return true
	}
	if k == tNull && v.nullable {
		return true
	}
	return v.types.has(k)
}

// beginValue starts the value whose first byte is c.
func (st *Stripper) beginValue(c byte) bool {
	if n := len(st.stack); n > 0 && !st.stack[n-1].obj && !st.drop {
		if st.stack[n-1].n > 0 {
			st.out = append(st.out, ',')
		}
		st.stack[n-1].n++
	}
	var k typeMask
	switch {
	case c == '{':
		k = tObject
	case c == '[':
		k = tArray
	case c == '"':
		k = tString
	case c == '-' || (c >= '0' && c <= '9'):
		st.lit, st.litMis = append(st.lit[:0], c), false
		st.st = sNum
		return true // judged at its end
	case c == 't' || c == 'f' || c == 'n':
		st.lit, st.litMis = append(st.lit[:0], c), false
		st.st = sLit
		return true
	default:
		return false
	}
	if !st.typeOK(k) {
		st.setMismatch(MismatchType, st.cur.types.String())
		st.cur = nil // passed through as is
	}
	switch k {
	case tObject, tArray:
		if len(st.stack) >= maxStripDepth {
			return false
		}
		v := st.cur
		if v == stripView {
			v = nil
		}
		st.stack = append(st.stack, sframe{v: v, obj: k == tObject, key: st.reuseKey()})
		if k == tObject {
			st.emit('{')
			st.st = sObjFirst
		} else {
			st.emit('[')
			st.st = sArrFirst
		}
	default:
		st.emit('"')
		st.st = sStr
	}
	return true
}

// reuseKey recycles the key buffer of a previously popped frame.
func (st *Stripper) reuseKey() []byte {
	n := len(st.stack)
	if n < cap(st.stack) {
		return st.stack[:n+1][n].key[:0]
	}
	return nil
}

// endScalar finishes a number or literal.
func (st *Stripper) endScalar() bool {
	lit := st.lit
	var k typeMask
	switch {
	case st.st == sLit:
		switch string(lit) {
		case "true", "false":
			k = tBoolean
		case "null":
			k = tNull
		default:
			return false
		}
	default:
		if !validNumber(lit) {
			return false
		}
		k = tNumber
		// Only a schema that takes integers but not every number asks
		// whether this one is whole.
		if !st.typeOK(tNumber) && isIntegral(bytesString(lit)) {
			k = tInteger
		}
	}
	if !st.typeOK(k) {
		st.setMismatch(MismatchType, st.cur.types.String())
	}
	if !st.drop {
		st.out = append(st.out, lit...)
	}
	st.valueDone()
	return true
}

func validNumber(b []byte) bool {
	p := jsonParser{b: b}
	return p.scanNumber() && p.i == len(b)
}

// member decides, at the colon, whether the member whose name was just
// read is kept.
func (st *Stripper) member() {
	top := &st.stack[len(st.stack)-1]
	top.key = append(top.key[:0], st.key...)
	if st.drop {
		st.cur = nil
		return
	}
	v := top.v
	keep, child := true, (*view)(nil)
	if v != nil {
		name := st.key
		var dec string
		if st.keyEsc {
			if s, err := (&jsonParser{b: append(append([]byte{'"'}, name...), '"')}).str(); err == nil {
				dec = s
			}
		}
		var pv *view
		var ok bool
		if st.keyEsc {
			pv, ok = v.props[dec]
		} else {
			pv, ok = v.props[string(name)]
		}
		if !ok && v.hasPatterns {
			pv, ok = st.patternChild(v, dec)
		}
		switch {
		case ok && pv != stripView:
			child = pv
		case ok: // writeOnly
			keep = false
		case v.additional != nil:
			child = v.additional
		case v.keepUnknown:
		default:
			keep = false
		}
	}
	if !keep {
		st.removed++
		if len(st.removedPtrs) < maxRemovedList && !st.seenRemoval(v) {
			// The same member of the same object schema at the same depth
			// is the same template pointer: built once, not per item.
			st.removedSeen = append(st.removedSeen, removal{v: v, depth: len(st.stack), key: string(st.key)})
			ptr := st.pointer(true)
			dup := false
			for _, p := range st.removedPtrs {
				dup = dup || p == ptr
			}
			if !dup {
				st.removedPtrs = append(st.removedPtrs, ptr)
			}
		}
		st.drop, st.dropBase = true, len(st.stack)
		st.cur = nil
		return
	}
	if top.n > 0 {
		st.out = append(st.out, ',')
	}
	top.n++
	st.out = append(st.out, '"')
	st.out = append(st.out, st.key...)
	st.out = append(st.out, '"', ':')
	st.cur = child
}

// patternChild is the view of the member just read by the patterns of v
// (dec: its decoded name when it has escapes). Out of line: member is the
// stripper's hottest function and most views have no patterns.
//
//go:noinline
func (st *Stripper) patternChild(v *view, dec string) (*view, bool) {
	if st.keyEsc {
		return v.patternView([]byte(dec))
	}
	return v.patternView(st.key)
}

// pop closes the innermost container.
func (st *Stripper) pop(c byte) {
	st.emit(c)
	st.stack = st.stack[:len(st.stack)-1]
	st.valueDone()
}

// valueDone moves on after a complete value.
func (st *Stripper) valueDone() {
	if st.drop && len(st.stack) == st.dropBase {
		st.drop = false
	}
	if len(st.stack) == 0 {
		st.st = sEnd
	} else {
		st.st = sAfter
	}
}
