package redact

import "math"

// Secrets by context: a value is a secret when the name given to it says
// so and the value looks like a key rather than a word. The name is a JSON
// key ({"client_secret": "…"}) or the left side of an assignment in text
// ("aws_secret_access_key=…", "secret: …", "\"api_secret\": \"…\"",
// "?client_secret=…&…").
//
// Names: the last word of the name (split at '_', '-', '.', and camelCase
// arriving as one lower-case word) is "secret", "password", "passwd",
// "pwd" or "passphrase", or "key" after "secret", "private", "signing",
// "encryption", "master", "api", "access", "hmac", "client" or "app", or
// "token" after "access", "refresh", "auth", "session", "api" or "bot"
// ("aws_secret_access_key", "privateKey", "x-api-key"). A name that ends
// in another word describes the secret rather than holding it
// ("secret_name", "password_policy", "api_key_id") and is left alone.
//
// Values: one token (no space) of 16 to 1024 bytes with at least two
// character classes (lower, upper, digit, symbol), two digits or more and
// no run of more than 10 lower-case letters (or three classes with both
// cases and no run of more than 8, or three classes, four digits and 4
// bits per character), and a Shannon entropy of at least 3 bits per
// character: base64 and hex keys, UUID-shaped API
// keys (under a secret name a UUID is a secret) pass; words, sentences,
// placeholders ("${AWS_SECRET}", "<secret>") and already masked values
// ("********") do not. Passwords are shorter and poorer: under a password
// name a value of 6 bytes or more with a letter and a digit or symbol is
// masked ("hunter2", "Tr0ub4dor&3"), a plain word ("required") is not.
// A field rule masks a field whatever it holds.

const (
	secretMinLen   = 16
	passwordMinLen = 6
	secretMaxLen   = 1024
	secretMinBits  = 3.0
)

// Kinds of secret names.
const (
	nameNone = iota
	nameSecret
	namePassword
)

// secretName classifies a name (a JSON key or the left side of an
// assignment) by its last word.
func secretName(name []byte) int {
	if len(name) < 3 || len(name) > 64 {
		return nameNone
	}
	var low [64]byte
	n := lowerInto(low[:0], name)
	// The last word and the one before it; camelCase ("clientSecret")
	// is split where the original has an upper-case letter.
	e := len(n)
	for e > 0 && !isLowerLetter(n[e-1]) {
		e-- // trailing digits or separators: "secret_1"
	}
	s := e
	for s > 0 && isLowerLetter(n[s-1]) && !(s < e && isUpper(name[s]) && !isUpper(name[s-1])) {
		s--
	}
	last := string(n[s:e])
	pe := s
	for pe > 0 && !isLowerLetter(n[pe-1]) {
		pe--
	}
	ps := pe
	for ps > 0 && isLowerLetter(n[ps-1]) && !(ps < pe && isUpper(name[ps]) && !isUpper(name[ps-1])) {
		ps--
	}
	prev := string(n[ps:pe])
	switch last {
	case "password", "passwd", "pwd", "passphrase", "pass", "pword":
		return namePassword
	case "secret", "apikey", "secretkey", "privatekey", "clientsecret", "apisecret", "accesskey",
		"signingkey", "encryptionkey", "masterkey", "accesstoken", "refreshtoken", "authtoken",
		"sessiontoken", "apitoken", "bottoken":
		return nameSecret
	case "key":
		switch prev {
		case "secret", "private", "signing", "encryption", "master", "api", "access", "hmac", "client", "app":
			return nameSecret
		}
	case "token":
		switch prev {
		case "access", "refresh", "auth", "session", "api", "bot":
			return nameSecret
		}
	}
	// Lower-case compounds ("awssecretaccesskey", "db_password" as
	// "dbpassword"): the word ends with a secret word.
	for _, suf := range [...]string{"password", "passwd", "secret", "secretkey", "privatekey", "accesskey", "apikey"} {
		if len(last) > len(suf) && last[len(last)-len(suf):] == suf {
			if suf == "password" || suf == "passwd" {
				return namePassword
			}
			return nameSecret
		}
	}
	return nameNone
}

