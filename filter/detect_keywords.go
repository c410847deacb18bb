package filter

import "strings"

// Keyword features: one pass over a normalised value finds which keyword
// groups it contains, so that each detector tests a bit instead of
// scanning the value once per keyword. A group's regexp runs only when its
// bit is set.
const (
	kwSQLGate uint64 = 1 << iota
	kwSQLFunc
	kwWindows
	kwCode
	kwLFI
	kwSink
	kwWeakJS
	kwLDAP
	kwScanner
	kwOAST
	kwSSTIEngine
	kwSSRFLiteral
	kwNoSQLJS
	kwWrapper
	kwBool
	kwSQLCmp
	kwJNDI
	kwNoSQLOp
	kwEvasion
	kwXSSElement
	kwSQLProbe
	kwCmdBatch
	kwCmdShape
	kwSSTIProbe
	kwJava
	kwPHPFunc
	kwPHPCall
	kwNode
	kwProto
	kwDunder
	kwSQLFuncCall
	kwInterp
	kwWinGrammar
	kwJSExfil
	// kwLastStatic is the last static bit; anchored matchers take the
	// bits after it.
	kwLastStatic = kwJSExfil
)

// kwGroup is a set of keywords that share a feature bit.
type kwGroup struct {
	bit   uint64
	words []string
}

// kwGroups are the static groups, then one group per anchored matcher
// (see anchoredGroups).
var kwGroups = append([]kwGroup{
	{kwSQLGate, sqlGateWords},
	{kwSQLFunc, sqlFuncWords},
	{kwWindows, windowsWords},
	{kwCode, codeWords},
	{kwLFI, lfiWords},
	{kwSink, sinkWords},
	{kwWeakJS, weakJSWords},
	{kwLDAP, ldapWords},
	{kwScanner, scannerAgents},
	{kwOAST, oastWords},
	{kwSSTIEngine, sstiEngineWords},
	{kwSSRFLiteral, ssrfLiteralWords},
	{kwNoSQLJS, nosqlJSWords},
	{kwWrapper, wrapperWords},
	{kwBool, boolWords},
	{kwSQLCmp, cmpWords},
	{kwJNDI, jndiWords},
	{kwNoSQLOp, nosqlOpWords},
	{kwEvasion, evasionWords},
	{kwXSSElement, xssElementWords},
	{kwSQLProbe, sqlProbeWords},
	{kwCmdBatch, cmdBatchWords},
	{kwCmdShape, cmdShapeWords},
	{kwSSTIProbe, sstiProbeWords},
	{kwJava, javaWords},
	{kwPHPFunc, phpFuncWords},
	{kwPHPCall, phpCallWords},
	{kwNode, nodeWords},
	{kwProto, []string{"__proto__", "prototype"}},
	{kwDunder, []string{"__"}},
	{kwSQLFuncCall, sqlFuncCallWords},
	{kwInterp, interpWords},
	{kwWinGrammar, winGrammarWords},
	{kwJSExfil, jsExfilWords},
}, anchoredGroups()...)

// anchoredGroups gives every anchored matcher a feature bit of its own
// (after the static ones), so that a value is searched only for the
// keywords it is known to contain.
func anchoredGroups() []kwGroup {
	var out []kwGroup
	next := kwLastStatic << 1
	// cmdBatch is gated by its group and the '%' class instead: "if " and
	// "for " are too common in prose to be worth a keyword each.
	for _, list := range []*[]anchored{&sqlProbes, &sqlTimingCalls, &cmdShapes} {
		for i := range *list {
			a := &(*list)[i]
			if next == 0 {
				panic("filter: out of keyword feature bits")
			}
			if len(a.kw) >= 2 {
				a.bit = next
				out = append(out, kwGroup{next, []string{a.kw}})
				next <<= 1
			}
		}
	}
	return out
}

// kwEntry is one keyword and the groups it belongs to. head holds its
// first (up to) eight bytes, little-endian, and headMask the bits of
// them: one compare rejects nearly every candidate that shares only the
// first two bytes with the value.
type kwEntry struct {
	s        string
	head     uint64
	headMask uint64
	mask     uint64
}

// kwMatcher indexes keywords by their first two bytes: pair maps the two
// bytes to 1 + an index in lists (0: no keyword starts so). Two bit sets
// of 8 KiB each, which stay in the L1 cache where pair's 128 KiB would
// not, turn most positions of a value away first: whole two-byte keywords
// by their pair, longer ones by a hash of their first three bytes (pairs
// alone let through a third of the positions of English text).
type kwMatcher struct {
	pair2 [256 * 256 / 64]uint64
	tri   [1 << 16 / 64]uint64
	pair  [256 * 256]uint16
	lists [][]kwEntry
}

// triHash maps three bytes to 16 bits.
func triHash(a, b, c byte) uint32 {
	return (uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 2654435761 >> 16
}

// keywords is built once at init and only read afterwards.
var keywords = func() *kwMatcher {
	m := &kwMatcher{}
	masks := map[string]uint64{}
	var order []string
	for _, g := range kwGroups {
		for _, w := range g.words {
			if len(w) < 2 {
				panic("filter: keyword shorter than 2 bytes: " + w)
			}
			if _, ok := masks[w]; !ok {
				order = append(order, w)
			}
			masks[w] |= g.bit
		}
	}
	for _, w := range order {
		p := uint16(w[0])<<8 | uint16(w[1])
		if m.pair[p] == 0 {
			m.lists = append(m.lists, nil)
			m.pair[p] = uint16(len(m.lists))
		}
		if len(w) == 2 {
			m.pair2[p>>6] |= 1 << (p & 63)
		} else {
			h := triHash(w[0], w[1], w[2])
			m.tri[h>>6] |= 1 << (h & 63)
		}
		i := m.pair[p] - 1
		n := min(len(w), 8)
		m.lists[i] = append(m.lists[i], kwEntry{s: w, head: loadHead(w), headMask: ^uint64(0) >> (64 - 8*n), mask: masks[w]})
	}
	return m
}()

// loadHead reads the first (up to) eight bytes of s, little-endian, zero
// beyond the end of s.
func loadHead(s string) uint64 {
	if len(s) >= 8 {
		return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	}
	var h uint64
	for i := len(s) - 1; i >= 0; i-- {
		h = h<<8 | uint64(s[i])
	}
	return h
}

// scan returns the union of the groups of the keywords found in s.
func (m *kwMatcher) scan(s string) uint64 {
	var mask uint64
	for i := 0; i+1 < len(s); i++ {
		p := uint16(s[i])<<8 | uint16(s[i+1])
		if m.pair2[p>>6]&(1<<(p&63)) == 0 {
			if i+2 >= len(s) {
				break
			}
			if h := triHash(s[i], s[i+1], s[i+2]); m.tri[h>>6]&(1<<(h&63)) == 0 {
				continue
			}
		}
		li := m.pair[p]
		if li == 0 {
			// Three bytes that only share the hash of a keyword's.
			continue
		}
		rest := s[i:]
		head := loadHead(rest)
		for _, k := range m.lists[li-1] {
			// A keyword longer than the rest of s cannot match: its
			// head has bytes where rest's is zero, or it is longer
			// than eight bytes and HasPrefix says no.
			if mask&k.mask != k.mask && head&k.headMask == k.head && (len(k.s) <= 8 && len(k.s) <= len(rest) || strings.HasPrefix(rest, k.s)) {
				mask |= k.mask
			}
		}
	}
	return mask
}
