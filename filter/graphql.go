package filter

import (
	"strings"
	"unicode/utf8"
)

// A GraphQL document read token by token (the executable grammar of the
// GraphQL specification, October 2021): comments, commas and block strings
// are what a byte scan gets wrong, and fragments are what it cannot see
// through. The walk is one pass over at most graphqlMaxTokens tokens with a
// nesting stack of graphqlMaxNesting entries; the fragment graph it builds
// is resolved once, each fragment visited once. Malformed input is read
// as far as it goes: a server rejects it, and a lenient one reads it the
// same way.

// Limits past which a document is abuse rather than a client's query.
// Batching links send a dozen different operations at once; a brute force
// sends one document many times with other variables. The others are an
// order of magnitude above what generated clients (Apollo, Relay, urql,
// graphql-request) send, and far below what the amplification attacks
// need.
const (
	graphqlMaxAliases    = 30
	graphqlMaxDepth      = 15
	graphqlMaxBatch      = 20    // operations in one document or one JSON batch
	graphqlMaxSameBatch  = 10    // copies of one document in a JSON batch
	graphqlMaxDirectives = 10    // on one field, spread or fragment
	graphqlMaxDuplicates = 20    // the same response key in one selection set
	graphqlMaxFields     = 10000 // selections once every fragment is expanded
	// graphqlMaxSelfNest: a field's selection set inside more than this
	// many selection sets of the same field (friends { friends { … } })
	// walks a cycle of the schema; reply threads and category trees stop
	// sooner.
	graphqlMaxSelfNest = 5
	// graphqlMaxPage: a connection's first/last (or limit, pageSize …)
	// from this number up asks for every row at once; public APIs cap
	// pages at a few hundred.
	graphqlMaxPage = 1000000
	// graphqlMaxGuesses: aliases of one credential or code check in one
	// selection set (a1: login(…) a2: login(…) …), weighted by
	// guessWeight: three sign-ins or five coupon redemptions are more. A
	// client signs in once per request; a brute force packs its guesses in
	// one document, past any per-request rate limit.
	graphqlMaxGuesses = 4
	// graphqlMaxSignInBatch: operations of a JSON batch that sign in.
	graphqlMaxSignInBatch = 2

	graphqlMaxTokens    = 1 << 17
	graphqlMaxNesting   = 64
	graphqlMaxDefs      = 256
	graphqlMaxSpreads   = 4096
	graphqlMaxArgs      = 512
	graphqlMaxArgLength = 1 << 16
)

// Token kinds of gqlLexer; punctuators are their own byte.
const (
	gqlEOF    = 0
	gqlName   = 'n'
	gqlString = 's'
	gqlNumber = '0'
	gqlSpread = '.' // "..."
)

type gqlLexer struct {
	s string
	i int
}

// next returns the next token's kind and text; a string's text is its
// content between the quotes, still escaped (block is true for """…""").
func (l *gqlLexer) next() (kind byte, text string, block bool) {
	s := l.s
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			l.i++
		case c == '#':
			for l.i < len(s) && s[l.i] != '\n' && s[l.i] != '\r' {
				l.i++
			}
		case c == 0xef && strings.HasPrefix(s[l.i:], "\ufeff"):
			l.i += 3
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := l.i
			for l.i < len(s) && (isWordByte(s[l.i]) || s[l.i] >= 'A' && s[l.i] <= 'Z') {
				l.i++
			}
			return gqlName, s[j:l.i], false
		case c == '-' || c >= '0' && c <= '9':
			j := l.i
			l.i++
			for l.i < len(s) && (s[l.i] >= '0' && s[l.i] <= '9' || s[l.i] == '.' || s[l.i] == 'e' || s[l.i] == 'E' || s[l.i] == '+' || s[l.i] == '-') {
				l.i++
			}
			return gqlNumber, s[j:l.i], false
		case c == '"':
			if strings.HasPrefix(s[l.i:], `"""`) {
				j := l.i + 3
				for k := j; k < len(s); k++ {
					if s[k] == '\\' && strings.HasPrefix(s[k:], `\"""`) {
						k += 3
						continue
					}
					if strings.HasPrefix(s[k:], `"""`) {
						l.i = k + 3
						return gqlString, s[j:k], true
					}
				}
				l.i = len(s)
				return gqlString, s[j:], true
			}
			j := l.i + 1
			for k := j; k < len(s); k++ {
				switch s[k] {
				case '\\':
					k++
				case '"':
					l.i = k + 1
					return gqlString, s[j:k], false
				case '\n', '\r':
					// An unterminated string ends at the line.
					l.i = k
					return gqlString, s[j:k], false
				}
			}
			l.i = len(s)
			return gqlString, s[min(j, len(s)):], false
		case c == '.':
			if strings.HasPrefix(s[l.i:], "...") {
				l.i += 3
				return gqlSpread, "...", false
			}
			l.i++
			return '.', ".", false
		default:
			l.i++
			return c, s[l.i-1 : l.i], false
		}
	}
	return gqlEOF, "", false
}