// secretValue says whether v (the raw value) holds a secret for a name of
// kind.
func secretValue(v []byte, kind int) bool {
	min := secretMinLen
	if kind == namePassword {
		min = passwordMinLen
	}
	if len(v) < min || len(v) > secretMaxLen {
		return false
	}
	switch {
	case v[0] == '$' && len(v) > 1 && v[1] == '{', v[0] == '{' && len(v) > 1 && v[1] == '{',
		v[0] == '<', v[0] == '%' && len(v) > 1 && v[1] == '(':
		return false // a placeholder: "${SECRET}", "{{ .Secret }}", "<secret>"
	}
	var lower, upper, digit, symbol, same bool
	same = true
	digits, run, longest := 0, 0, 0 // run: lower-case letters in a row
	for k, c := range v {
		run++
		switch {
		case c <= ' ' || c == 0x7f:
			return false // one token
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
			run = 0
		case isDig(c):
			digit = true
			digits++
			run = 0
		default:
			symbol = true
			run = 0
		}
		longest = max(longest, run)
		if k > 0 && c != v[0] {
			same = false
		}
	}
	if same {
		return false // "********", "xxxxxxxxxxxxxxxx"
	}
	if kind == namePassword {
		return (lower || upper) && (digit || symbol)
	}
	// Generated keys carry digits and no long runs of lower-case letters;
	// names and words joined by dashes ("customer-managed-default") do
	// not.
	classes := btoi(lower) + btoi(upper) + btoi(digit) + btoi(symbol)
	switch {
	case classes >= 2 && digits >= 2 && longest <= 10, classes >= 3 && upper && lower && longest <= 8:
		return shannon(v) >= secretMinBits
	case classes >= 3 && digits >= 4:
		// A key glued to more text ("…KEY/xoxb-2345678901-abcdefghijkl"):
		// words in it, but the digits and the entropy of a key.
		return shannon(v) >= 4
	}
	return false
}

