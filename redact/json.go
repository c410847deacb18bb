package redact

import "bytes"

// The JSON tokenizer walks the body once, keeping only the path (one level
// per open container) and the token in progress. Structure, numbers and
// literals are copied through; string values (and keys) are scanned by the
// detectors as separate units; values selected by a field rule are consumed
// with O(1) state and replaced. Output is produced by copying unchanged
// ranges, so nothing is re-encoded.

// Tokenizer states.
const (
	jValue       = iota // a value is expected (after ':' or ',' in an array)
	jValueOrEnd         // after '['
	jKeyOrEnd           // after '{'
	jKey                // after ',' in an object
	jColon              // after a key
	jCommaOrEnd         // after a value in a container
	jTop                // between top-level values (JSON lines allowed)
	jString             // inside a string, key or value
	jNumber             // inside a number
	jLiteral            // inside true/false/null
	jField              // consuming a value selected by a field rule
	jRemoveColon        // removing a member: skipping ':' before its value
)

const (
	// maxKey bounds the key bytes kept for path matching; longer keys match
	// only wildcard rules and are never removed.
	maxKey = 128
	// maxDepth bounds nesting; deeper documents fall back to text scanning.
	maxDepth = 512
	// maxHeldSpace bounds whitespace held while a member's fate is open.
	maxHeldSpace = 256
	// longNumber: a number longer than this is no card and is streamed.
	longNumber = 64
)

type level struct {
	arr bool
	// The current key is referenced in the input buffer (keyAbs) and only
	// copied into Stream.keys (keyOff, keyMat) when the buffer is about to
	// drop it: most keys are never copied.
	keyAbs  int
	keyOff  int
	keyLen  int
	keyMat  bool
	longKey bool
	secret  bool  // the key may name a secret (secretKeyEnd)
	members int   // members kept so far (to re-insert commas)
	ord     uint8 // keys seen so far by jsonRun (the key memo's slot)
	comma   bool  // a comma was dropped, pending the next member
}

type jsonState struct {
	state    int
	pos      int // absolute position of the tokenizer
	fallback bool

	str       scanState // the string unit in progress
	strKey    bool
	strSearch int // where the closing-quote search resumes
	keyHold   int // while >= 0, output is held from here (key decision open)
	tokStart  int // start of the number or literal in progress
	longNum   bool
	valRule   int // field rule of the value after the current key, or -1

	fv fieldValue
}

func (j *jsonState) init() {
	j.state = jTop
	j.keyHold = -1
	j.valRule = -1
}

func (s *Stream) keyOf(lv *level) []byte {
	if lv.keyLen == 0 {
		// No key yet (the first key of an object is being scanned):
		// keyAbs points nowhere.
		return nil
	}
	if lv.keyMat {
		return s.keys[lv.keyOff : lv.keyOff+lv.keyLen]
	}
	return s.buf[lv.keyAbs-s.base : lv.keyAbs-s.base+lv.keyLen]
}

// materializeKeys copies the keys that live in buffer bytes before newBase
// (about to be dropped) into s.keys.
func (s *Stream) materializeKeys(newBase int) {
	need := false
	for i := range s.levels {
		lv := &s.levels[i]
		if !lv.arr && !lv.keyMat && lv.keyLen > 0 && lv.keyAbs < newBase {
			need = true
			break
		}
	}
	if !need {
		return
	}
	nk := s.keys2[:0]
	for i := range s.levels {
		lv := &s.levels[i]
		if lv.arr || lv.keyLen == 0 || !lv.keyMat && lv.keyAbs >= newBase {
			continue
		}
		off := len(nk)
		nk = append(nk, s.keyOf(lv)...)
		lv.keyOff, lv.keyMat = off, true
	}
	s.keys, s.keys2 = nk, s.keys
}

