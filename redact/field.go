package redact

// fieldValue consumes a value selected by a field rule with O(1) state: the
// character count, the first and last few characters (for keep_first /
// keep_last) and a running HMAC. The raw value is dropped as it goes.
type fieldValue struct {
	rule    int
	remove  bool
	kind    byte // '"' string, '{' object or array, 'n' number or literal
	depth   int
	inStr   bool
	esc     bool
	count   int
	first   [16]byte
	last    [16]byte
	tok     [5]byte // first bytes of a number/literal ("null" stays null)
	ntok    int
	hmac    bool
	hexLeft int // hex digits of a \uXXXX escape still to skip
}

func (s *Stream) startField(at int, c byte, remove bool) {
	j := &s.js
	fv := &j.fv
	rule := fv.rule
	*fv = fieldValue{rule: rule, remove: remove}
	fv.hmac = !remove && s.r.rules[rule].style.kind == kHMAC
	if fv.hmac {
		s.hmacState().Reset()
	}
	j.state = jField
	j.pos = at
	switch {
	case c == '"':
		fv.kind = '"'
		j.pos = at + 1
	case c == '{' || c == '[':
		fv.kind = '{'
	default:
		fv.kind = 'n'
	}
	s.skipTo(j.pos)
}

func (s *Stream) fieldConsume(final bool) bool {
	j := &s.js
	fv := &j.fv
	b := s.buf
	from := j.pos - s.base
	i := from
	done := false
	switch fv.kind {
	case '"':
		for ; i < len(b); i++ {
			c := b[i]
			if fv.hexLeft > 0 {
				fv.hexLeft--
				continue
			}
			if fv.esc {
				fv.esc = false
				if c == 'u' {
					fv.hexLeft = 4
				}
				continue
			}
			if c == '\\' {
				fv.esc = true
				fv.noteChar(0)
				continue
			}
			if c == '"' {
				done = true
				break
			}
			if c < 0x80 {
				fv.noteChar(c)
			} else if c >= 0xC0 {
				fv.noteChar(0)
			}
		}
	case 'n':
		for ; i < len(b); i++ {
			c := b[i]
			if !(isAlnum(c) || c == '-' || c == '+' || c == '.') {
				done = true
				break
			}
			if fv.ntok < len(fv.tok) {
				fv.tok[fv.ntok] = c
				fv.ntok++
			}
			fv.count++
		}
	case '{':
		for ; i < len(b) && !done; i++ {
			c := b[i]
			switch {
			case fv.esc:
				fv.esc = false
			case fv.inStr:
				if c == '\\' {
					fv.esc = true
				} else if c == '"' {
					fv.inStr = false
				}
			case c == '"':
				fv.inStr = true
			case c == '{' || c == '[':
				fv.depth++
			case c == '}' || c == ']':
				fv.depth--
				if fv.depth == 0 {
					done = true
				}
			}
		}
		if done {
			i-- // keep i at the closing byte, consumed below
		}
	}
	if fv.hmac && i > from {
		s.mac.Write(b[from:i])
	}
	end := i + s.base
	if done && fv.kind != 'n' {
		end++ // the closing quote or bracket
	}
	j.pos = end
	s.skipTo(end)
	if !done && !final {
		return false
	}
	s.fieldDone()
	return !final
}

func (fv *fieldValue) noteChar(c byte) {
	if fv.count < len(fv.first) {
		fv.first[fv.count] = c
	}
	fv.last[fv.count%len(fv.last)] = c
	fv.count++
}

// fieldDone writes the replacement of a consumed field value.
func (s *Stream) fieldDone() {
	j := &s.js
	fv := &j.fv
	s.afterValue()
	if fv.remove {
		s.found(detField)
		return
	}
	if fv.kind == 'n' && fv.ntok == 4 && string(fv.tok[:4]) == "null" && fv.count == 4 {
		s.out = append(s.out, "null"...)
		return
	}
	st := &s.r.rules[fv.rule].style
	s.found(detField)
	out := append(s.out, '"')
	switch st.kind {
	case kMask:
		out = fv.appendMask(out, st, fv.kind, s.r.window)
	case kReplace, kLabel:
		out = append(out, st.textJSON...)
	case kHMAC:
		var sum [32]byte
		out = appendPseudonymSum(out, st.label, s.mac.Sum(sum[:0]))
	}
	s.out = append(out, '"')
}

// appendMask renders a masked field: one mask character per character of a
// string (length capped at the window) or number, keeping the first/last
// characters the style allows if they are ASCII letters or digits; objects
// and arrays become eight mask characters.
func (fv *fieldValue) appendMask(out []byte, st *style, kind byte, window int) []byte {
	if kind == '{' {
		for range 8 {
			out = append(out, st.char)
		}
		return out
	}
	n := fv.count
	first, last := keepCounts(min(st.keepFirst, len(fv.first)), min(st.keepLast, len(fv.last)), n)
	if kind == 'n' {
		first, last = 0, 0
	}
	shown := min(n, window)
	for k := 0; k < shown; k++ {
		var c byte
		switch {
		case k < first:
			c = fv.first[k]
		case k >= shown-last:
			c = fv.last[(n-(shown-k))%len(fv.last)]
		}
		if !isAlnum(c) {
			c = st.char
		}
		out = append(out, c)
	}
	return out
}