// shannon is the entropy of v in bits per byte.
func shannon(v []byte) float64 {
	var cnt [256]uint16
	for _, c := range v {
		cnt[c]++
	}
	h, n := 0.0, float64(len(v))
	for _, k := range cnt {
		if k > 0 {
			p := float64(k) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// secretKeyHint is the cheap test before secretJSON: the current key
// ends the way a secret's name does (secretKeyEnd, noted when the key was
// read).
func (s *Stream) secretKeyHint() bool {
	if len(s.levels) == 0 {
		return false
	}
	lv := &s.levels[len(s.levels)-1]
	return !lv.arr && lv.secret
}

// secretKeyEnd: the last three bytes of a key that may name a secret
// ("…ret", "…ord", "…key", "…ken", …), in any case.
func secretKeyEnd(t []byte) bool {
	_ = t[2]
	switch t[2] | 0x20 {
	case 't', 'd', 'e', 'y', 'n', 's':
	default:
		return false
	}
	// The three bytes as one integer: compares, not a string switch.
	const (
		ret = 'r' | 'e'<<8 | 't'<<16
		ord = 'o' | 'r'<<8 | 'd'<<16
		swd = 's' | 'w'<<8 | 'd'<<16
		pwd = 'p' | 'w'<<8 | 'd'<<16
		ase = 'a' | 's'<<8 | 'e'<<16
		ass = 'a' | 's'<<8 | 's'<<16
		key = 'k' | 'e'<<8 | 'y'<<16
		ken = 'k' | 'e'<<8 | 'n'<<16
	)
	switch uint32(t[0]|0x20) | uint32(t[1]|0x20)<<8 | uint32(t[2]|0x20)<<16 {
	case ret, ord, swd, pwd, ase, ass, key, ken:
		return true
	}
	return false
}

// secretNameEnd is secretKeyEnd for a name ending before b[j] (not before
// lo) that may carry a number: "secret2", "aws_secret_access_key_1",
// "password-02" end like their names do.
func secretNameEnd(b []byte, lo, j int) bool {
	return j-3 >= lo && (secretKeyEnd(b[j-3:j]) || isDig(b[j-1]) && secretNumberedEnd(b, lo, j))
}

// secretNumberedEnd is secretNameEnd for a name ending in a digit.
func secretNumberedEnd(b []byte, lo, j int) bool {
	{
		k := j - 1
		for k > lo && j-k < 4 && isDig(b[k-1]) {
			k--
		}
		if k > lo && (b[k-1] == '_' || b[k-1] == '-') {
			k--
		}
		j = k
	}
	return j-3 >= lo && secretKeyEnd(b[j-3:j])
}

// secretJSON checks the string value [a, z) (absolute, without quotes)
// of the current JSON member.
func (s *Stream) secretJSON(a, z int) bool {
	if z-a < passwordMinLen || z-a > secretMaxLen || len(s.levels) == 0 {
		return false
	}
	lv := &s.levels[len(s.levels)-1]
	if lv.arr || lv.keyLen == 0 {
		return false
	}
	kind := secretName(s.keyOf(lv))
	if kind == nameNone || !secretValue(s.buf[a-s.base:z-s.base], kind) {
		return false
	}
	m := match{s: a, e: z, det: detSecret, json: true}
	s.pending = append(s.pending, m)
	s.found(detSecret)
	return true
}

// assignMaybe is the cheap test before tryAssign at b[i] ('=' or ':'):
// the name before it (across two spaces and a quote) ends the way a
// secret's name does. JSON keys, times and URLs stop here.
func assignMaybe(b []byte, lo, i int) bool {
	j := i
	if j > lo && b[j-1] == ' ' {
		j--
		if j > lo && b[j-1] == ' ' {
			j--
		}
	}
	if j > lo && (b[j-1] == '"' || b[j-1] == '\'') {
		j--
	}
	return secretNameEnd(b, lo, j)
}

// tryAssign is triggered at '=' or ':' in text: a secret name before it
// ("name=", "name: ", "\"name\": ", "name = ") and a value after it
// ("value", "\"value\"", "'value'").
func tryAssign(b []byte, floor, lo, i, end int) (int, int, bool) {
	j := i
	for j > lo && i-j < 2 && b[j-1] == ' ' {
		j--
	}
	q := byte(0)
	if j > lo && (b[j-1] == '"' || b[j-1] == '\'') {
		q = b[j-1]
		j--
	}
	if !secretNameEnd(b, lo, j) {
		return 0, 0, false
	}
	ne := j
	for j > lo && ne-j < 64 && (alnumUnd[b[j-1]] || b[j-1] == '-' || b[j-1] == '.') {
		j--
	}
	if j > lo && (alnumUnd[b[j-1]] || q != 0 && b[j-1] != q) {
		return 0, 0, false // too long a name, or an unbalanced quote
	}
	if q != 0 {
		j-- // the opening quote
	}
	if j < floor {
		return 0, 0, false
	}
	kind := secretName(b[j+btoi(q != 0) : ne])
	if kind == nameNone {
		return 0, 0, false
	}
	k := i + 1
	for k < end && k-i <= 3 && b[k] == ' ' {
		k++
	}
	vq := byte(0)
	if k < end && (b[k] == '"' || b[k] == '\'') {
		vq = b[k]
		k++
	}
	vs := k
	for k < end && k-vs <= secretMaxLen {
		c := b[k]
		if vq != 0 && (c == vq || c == '\\') || c <= ' ' || c == '"' || c == '\'' ||
			vq == 0 && (c == ',' || c == ';' || c == '&' || c == '<' || c == '>' || c == ')' || c == '}' || c == ']') {
			break
		}
		k++
	}
	if vq != 0 && (k >= end || b[k] != vq) {
		return 0, 0, false
	}
	if k == end && vq == 0 && k-vs > secretMaxLen {
		return 0, 0, false
	}
	if !secretValue(b[vs:k], kind) {
		return 0, 0, false
	}
	return vs, k, true
}