// gqlDef is an operation or a fragment definition.
type gqlDef struct {
	name    string // fragment name; "" for an operation
	depth   int    // deepest selection set, its own
	fields  int    // selections, its own
	spreads []gqlSpreadAt
	state   uint8 // resolution: 0 new, 1 on the path, 2 done
	eDepth  int   // with the fragments it spreads
	eFields int
}

type gqlSpreadAt struct {
	name  string
	depth int // selection sets around the spread
}

// gqlArg is a string literal argument: its name and unescaped value.
type gqlArg struct{ name, value string }

// gqlStats is what walkGraphQL found.
type gqlStats struct {
	ops, aliases, depth, directives, duplicates, fields int
	guesses                                             int // most aliases of one guessable field in a selection set
	selfNest                                            int // most selection sets of one field around a set of that field
	introspection, cycle, hugePage, mutation            bool
	fingerprint                                         bool // a schema directive or a bare @skip in an operation
	args                                                []gqlArg
}

func (st *gqlStats) abuse() bool {
	return st.ops > graphqlMaxBatch || st.aliases > graphqlMaxAliases || st.depth > graphqlMaxDepth ||
		st.directives > graphqlMaxDirectives || st.duplicates > graphqlMaxDuplicates ||
		st.fields > graphqlMaxFields || st.guesses > graphqlMaxGuesses || st.cycle ||
		st.selfNest > graphqlMaxSelfNest || st.hugePage
}

// pageArgs are the argument names of a page size.
var pageArgs = map[string]bool{"first": true, "last": true, "limit": true, "pagesize": true, "page_size": true, "perpage": true, "per_page": true, "take": true, "top": true, "count": true}

// hugeNumber: the integer literal n is graphqlMaxPage or more.
func hugeNumber(n string) bool {
	if strings.ContainsAny(n, ".eE") {
		return false
	}
	n = strings.TrimLeft(strings.TrimPrefix(n, "-"), "0")
	return len(n) > 7 || len(n) == 7 && n >= "1000000"
}

// guessWords are what the name of a field that checks a secret or a code
// contains (lower-cased, '_' and '-' dropped): sign-in, passwords and
// one-time codes, and the codes that are worth money.
var guessWords = []string{"login", "logon", "signin", "authenticat", "password", "passcode", "passphrase", "otp", "mfa", "2fa", "twofactor", "coupon", "voucher", "promo", "giftcard", "redeem", "verifycode", "confirmcode", "checkcode", "validatecode", "verifytoken"}

// guessWeight is what one alias of a field adds to its guess count: 2
// for a field that checks a credential (signInWords), 1 for a code worth
// money, 0 for any other field. A client may stack two coupons in one
// request, never three sign-ins.
func guessWeight(name string) int {
	var buf [64]byte
	if len(name) > len(buf) {
		return 0
	}
	n := string(squashName(buf[:0], name))
	for _, w := range signInWords {
		if strings.Contains(n, w) {
			return 2
		}
	}
	for _, w := range guessWords {
		if strings.Contains(n, w) {
			return 1
		}
	}
	return 0
}

// signInWords are the guessWords of fields that check a credential.
var signInWords = []string{"login", "logon", "signin", "authenticat", "password", "passcode", "passphrase", "otp", "mfa", "2fa", "twofactor", "verifycode", "verifytoken"}

