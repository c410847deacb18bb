// Package filter inspects HTTP requests and blocks attacks: injections,
// traversal, scanners, protocol anomalies. It knows nothing of Caddy.
//
// Two layers meet here:
//   - the value layer (Inspector) normalises one value and runs the attack
//     detectors over it;
//   - the request layer (Engine) walks a request (path, query, headers,
//     cookies, bodies), checks protocol limits and IP lists, feeds each value
//     to the Inspector, applies exclusions and custom rules, sums scores and
//     decides.
//
// Code: inspector*.go, normalize*.go, detect*.go and rules.go (value layer);
// engine*.go, body*.go, protocol.go, exclusion.go, custom.go, iplist.go
// (request layer); rawrequest.go reads the raw HTTP request files of the
// explain command.
//
// # Request layer
//
// The walk extracts every value with its location (path, query:<name>,
// header:<name>, cookie:<name>, body:<a.b.c>, file_name:<field>, body_raw …).
// At most the inspection limit of the body is read before the backend sees
// it; the bytes read are put back in front of the unread rest, so the
// backend receives the body byte for byte. Per request the engine holds at
// most about twice that limit (the bytes read and one string copy of them),
// three times for a compressed body plus the decoder's own window. The
// parsers are single-pass and custom rules are RE2, so nothing in the
// request layer backtracks. The JSON tokenizer reports member names and
// string values with their dotted member path (arrays add nothing). Names
// made only of letters, digits, "_" and "-" are not run through the
// detectors (nothing can hide in them); custom rules still see them.
//
// Scoring: each rule counts once per request, at its highest score, so one
// weak rule firing on several values stays one weak signal and only
// different weak signals add up. The live engine stops at the first finding
// that decides a block; with RequestInfo.All (what the explain command
// sets) it walks the whole request and reports every match, for the same
// decision.
//
// # Normalisation before detection
//
// Each value is checked in three forms: raw, decoded and normalised.
//
//   - Decoded (normalize.go): repeated until nothing changes (at most 4
//     layers, so %252527 → '): percent-encoding including %uXXXX; HTML
//     character references (&lt;, &#60;, &#x3C;, zero-padded and without ";"
//     as browsers accept them, &colon;, &lpar;, &Tab; …); JavaScript/JSON
//     escapes (\u003c, \u{3c}, \x3c, legacy octal \74). Then look-alikes fold to ASCII:
//     overlong UTF-8 (%c0%ae → .), full-width forms (＜ｓｃｒｉｐｔ＞), circled
//     letters (Ⓖ) and digits (①, ⓪), slash and backslash look-alikes (∕, ⁄,
//     ∖, ﹨), ideographic full stops (。, ｡), the ideographic space; NUL, BOM,
//     soft hyphen and zero-width characters are dropped. A fast path
//     (needsDecode) skips all of this when a value contains no sequence that
//     would change, so ordinary text with &, % or non-Latin letters costs one
//     scan.
//   - Normalised (used for keyword rules): ASCII lower case, every run of
//     whitespace and + as one space, \ as /, SQL comments removed
//     (UNION/**/SELECT → union select; MySQL /*!50000UNION*/ keeps its body).
//   - Per-detector views: the shell form drops quotes, backslashes, $@, $1
//     and turns $IFS/${IFS} into a space (c'a't /e\tc/pa"ss"wd); the path
//     form collapses /./ and //; Log4j lookups are resolved (${${lower:j}ndi:,
//     ${::-j}, ${env:X:-j}, ${date:'j'}); short inserted tags are stripped
//     for XSS (o<x>nfocus=); line breaks count as command separators outside
//     bodies.
//   - Base64 (normalize_base64.go): a value made only of Base64 characters
//     (standard or URL alphabet, padded or not, a space standing for a
//     form-decoded +), at least 12 characters long, that decodes to valid
//     UTF-8 text with at least 90% printable ASCII is inspected a second
//     time, decoded. This is on by default because it is cheap (one scan; a
//     decode only for Base64-looking values) and safe: a random token
//     decodes to printable text with probability about (95/256)^n, so ids,
//     hashes, session cookies and JWT signatures are rejected, and a decoded
//     text must still match a detector. It catches payloads smuggled
//     Base64-encoded into parameters and paths that some backends do decode
//     (JSON-in-Base64 state parameters, "data" fields).
//     InspectorOptions.NoBase64 turns it off.
//   - Joined literals (detect_concat.go): a value in which a string
//     literal closes, a concatenation operator follows (+, ||, "," inside
//     CONCAT(, .concat(, or spaces alone) and a literal of the same quote
//     opens, or that holds CHAR()/CHR() codes, is inspected a second time
//     with the joints removed ('UNI'||'ON SELECT' → 'UNION SELECT',
//     CHAR(83)+CHAR(69) → 'SE'): SQL and JavaScript join literals before
//     anything reads a keyword. The test is on class bits first, so a
//     value without a quote or a parenthesis costs nothing.
//   - Raw bodies (KindBodyRaw, inspector_raw.go): when the body starts
//     with markup, document-level detectors (XXE, SSI, Log4Shell, OAST,
//     metadata addresses) see the whole document and every text node, CDATA
//     section and attribute value is then inspected on its own; markup that
//     is no XML document (not well-formed XML, or under an HTML root: an
//     HTML fragment, <svg/onload=…>, a template, whatever prolog or
//     namespace comes first) is inspected whole as well, since its tags are
//     the payload; a body that is valid
//     JSON (sent without a JSON content type, as GraphQL and some mobile
//     clients do) is inspected key by key and string by string; other raw
//     bodies are inspected as one text value. At most 4096 segments per body
//     are inspected one by one.
//
// # Detectors
//
// Detectors use RE2 (regexp) only, behind cheap prefilters: a
// character-class bitmask of the value (one table lookup per byte) and a
// single-pass keyword scan (two-byte index) tell each detector whether its
// regexps can match at all, so an ordinary value runs almost no regexp.
// libinjection is the core for SQL injection and XSS; its verdicts are
// re-checked as described in docs/detection.md. Cost is linear in the input
// size; memory per call is a few pooled buffers of the size of the value (no
// per-call allocation on ordinary values; buffers above 1 MiB are not kept
// in the pool), and the request layer's inspection limit bounds the value
// size.
package filter
