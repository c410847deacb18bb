package filter

import (
	"regexp"
	"strconv"
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
	// A MongoDB operator as a name: "user[$ne]", "$where", "filter.$regex";
	// $type in brackets, where no JSON.NET payload puts it
	// (password[$type]=string).
	reNoSQLName = regexp.MustCompile(`(?:^|\[|\.)\$(?:` + nosqlOps + `)\b|\[\$type\]`)
	// An operator as an object key written inside a string value.
	reNoSQLValue = regexp.MustCompile(`(?:^|[{,\[(\s'"])["']?\$(?:` + nosqlOps + `)["']? ?:`)
	// A value that is a parameter name with a bracketed operator, or
	// starts with one: "[$lte]5", "u_id[$ne]", "a[b][$gt]=" (the name
	// syntax of PHP and Express query parsers, sent where a value was
	// expected or re-parsed from one).
	reNoSQLBracket = regexp.MustCompile(`^(?:[a-z_][\w-]{0,40})?(?:\[[\w-]{0,40}\])*\[\$(?:` + nosqlOps + `)\]`)
	// Server-side JavaScript of a $where clause, a mapReduce or the
	// shell: collection methods and the shell's database methods
	// (db.getCollection('u').find(), db.getSiblingDB(…), db.runCommand(…));
	// busy loops and sleeps; a document field compared, indexed or
	// matched (this.a == 1, this.password[0] == 'a',
	// this.password.match(/.*/)) and an anonymous function returning a
	// constant or a field, as the whole value or after a string broken
	// out of (' || this.…); return after a broken-out string or a number,
	// of a constant, a field or a comparison ('; return 'a'=='a').
	reNoSQLJS = regexp.MustCompile(`\bdb\.[a-z_][\w]*\.(?:insert|find|remove|drop|update|delete|aggregate|count|save|mapreduce)\w* ?\(|\bdb\.(?:getcollection|getsiblingdb|getmongo|runcommand|admincommand|eval|dropdatabase|createuser|getcollectionnames|currentop|killop|shutdownserver|fsynclock) ?\(|\bdo ?\{.*\} ?while ?\(|\bthis\.\w+ ?(?:==|!=|>|<)|` +
		`(?:^|['"] ?(?:;|\|\||&&) ?)(?:return )?this\.\w+(?:\.\w+)*(?: ?(?:==|!=|>|<)|\[\d+\]|\.(?:match|test|search|startswith|endswith|includes|indexof|charat|charcodeat|substr|substring|slice) ?\()|` +
		`(?:^|['"] ?(?:;|\|\||&&|,) ?)function ?\( ?\) ?\{ ?return (?:true|false|!0|!1|1|0|this\.)|` +
		`\bsleep ?\( ?\d+ ?\)|\bwhile ?\( ?(?:true|1) ?\)|new date ?\( ?\) ?-|(?:['"]|^\d+) ?; ?return(?: ?\( ?(?:true|false|1|0) ?\)| (?:true|false|1|0|this\b|[a-z_]+ ?(?:==|!=|>|<)|'[^']*' ?[=!]=|"[^"]*" ?[=!]=|\d+ ?(?:[=!]=|>|<)))`)
)