// signInCall: a GraphQL document (lower case) that calls a sign-in field.
func signInCall(q string) bool {
	for _, w := range [...]string{"login(", "login (", "signin(", "signin (", "authenticate(", "authenticate (", "verifyotp(", "verifyotp ("} {
		if strings.Contains(q, w) {
			return true
		}
	}
	return false
}

type gqlKey struct {
	set  int
	name string
}

// walkGraphQL reads doc as a GraphQL executable document. With args, the
// string literals of arguments (and of input objects and lists inside
// them) are collected, unescaped, named by the nearest argument or input
// field name.
func walkGraphQL(doc string, args bool) gqlStats {
	var st gqlStats
	l := gqlLexer{s: doc}
	var stack [graphqlMaxNesting]byte // 's' selection set, 'o' object value
	var setIDs [graphqlMaxNesting]int
	var owners [graphqlMaxNesting]string // the field whose selection set each level is
	field := ""                          // the last field named in the current set
	sp, paren, sel, nextSet := 0, 0, 0, 0
	var defs []gqlDef
	cur := -1
	pending := false   // an operation or fragment keyword waits for its "{"
	fragName := false  // the next name is a fragment's name
	afterDots := false // the next token follows "..."
	skipName := false  // the next name is a type condition or directive name
	dirs := 0
	condDirective := false // the last token named @skip or @include
	var prev byte
	argName := ""
	var dup, guessed map[gqlKey]int
	newDef := func(name string) {
		if len(defs) < graphqlMaxDefs {
			defs = append(defs, gqlDef{name: name})
			cur = len(defs) - 1
		}
	}
	for n := 0; n < graphqlMaxTokens; n++ {
		kind, text, block := l.next()
		if kind == gqlEOF {
			break
		}
		inSel := sp > 0 && stack[sp-1] == 's' && paren == 0
		if condDirective && kind != '(' {
			st.fingerprint = true // @skip or @include without its if:
		}
		condDirective = false
		if prev == '@' && kind == gqlName && paren == 0 {
			switch text {
			case "deprecated", "specifiedBy", "oneOf":
				// A directive of the type system in an operation: how
				// engine fingerprinting (graphw00f) tells servers apart
				// by the error each one returns.
				st.fingerprint = true
			case "skip", "include":
				condDirective = true
			}
		}
		switch kind {
		case '{':
			if sp == graphqlMaxNesting {
				st.depth = max(st.depth, graphqlMaxNesting)
				n = graphqlMaxTokens // too deep to be a query: stop here
				continue
			}
			if paren > 0 {
				stack[sp] = 'o'
			} else {
				if sp == 0 && !pending {
					st.ops++
					newDef("")
				}
				pending = false
				stack[sp] = 's'
				nextSet++
				setIDs[sp] = nextSet
				owners[sp] = field
				if field != "" {
					same := 0
					for i := 0; i < sp; i++ {
						if stack[i] == 's' && owners[i] == field {
							same++
						}
					}
					st.selfNest = max(st.selfNest, same)
				}
				field = ""
				sel++
				if cur >= 0 {
					defs[cur].depth = max(defs[cur].depth, sel)
				}
			}
			sp++
			afterDots, skipName = false, false
			dirs = 0
		case '}':
			field = ""
			if sp > 0 {
				sp--
				if stack[sp] == 's' {
					sel--
				}
			}
		case '(':
			paren++
		case ')':
			paren = max(paren-1, 0)
		case '@':
			if paren == 0 {
				dirs++
				st.directives = max(st.directives, dirs)
				skipName = true
			}
		case ':':
			// Inside parentheses a colon follows an argument, variable or
			// input field name (argName holds it); in a selection set it
			// follows an alias.
			if paren == 0 && inSel && prev == gqlName {
				st.aliases++
			}
		case gqlSpread:
			if inSel {
				afterDots = true
				dirs = 0
			}
		case gqlNumber:
			if paren > 0 && len(argName) <= 9 && pageArgs[strings.ToLower(argName)] && hugeNumber(text) {
				st.hugePage = true
			}
		case gqlString:
			if args && paren > 0 && len(st.args) < graphqlMaxArgs && text != "" {
				st.args = append(st.args, gqlArg{argName, gqlUnescape(text, block)})
			}
		case gqlName:
			switch {
			case paren > 0:
				argName = text
			case sp == 0:
				switch {
				case fragName:
					fragName = false
					if cur >= 0 && defs[cur].name == "\x00" {
						defs[cur].name = text
					}
				case text == "query" || text == "mutation" || text == "subscription":
					st.mutation = st.mutation || text == "mutation"
					if !pending {
						st.ops++
						newDef("")
						pending = true
					}
				case text == "fragment":
					newDef("\x00")
					pending, fragName = true, true
				}
			case !inSel:
			case skipName:
				skipName = false
			case afterDots:
				afterDots = false
				if text == "on" {
					skipName = true // inline fragment: its type condition
				} else if cur >= 0 && len(defs[cur].spreads) < graphqlMaxSpreads {
					defs[cur].spreads = append(defs[cur].spreads, gqlSpreadAt{text, sel})
				}
			case prev == ':':
				// The field behind an alias.
				field = text
				st.introspection = st.introspection || text == "__schema" || text == "__type"
				if w := guessWeight(text); w > 0 {
					if guessed == nil {
						guessed = make(map[gqlKey]int)
					}
					k := gqlKey{setIDs[sp-1], text}
					guessed[k] += w
					st.guesses = max(st.guesses, guessed[k])
				}
			default:
				field = text
				st.introspection = st.introspection || text == "__schema" || text == "__type"
				dirs = 0
				if cur >= 0 {
					defs[cur].fields++
				}
				if dup == nil {
					dup = make(map[gqlKey]int)
				}
				k := gqlKey{setIDs[sp-1], text}
				dup[k]++
				st.duplicates = max(st.duplicates, dup[k])
			}
		}
		prev = kind
	}
	// Resolve fragments: effective depth and size, and cycles.
	var index map[string]int
	for i := range defs {
		if defs[i].name != "" {
			if index == nil {
				index = make(map[string]int)
			}
			if _, ok := index[defs[i].name]; !ok {
				index[defs[i].name] = i
			}
		}
	}
	var resolve func(i int)
	resolve = func(i int) {
		d := &defs[i]
		if d.state == 2 {
			return
		}
		if d.state == 1 {
			st.cycle = true
			return
		}
		d.state = 1
		d.eDepth, d.eFields = d.depth, d.fields
		for _, s := range d.spreads {
			j, ok := index[s.name]
			if !ok {
				continue
			}
			resolve(j)
			if defs[j].state != 2 {
				continue // on the cycle
			}
			// The fragment's selection set merges into the one around
			// the spread: its outer braces add no level.
			d.eDepth = max(d.eDepth, s.depth+defs[j].eDepth-1)
			d.eFields = min(d.eFields+defs[j].eFields, graphqlMaxFields+1)
		}
		d.state = 2
	}
	for i := range defs {
		resolve(i)
		st.depth = max(st.depth, defs[i].eDepth)
		if defs[i].name == "" {
			st.fields = max(st.fields, defs[i].eFields)
		}
	}
	return st
}

// gqlUnescape decodes a GraphQL string literal's escapes (\" \\ \/ \b \f
// \n \r \t \uXXXX); a block string only knows \""".
func gqlUnescape(s string, block bool) string {
	if block {
		// A copy: s may sit in a buffer the next value reuses.
		return strings.Clone(strings.ReplaceAll(s, `\"""`, `"""`))
	}
	if strings.IndexByte(s, '\\') < 0 {
		return strings.Clone(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			b = append(b, s[i])
			i++
			continue
		}
		r, n, st := unescape(s, i)
		switch st {
		case escOK:
			b = utf8.AppendRune(b, r)
			i += n
		case escInvalid:
			// Not an escape: the character itself, as lenient
			// servers read it (\u without four hex digits keeps \u).
			if s[i+1] == 'u' {
				b = append(b, '\\', 'u')
			} else {
				b = append(b, s[i+1])
			}
			i += 2
		default:
			b = append(b, s[i:]...)
			i = len(s)
		}
	}
	return string(b)
}
