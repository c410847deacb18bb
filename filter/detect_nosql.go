package filter

import (
	"regexp"
	"strings"
)

var (
	// A MongoDB operator as a name: "user[$ne]", "$where", "filter.$regex".
	// Not $type, $id, $ref, $schema, $values: JSON.NET and JSON Schema
	// documents use those keys.
	reNoSQLName = regexp.MustCompile(`(?:^|\[|\.)\$(?:ne|eq|gt|gte|lt|lte|in|nin|or|and|not|nor|exists|regex|where|expr|elemmatch|all|function|accumulator|jsonschema|lookup)\b`)
	// An operator as an object key written inside a string value.
	reNoSQLValue = regexp.MustCompile(`(?:^|[{,\[(\s'"])["']?\$(?:ne|eq|gt|gte|lt|lte|nin|or|and|nor|not|where|regex|expr|exists|elemmatch|function|accumulator)["']? ?:`)
	reNoSQLJS    = regexp.MustCompile(`\bdb\.[a-z_][\w]*\.(?:insert|find|remove|drop|update|delete|aggregate|count|save|mapreduce)\w* ?\(|\bdo ?\{.*\} ?while ?\(|\bthis\.\w+ ?(?:==|!=|>|<)|\bsleep ?\( ?\d+ ?\)|\bwhile ?\( ?(?:true|1) ?\)|new date ?\( ?\) ?-|['"] ?; ?return (?:true|false|1|0|this\b|[a-z_]+ ?(?:==|!=|>|<))`)
)

// detectNoSQL flags MongoDB operator injection and server-side JavaScript.
func detectNoSQL(e *emitter, v *value) {
	if v.cls&cDollar != 0 {
		switch v.kind {
		case KindQueryName, KindBodyName, KindCookieName, KindHeaderName:
			if reNoSQLName.MatchString(v.norm) {
				e.hit(rNoSQLOperator)
			}
		default:
			if v.kw&kwNoSQLOp != 0 && reNoSQLValue.MatchString(v.norm) {
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
var nosqlOpWords = []string{"$ne", "$eq", "$gt", "$lt", "$nin", "$or", "$and", "$nor", "$not", "$where", "$regex", "$expr", "$exists", "$elemmatch", "$function", "$accumulator"}