// detectNoSQL flags MongoDB operator injection and server-side JavaScript.
// runDetectors calls it only when one of the tests below can hold: keep
// its test in step with them.
func detectNoSQL(e *emitter, v *value) {
	if v.cls&cDollar != 0 {
		switch v.kind {
		case KindQueryName, KindBodyName, KindCookieName, KindHeaderName:
			if reNoSQLName.MatchString(v.norm) {
				if v.kind == KindQueryName && soqlClause(v.norm) {
					// The clause's value says what it is.
				} else if filterBuilderName(v.norm) {
					e.hit(rNoSQLFilterSyntax)
				} else {
					e.hit(rNoSQLOperator)
				}
			}
		default:
			if v.kw&kwNoSQLOp != 0 && (reNoSQLValue.MatchString(graphQLBody(v.norm)) || v.cls&cBracket != 0 && reNoSQLBracket.MatchString(v.norm)) {
				if v.cls&cBrace != 0 && dataFilterDocument(v.norm) {
					e.hit(rNoSQLFilterSyntax)
				} else {
					e.hit(rNoSQLOperator)
				}
			}
		}
	}
	if v.ncls&cDollar != 0 {
		if ln := strings.ToLower(v.name); reNoSQLName.MatchString(ln) && !filterBuilderName(ln) && !(soqlClause(ln) && (v.kind == KindQueryName || v.kind == KindQueryValue && soqlExpression(v.norm))) || bsonTypeProbe(v.name, v.norm) {
			e.hit(rNoSQLOperator)
		}
	}
	if v.kw&kwNoSQLJS != 0 && reNoSQLJS.MatchString(v.norm) {
		e.hit(rNoSQLJS)
	}
	if v.cls&cEq != 0 && len(v.norm) <= maxJSTautology && (jsTautology(v.norm) || v.cls&cQuote != 0 && v.cls&(cPipe|cAmp) != 0 && jsBreakoutTautology(v.norm)) {
		e.hit(rNoSQLJS)
	}
}

// filterBuilderName: n (a lower-cased query or form name) is the bracket
// filter syntax of a query builder (Strapi's filters[price][$lt], Feathers'
// and Parse's where[tags][$in], filter[…]): a comparison or logical
// operator on a field that holds no credential. APIs take such filters by
// design; the injection compares a password, a token or a role
// (password[$ne]=, filters[role][$eq]=), or runs JavaScript ($where,
// $expr, $function).
func filterBuilderName(n string) bool {
	if !strings.HasPrefix(n, "filters[") && !strings.HasPrefix(n, "filter[") && !strings.HasPrefix(n, "where[") {
		return false
	}
	field := false
	for rest := n; rest != ""; {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			return false
		}
		part := rest[i+1 : i+j]
		rest = rest[i+j+1:]
		if op, ok := strings.CutPrefix(part, "$"); ok {
			if !filterOps[op] {
				return false
			}
			continue
		}
		if filterGuarded(part) {
			return false
		}
		field = field || part != "" && (part[0] < '0' || part[0] > '9')
	}
	return field // the filter names the field it compares
}

// dataFilterPath: p, the dotted path of a JSON member (lower case,
// "filter.status.$in"), is a query builder's filter on data: its
// operators are comparisons, sets, logic or a pattern, and no field on
// the way holds a credential or a privilege. Parse's where, Mongo-style
// admin APIs and saved filters send these; the injection compares a
// password, a user or a role ({"password": {"$ne": null}}) or runs code.
func dataFilterPath(p string) bool {
	if strings.HasPrefix(p, "variables.") {
		// GraphQL variables: a resolver that hands an operator object
		// to the database was given it as a typed argument.
		return false
	}
	op := false
	prev := ""
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
		if part == "$and" {
			// A conjunction of criteria matches less, never more: its
			// members are judged on their own paths.
			op = true
			continue
		}
		if o, ok := strings.CutPrefix(part, "$"); ok {
			// The operator compares the field it is under; under the
			// filter itself (or an array of stages) it compares nothing
			// and matches everything ({"pipeline": [{"$ne": {}}]}).
			if !comparisonOps[o] || prev == "" || filterContainers[prev] || prev[0] >= '0' && prev[0] <= '9' {
				return false
			}
			op = true
			continue
		}
		if filterGuarded(part) {
			return false
		}
		prev = part
	}
	return op
}

// reMatchAll: an operator whose operand makes it match every document
// ($ne: null, $gt: "", $regex: ".*"): the tautology of an injection, not
// a criterion anyone filters by.
var reMatchAll = regexp.MustCompile(`(?i)"\$(?:ne|gt|gte|lt|lte|nin|eq)"\s*:\s*(?:null|""|\{\s*\}|\[\s*\]|true|false)|"\$regex"\s*:\s*"(?:\^?\.[*+]?|\^|)"`)

