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
	// kwLastStatic is the last static bit; anchored matchers take the
	// bits after it.
	kwLastStatic = kwNode
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

// kwEntry is one keyword and the groups it belongs to.
type kwEntry struct {
	s    string
	mask uint64
}

// kwMatcher indexes keywords by their first two bytes: pair maps the two
// bytes to 1 + an index in lists (0: no keyword starts so).
type kwMatcher struct {
	pair  [256 * 256]uint16
	lists [][]kwEntry
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
		i := m.pair[p] - 1
		m.lists[i] = append(m.lists[i], kwEntry{w, masks[w]})
	}
	return m
}()

// scan returns the union of the groups of the keywords found in s.
func (m *kwMatcher) scan(s string) uint64 {
	var mask uint64
	for i := 0; i+1 < len(s); i++ {
		li := m.pair[uint16(s[i])<<8|uint16(s[i+1])]
		if li == 0 {
			continue
		}
		for _, k := range m.lists[li-1] {
			if mask&k.mask != k.mask && strings.HasPrefix(s[i:], k.s) {
				mask |= k.mask
			}
		}
	}
	return mask
}
