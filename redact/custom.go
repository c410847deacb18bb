package redact

// scanCustom runs the custom RE2 detectors over the unit region that the
// built-in pass just examined. Custom detectors are not on the fast path:
// the regexp engine runs over each region once. A match starting before
// limitAbs is taken (built-in matches win overlaps); the next search starts
// after the last match taken or at limitAbs.
func (s *Stream) scanCustom(st *scanState, limitAbs, hiAbs int) {
	from := max(st.cpos, st.start, s.emitted)
	if from >= limitAbs {
		return
	}
	b := s.buf[from-s.base : hiAbs-s.base]
	next := limitAbs
	for _, cd := range s.r.custom {
		for _, loc := range cd.re.FindAllIndex(b, -1) {
			a, z := loc[0]+from, loc[1]+from
			if a >= limitAbs {
				break
			}
			if z == a {
				continue
			}
			if cd.validator != nil && !cd.validator(s.buf[a-s.base:z-s.base]) {
				continue
			}
			if s.overlapsPending(a, z) {
				continue
			}
			s.insertPending(match{s: a, e: z, det: cd.id, json: st.json})
			s.found(cd.id)
			next = max(next, z)
		}
	}
	st.cpos = next
}

func (s *Stream) overlapsPending(a, z int) bool {
	for _, m := range s.pending[s.pi:] {
		if m.s < z && a < m.e {
			return true
		}
	}
	return false
}

// insertPending keeps s.pending sorted by start.
func (s *Stream) insertPending(m match) {
	s.pending = append(s.pending, m)
	k := len(s.pending) - 1
	for k > s.pi && s.pending[k-1].s > m.s {
		s.pending[k] = s.pending[k-1]
		k--
	}
	s.pending[k] = m
}