// filterContainers name the filter document itself, not a field of it.
var filterContainers = wordSet("pipeline query filter filters where criteria q match selector conditions condition find search and or")

// comparisonOps compare a field with a value or a pattern; on a field of
// data they select rows. Logical and element operators ($or, $exists,
// $elemMatch) are how a filter is made to match every document.
var comparisonOps = wordSet("eq ne gt gte lt lte in nin regex options")

// filterGuarded: a filter on field f reads what it must not: a
// credential, an account or privilege (guardedField), or another owner's
// rows (ownershipField).
func filterGuarded(f string) bool { return guardedField(f) || ownershipField(f) }

// ownershipField: a field that scopes rows to their owner, tenant or
// customer, or holds a code that is worth something (an identifier,
// *Id, owner, tenant, coupon code, PIN): comparing it with an operator
// reads other owners' rows.
func ownershipField(f string) bool {
	switch f {
	case "pin", "code", "org", "otp":
		return true
	}
	return strings.HasSuffix(f, "id") || containsAny(f, "owner", "tenant", "customer", "vendor", "account", "member", "coupon", "voucher", "promo", "gift", "secret")
}

// dataFilterDocument: d, a value that is a JSON document (a where= of
// Parse's REST API, a saved filter), has operators on data fields only
// (dataFilterPath for each). False when it does not parse.
func dataFilterDocument(d string) bool {
	t := strings.TrimSpace(d)
	if !strings.HasPrefix(t, "{") || reMatchAll.MatchString(t) {
		return false
	}
	ok, any := true, false
	err := walkJSON(t, 32, func(isKey bool, path []byte, name, _ string) bool {
		if isKey && strings.HasPrefix(name, "$") {
			any = true
			p := string(path)
			if !strings.HasSuffix(p, name) {
				p += "." + name
			}
			ok = dataFilterPath(strings.ToLower(p))
		}
		return ok
	})
	return err == nil && ok && any
}

// soqlClause: n is a whole query parameter named as a clause of Socrata's
// SoQL ($where=amount > 1000, $select, $order): open-data APIs take SQL-
// like expressions there. A $where that runs JavaScript is judged by its
// value (nosql-js-injection).
func soqlClause(n string) bool {
	switch n {
	case "$where", "$select", "$order", "$group", "$having", "$limit", "$offset", "$q", "$query":
		return true
	}
	return false
}

// soqlExpression: n (lower case), the value of a SoQL clause, is an SQL-
// like expression over fields (amount > 1000 and department = 'health',
// starts_with(name, 'a'), count(*)) and has nothing of JavaScript
// (this., function, ==, return, a statement separator or a block).
func soqlExpression(n string) bool {
	if containsAny(n, "this.", "function", "==", "return", ";", "{", "sleep(", "while", "--", "/*", "#", "union ", "select ", "benchmark(", "waitfor", "1=1", "'='", "or 1", "or '") {
		return false
	}
	return strings.ContainsAny(n, "=<>") || containsAny(n, " like ", " between ", " in(", " in (", "starts_with(", "count(", " is null", " asc", " desc") || strings.Contains(n, ",")
}

// filterOps are the comparison, set and logical operators of filters.
var filterOps = wordSet("eq ne gt gte lt lte in nin notin and or not exists null notnull contains notcontains containsi startswith endswith between")

// guardedField: a field that holds a credential (credentialField) or
// names an account or a privilege, where a filter that matches every value
// is a way in.
func guardedField(f string) bool {
	return credentialField(f) || containsAny(f, "pass", "role", "admin", "user", "email", "login", "auth", "perm")
}