func (s *Stream) deferCommas() bool { return s.r.hasRemove }

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// jsonRound advances the tokenizer over the buffered input.
func (s *Stream) jsonRound(final bool) {
	j := &s.js
	fast := !s.deferCommas()
	for !j.fallback {
		if fast && j.state <= jTop {
			s.jsonFast()
		}
		if !s.jsonStep(final) {
			break
		}
	}
	if j.fallback {
		return
	}
	hi := s.base + len(s.buf)
	if final {
		s.jsonFinish(hi)
		return
	}
	safe := j.pos
	switch j.state {
	case jString:
		safe = min(safe, j.str.safe(len(s.r.custom) > 0))
	case jNumber, jLiteral:
		if !j.longNum {
			safe = j.tokStart
		}
	case jRemoveColon:
		s.skipTo(j.pos) // space around the removed member's colon goes too
		safe = s.emitted
	case jKey, jValue, jCommaOrEnd:
		if s.deferCommas() && len(s.levels) > 0 && s.levels[len(s.levels)-1].comma {
			// Whitespace after a dropped comma (and after a removed member
			// that followed it) waits for the next member's fate, so that
			// it lands on the same side of a re-inserted comma however the
			// body is split.
			if j.pos-s.emitted > maxHeldSpace {
				s.skipTo(j.pos)
			}
			safe = s.emitted
		}
	}
	if j.keyHold >= 0 {
		safe = min(safe, j.keyHold)
	}
	if safe > s.emitted {
		s.emitTo(safe)
	}
}

// jsonStep runs one state; it returns false when it needs more input.
func (s *Stream) jsonStep(final bool) bool {
	j := &s.js
	switch j.state {
	case jString:
		return s.jsonString(final)
	case jNumber:
		return s.jsonNumber(final)
	case jLiteral:
		return s.jsonLiteral()
	case jField:
		return s.fieldConsume(final)
	}
	b := s.buf
	i := j.pos - s.base
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	j.pos = i + s.base
	if i >= len(b) {
		return false
	}
	c := b[i]
	at := j.pos
	switch j.state {
	case jTop, jValue:
		return s.startValue(at, c)
	case jValueOrEnd:
		if c == ']' {
			return s.closeContainer(at, true)
		}
		return s.startValue(at, c)
	case jKeyOrEnd, jKey:
		if c == '}' && j.state == jKeyOrEnd {
			return s.closeContainer(at, false)
		}
		if c != '"' {
			return s.jsonFallback(at)
		}
		s.startString(at, true)
		return true
	case jColon:
		if c != ':' {
			return s.jsonFallback(at)
		}
		j.pos++
		j.state = jValue
		return true
	case jRemoveColon:
		if c == ':' {
			j.pos++
			s.skipTo(j.pos)
			return true
		}
		s.skipTo(at)
		s.startField(at, c, true)
		return true
	case jCommaOrEnd:
		lv := &s.levels[len(s.levels)-1]
		switch {
		case c == ',':
			if s.deferCommas() {
				s.emitTo(at)
				s.skipTo(at + 1)
				lv.comma = true
			}
			j.pos++
			if lv.arr {
				j.state = jValue
			} else {
				j.state = jKey
			}
			return true
		case c == ']' && lv.arr, c == '}' && !lv.arr:
			return s.closeContainer(at, lv.arr)
		}
		return s.jsonFallback(at)
	}
	return s.jsonFallback(at)
}

// startValue begins the value whose first byte c is at absolute at.
func (s *Stream) startValue(at int, c byte) bool {
	j := &s.js
	rule := -1
	if n := len(s.levels); n > 0 {
		lv := &s.levels[n-1]
		if lv.arr {
			if len(s.r.rulesArr) > 0 {
				rule = s.matchRule()
			}
			if s.deferCommas() {
				if rule >= 0 && s.r.rules[rule].remove {
					if !lv.comma {
						s.emitTo(at)
					}
					s.skipTo(at)
					s.startField(at, c, true)
					return true
				}
				if lv.members > 0 && lv.comma {
					s.out = append(s.out, ',')
				}
				lv.comma = false
				lv.members++
			}
		} else {
			rule = j.valRule
			j.valRule = -1
		}
	}
	if rule >= 0 {
		s.emitTo(at)
		j.fv.rule = rule
		s.startField(at, c, false)
		return true
	}
	switch {
	case c == '"':
		s.startString(at, false)
	case c == '{' || c == '[':
		if len(s.levels) >= maxDepth {
			return s.jsonFallback(at)
		}
		s.levels = append(s.levels, level{arr: c == '['})
		j.pos = at + 1
		if c == '[' {
			j.state = jValueOrEnd
		} else {
			j.state = jKeyOrEnd
		}
	case c == '-' || isDig(c):
		j.state, j.tokStart, j.longNum, j.pos = jNumber, at, false, at
	case c == 't' || c == 'f' || c == 'n':
		j.state, j.tokStart, j.longNum, j.pos = jLiteral, at, false, at
	default:
		return s.jsonFallback(at)
	}
	return true
}

