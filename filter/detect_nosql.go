package filter

import (
	"regexp"
	"strings"
)

// MongoDB's operator vocabulary: query selectors (comparison, logical,
// element, evaluation, geospatial, array, bitwise), the update operators
// and the aggregation stages that reach other collections or write. Left
// out: $type, $id, $ref, $schema, $comment, $values (JSON.NET and JSON
// Schema keys), $set, $unset (analytics event APIs send them), $search,
// $count, $select, $filter, $expand, $orderby, $top, $skip (OData query
// options), and the Extended JSON type wrappers ($oid, $date …), which
// are data.
const (
	nosqlQueryOps  = `ne|eq|gt|gte|lt|lte|in|nin|or|and|not|nor|exists|regex|where|expr|elemmatch|all|size|mod|text|jsonschema|function|accumulator|geowithin|geointersects|near|nearsphere|bitsallset|bitsallclear|bitsanyset|bitsanyclear`
	nosqlUpdateOps = `inc|mul|rename|setoninsert|currentdate|addtoset|pull|pullall|push|pop`
	nosqlStageOps  = `lookup|graphlookup|unionwith|out|merge`
	nosqlOps       = nosqlQueryOps + `|` + nosqlUpdateOps + `|` + nosqlStageOps
)

var (
	// A MongoDB operator as a name: "user[$ne]", "$where", "filter.$regex".
	reNoSQLName = regexp.MustCompile(`(?:^|\[|\.)\$(?:` + nosqlOps + `)\b`)
	// An operator as an object key written inside a string value.
	reNoSQLValue = regexp.MustCompile(`(?:^|[{,\[(\s'"])["']?\$(?:` + nosqlOps + `)["']? ?:`)
	// A value that is a parameter name with a bracketed operator, or
	// starts with one: "[$lte]5", "u_id[$ne]", "a[b][$gt]=" (the name
	// syntax of PHP and Express query parsers, sent where a value was
	// expected or re-parsed from one).
	reNoSQLBracket = regexp.MustCompile(`^(?:[a-z_][\w-]{0,40})?(?:\[[\w-]{0,40}\])*\[\$(?:` + nosqlOps + `)\]`)
	reNoSQLJS      = regexp.MustCompile(`\bdb\.[a-z_][\w]*\.(?:insert|find|remove|drop|update|delete|aggregate|count|save|mapreduce)\w* ?\(|\bdo ?\{.*\} ?while ?\(|\bthis\.\w+ ?(?:==|!=|>|<)|\bsleep ?\( ?\d+ ?\)|\bwhile ?\( ?(?:true|1) ?\)|new date ?\( ?\) ?-|['"] ?; ?return (?:true|false|1|0|this\b|[a-z_]+ ?(?:==|!=|>|<))`)
)

// detectNoSQL flags MongoDB operator injection and server-side JavaScript.
// runDetectors calls it only when one of the three tests below can hold:
// keep its test in step with them.
func detectNoSQL(e *emitter, v *value) {
	if v.cls&cDollar != 0 {
		switch v.kind {
		case KindQueryName, KindBodyName, KindCookieName, KindHeaderName:
			if reNoSQLName.MatchString(v.norm) {
				e.hit(rNoSQLOperator)
			}
		default:
			if v.kw&kwNoSQLOp != 0 && (reNoSQLValue.MatchString(v.norm) || v.cls&cBracket != 0 && reNoSQLBracket.MatchString(v.norm)) {
				e.hit(rNoSQLOperator)
			}
		}
	}
	if v.ncls&cDollar != 0 && reNoSQLName.MatchString(strings.ToLower(v.name)) {
		e.hit(rNoSQLOperator)
	}
	if v.kw&kwNoSQLJS != 0 && reNoSQLJS.MatchString(v.norm) {
		e.hit(rNoSQLJS)
	}
}

// nosqlJSWords gate reNoSQLJS.
var nosqlJSWords = []string{"db.", "while", "this.", "sleep", "new date", "return"}

// nosqlOpWords gate reNoSQLValue.
var nosqlOpWords = []string{"$ne", "$eq", "$gt", "$lt", "$in", "$nin", "$or", "$and", "$nor", "$not", "$where", "$regex", "$expr", "$exists", "$elemmatch", "$all", "$size", "$mod", "$text", "$jsonschema", "$function", "$accumulator", "$geo", "$near", "$bits",
	"$inc", "$mul", "$rename", "$setoninsert", "$currentdate", "$addtoset", "$pull", "$push", "$pop", "$lookup", "$graphlookup", "$unionwith", "$out", "$merge"}