// bsonTypeProbe: a "$type" member whose value is a BSON type, by number or
// alias ({"password": {"$type": 2}}, {"$type": "string"}): a selector that
// matches every document whose field has that type, the $ne of a field
// known to be a string. JSON.NET's "$type" names a .NET class
// ("Shop.Order, Shop"), JSON-LD's and design tokens' a vocabulary term
// ("color", "number"); neither is a BSON alias below.
func bsonTypeProbe(name, v string) bool {
	if name != "$type" && !strings.HasSuffix(name, ".$type") && !strings.HasSuffix(name, "[$type]") {
		return false
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n >= -1 && n <= 19 || n == 127
	}
	switch v {
	case "string", "double", "object", "array", "binData", "objectId", "bool", "date", "null", "regex", "javaScript", "int", "timestamp", "long", "decimal", "minKey", "maxKey":
		return true
	}
	return false
}

// jsBreakoutTautology: a string broken out of, then || or && and a
// tautology whose last literal the query's own closing quote ends
// (a' || '1'=='1, x" && "a"==="a, ' || 1==1//): the $where form of
// ' OR '1'='1.
func jsBreakoutTautology(n string) bool {
	for i := 0; i < len(n); i++ {
		q := n[i]
		if q != '\'' && q != '"' {
			continue
		}
		r := strings.TrimLeft(n[i+1:], " ")
		if !strings.HasPrefix(r, "||") && !strings.HasPrefix(r, "&&") {
			continue
		}
		r = strings.TrimSpace(r[2:])
		return jsTautology(r) || strings.HasPrefix(r, string(q)) && jsTautology(r+string(q))
	}
	return false
}

// graphQLBody drops the header of a GraphQL operation (query,
// mutation or subscription, its name and variable definitions, up to the
// first '{'), whose variables may bear an operator's name
// (mutation Add($text: String!), query List($size: Int)); n otherwise.
// A MongoDB filter has its operators inside braces.
func graphQLBody(n string) string {
	t := strings.TrimLeft(n, " \t\r\n")
	if !strings.HasPrefix(t, "query") && !strings.HasPrefix(t, "mutation") && !strings.HasPrefix(t, "subscription") {
		return n
	}
	if i := strings.IndexByte(t, '{'); i >= 0 {
		return t[i:]
	}
	return n
}

// maxJSTautology bounds the values jsTautology looks at: a probe is short.
const maxJSTautology = 40

// jsTautology: the whole value is a JavaScript comparison of a literal
// with itself (1==1, 'a'==='a', true == true), perhaps closed by ';' or a
// comment: the probe of a $where clause, which runs a string as
// JavaScript. A filter language compares a field with a value (id==1), and
// a sum with its result (1+1==2) is arithmetic; neither is matched.
func jsTautology(n string) bool {
	i := strings.Index(n, "==")
	if i <= 0 {
		return false
	}
	l := strings.TrimSpace(n[:i])
	r := strings.TrimLeft(n[i+2:], "=")
	if len(n[i+2:])-len(r) > 1 {
		return false
	}
	r = strings.TrimSpace(r)
	r = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(r, "//"), ";"))
	if l == "" || l != r {
		return false
	}
	switch l {
	case "true", "false", "null":
		return true
	}
	if q := l[0]; q == '\'' || q == '"' {
		return len(l) >= 2 && l[len(l)-1] == q && !strings.ContainsAny(l[1:len(l)-1], "'\"")
	}
	for j := 0; j < len(l); j++ {
		if l[j] < '0' || l[j] > '9' {
			return false
		}
	}
	return true
}

// nosqlJSWords gate reNoSQLJS.
var nosqlJSWords = []string{"db.", "while", "this.", "sleep", "new date", "return", "function"}

// nosqlOpWords gate reNoSQLValue.
var nosqlOpWords = []string{"$ne", "$eq", "$gt", "$lt", "$in", "$nin", "$or", "$and", "$nor", "$not", "$where", "$regex", "$expr", "$exists", "$elemmatch", "$all", "$size", "$mod", "$text", "$jsonschema", "$function", "$accumulator", "$geo", "$near", "$bits",
	"$inc", "$mul", "$rename", "$setoninsert", "$currentdate", "$addtoset", "$pull", "$push", "$pop", "$lookup", "$graphlookup", "$unionwith", "$out", "$merge"}