func (s *Stream) closeContainer(at int, arr bool) bool {
	n := len(s.levels)
	if n == 0 || s.levels[n-1].arr != arr {
		return s.jsonFallback(at)
	}
	s.levels = s.levels[:n-1]
	s.js.pos = at + 1
	s.afterValue()
	return true
}

func (s *Stream) afterValue() {
	if len(s.levels) == 0 {
		s.js.state = jTop
	} else {
		s.js.state = jCommaOrEnd
	}
}

func (s *Stream) startString(at int, key bool) {
	j := &s.js
	j.state = jString
	j.strKey = key
	j.str.reset(at+1, true)
	j.strSearch = at + 1
	j.pos = at + 1
	if key {
		lv := &s.levels[len(s.levels)-1]
		lv.keyLen, lv.longKey, lv.keyMat = 0, false, false
		if s.deferCommas() {
			if !lv.comma {
				s.emitTo(at) // '{' and space before a first member are not held
			}
			j.keyHold = s.emitted
		}
	}
}

// jsonString finds the closing quote (escape-aware, linear) and scans the
// string's content as one unit; a string longer than the window is scanned
// in window steps.
func (s *Stream) jsonString(final bool) bool {
	j := &s.js
	b := s.buf
	n := len(b)
	p := j.strSearch - s.base
	qpos := -1
	for {
		if qpos < p {
			if q := bytes.IndexByte(b[p:], '"'); q >= 0 {
				qpos = p + q
			} else {
				qpos = n
			}
		}
		bs := bytes.IndexByte(b[p:qpos], '\\')
		if bs < 0 {
			if qpos == n {
				p = n
				break
			}
			return s.stringDone(qpos + s.base)
		}
		k := p + bs
		if k+1 >= n {
			p = k // resume at the backslash when its pair arrives
			break
		}
		p = k + 2
	}
	avail := p + s.base
	j.strSearch = avail
	j.pos = avail
	if j.strKey && j.keyHold >= 0 && avail-j.str.start > maxKey {
		// A key this long is no field name we match: decide now.
		s.captureKey(j.str.start, j.str.start+maxKey, true)
		s.keepMember()
	}
	if final {
		// Unterminated string at the end of the body.
		s.scan(&j.str, avail, avail, true)
		return false
	}
	if lim := avail - s.r.window; lim > j.str.pos {
		if j.strKey && j.keyHold < 0 && s.levels[len(s.levels)-1].keyLen == 0 {
			s.captureKey(j.str.start, j.str.start+maxKey, true)
		}
		s.scan(&j.str, lim, avail, false)
	}
	return false
}

// stringDone handles the closing quote at absolute z.
func (s *Stream) stringDone(z int) bool {
	j := &s.js
	if a := j.str.start; !j.strKey && s.r.on[detSecret] && z-a <= s.r.window && s.secretKeyHint() && s.secretJSON(a, z) {
		// A secret by its key: masked whole, not scanned.
	} else if z-a <= s.r.window && hasDecodeEscape(s.buf[a-s.base:z-s.base]) {
		// Not scanned yet (a string this short is scanned only whole).
		s.scanEscaped(a, z)
	} else {
		s.scan(&j.str, z, z, true)
	}
	j.pos = z + 1
	if !j.strKey {
		s.afterValue()
		return true
	}
	lv := &s.levels[len(s.levels)-1]
	if lv.keyLen == 0 && !lv.longKey {
		long := z-j.str.start > maxKey
		s.captureKey(j.str.start, min(z, j.str.start+maxKey), long)
	}
	j.state = jColon
	if j.keyHold < 0 && s.deferCommas() {
		return true // already decided (long key)
	}
	rule := s.matchRule()
	if rule >= 0 && s.r.rules[rule].remove {
		s.skipTo(z + 1)
		j.keyHold = -1
		j.state = jRemoveColon
		j.fv.rule = rule
		return true
	}
	if s.deferCommas() {
		s.keepMember()
	}
	j.valRule = rule
	return true
}

