package filter

import "strings"

// commentSplitWords are the SQL words an evasion splits with a comment
// (UN/**/ION SEL/**/ECT): for SQL itself a comment separates tokens, so
// the split words reach the database only through code that strips
// comments before it builds the query, which is what the attacker counts
// on; no text splits these words so.
var commentSplitWords = map[string]bool{
	"select": true, "union": true, "insert": true, "update": true, "delete": true, "from": true, "where": true,
	"sleep": true, "benchmark": true, "waitfor": true, "concat": true, "group_concat": true, "having": true,
	"order": true, "information_schema": true, "database": true, "version": true, "substring": true, "char": true,
	"drop": true, "exec": true, "execute": true, "declare": true, "xp_cmdshell": true, "load_file": true, "outfile": true,
}

// commentSplitsKeyword reports a /*…*/ comment (not MySQL's executable
// /*!…*/) between two runs of letters that together spell one of
// commentSplitWords (s is the decoded value; the comment may be empty).
func commentSplitsKeyword(s string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], "/*")
		if k < 0 {
			return false
		}
		k += i
		end := indexFrom(s, k+2, "*/")
		if end < 0 {
			return false
		}
		i = end + 2
		if k+2 < len(s) && s[k+2] == '!' {
			continue
		}
		a := k
		for a > 0 && k-a < 20 && isSQLWordByte(s[a-1]) {
			a--
		}
		b := i
		for b < len(s) && b-i < 20 && isSQLWordByte(s[b]) {
			b++
		}
		if a == k || b == i {
			continue
		}
		w := strings.ToLower(s[a:k] + s[i:b])
		if commentSplitWords[w] && !commentSplitWords[strings.ToLower(s[a:k])] && !commentSplitWords[strings.ToLower(s[i:b])] {
			return true
		}
	}
}

func isSQLWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