// keepMember re-inserts the dropped comma before a kept object member.
func (s *Stream) keepMember() {
	lv := &s.levels[len(s.levels)-1]
	if lv.members > 0 {
		s.out = append(s.out, ',')
	}
	lv.members++
	lv.comma = false
	s.js.keyHold = -1
}

func (s *Stream) captureKey(from, to int, long bool) {
	lv := &s.levels[len(s.levels)-1]
	lv.keyAbs, lv.keyLen, lv.keyMat, lv.longKey = from, to-from, false, long
	lv.secret = s.r.on[detSecret] && !long && to-from >= 3 && secretNameEnd(s.buf, max(from, s.base)-s.base, to-s.base)
}

func isNumByte(c byte) bool {
	return isDig(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (s *Stream) jsonNumber(final bool) bool {
	j := &s.js
	b := s.buf
	i := j.pos - s.base
	for i < len(b) && isNumByte(b[i]) {
		i++
	}
	j.pos = i + s.base
	if i == len(b) && !final {
		if j.pos-j.tokStart > longNumber {
			j.longNum = true
		}
		return false
	}
	s.numberDone(j.pos)
	return true
}

// numberDone checks a complete number for a card number: JSON numbers are
// ids, amounts and timestamps far more often than cards, so a number is
// masked only when its key says card.
func (s *Stream) numberDone(end int) {
	j := &s.js
	start := j.tokStart
	if !j.longNum && s.r.on[detCard] && end-start >= 13 && end-start <= 19 {
		d := s.buf[start-s.base : end-s.base]
		if isAllDigits(d) && (validCard(d) || cardUnlisted(d)) && s.cardContextJSON() {
			s.pending = append(s.pending, match{s: start, e: end, det: detCard, quote: true})
			s.found(detCard)
		}
	}
	if !j.longNum && s.r.on[detPhone] && end-start >= 8 && end-start <= 15 {
		s.numberPhone(start, end)
	}
	s.afterValue()
}

func isAllDigits(d []byte) bool {
	for _, c := range d {
		if !isDig(c) {
			return false
		}
	}
	return true
}

var literals = [...][]byte{[]byte("true"), []byte("false"), []byte("null")}

func (s *Stream) jsonLiteral() bool {
	j := &s.js
	rest := s.buf[j.tokStart-s.base:]
	for _, lit := range literals {
		if lit[0] != rest[0] {
			continue
		}
		if len(rest) < len(lit) {
			if !bytes.HasPrefix(lit, rest) {
				return s.jsonFallback(j.tokStart)
			}
			j.pos = s.base + len(s.buf)
			return false
		}
		if !bytes.HasPrefix(rest, lit) {
			return s.jsonFallback(j.tokStart)
		}
		j.pos = j.tokStart + len(lit)
		s.afterValue()
		return true
	}
	return s.jsonFallback(j.tokStart)
}

// jsonFallback switches a malformed body to text scanning from absolute at:
// what came before keeps its JSON treatment, nothing after passes unscanned.
func (s *Stream) jsonFallback(at int) bool {
	j := &s.js
	if n := len(s.levels); n > 0 && s.levels[n-1].comma {
		s.out = append(s.out, ',')
	}
	j.keyHold = -1
	s.emitTo(at)
	j.fallback = true
	s.found0.fallback = true
	s.tx.reset(at, false)
	return false
}

// jsonFinish ends the body: whatever token is open is completed as well as
// it can be, and everything is emitted.
func (s *Stream) jsonFinish(hi int) {
	j := &s.js
	switch j.state {
	case jNumber:
		if !j.longNum {
			s.numberDone(hi)
		}
	case jField:
		s.fieldDone()
	case jString:
		if j.strKey && j.keyHold >= 0 {
			if n := len(s.levels); n > 0 && s.levels[n-1].comma && s.levels[n-1].members > 0 {
				s.out = append(s.out, ',')
			}
			j.keyHold = -1
		}
	}
	s.emitTo(hi)
}
