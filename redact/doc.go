// Package redact masks sensitive data in response bodies as they stream
// through: detected values (payment cards, IBANs, SSNs, e-mail addresses,
// phone numbers, tokens, keys …) anywhere in text, HTML, XML and JSON string
// values, and chosen JSON fields by path. It knows nothing of Caddy; the
// gatehouse package's response_redact handler (response writer,
// decompression, header rules, error pages, size limits, Caddyfile) wraps
// it. The detectors, styles and field-path grammar are documented for
// operators in docs/response_redact.md.
//
// A Redactor is compiled once from a Config and shared; each response gets
// its own Stream, which holds at most a window of the body (O(window)
// memory, never O(body)) and produces the same output however the body is
// split into writes.
//
//	r, err := redact.New(redact.Config{ /* … */ })   // compile once, share freely
//	kind, ok := redact.KindForContentType(ct)        // KindJSON, KindText, or ok=false (binary)
//	s := r.NewStream(dst, kind)                      // one per response, nothing shared
//	s.Write(p) … s.Flush() … s.Close()
//	f := s.Findings()                                // counts by type and JSON path — never values
//	v, f := r.MaskString(headerValue)                // one short value, scanned as text
//
//	hr, err := redact.CompileHeaderRules(redact.HeaderPolicy{ /* remove, keep, mask, scan … */ })
//	hr.Apply(hdr)                                    // remove revealing headers, mask configured ones
//	f = hr.ScanValues(hdr, r)                        // run the detectors over the scan headers' values
//
// A *Redactor is immutable and safe for concurrent use. A *Stream belongs to
// one response: it owns its buffer, its JSON path stack, its HMAC state and
// its findings. For a body whose first write is 4 KiB or more, its two
// large buffers (input window and output) come from a pool of the
// Redactor's and go back to it zeroed (every byte ever written to them)
// when the stream closes, so a large response costs no buffer growth and
// no byte of one response ever sits in memory another stream can reach.
// For a body whose first write is 256 bytes or less, they are the two
// halves of a 512-byte array from a second pool of the Redactor's, zeroed
// whole when the stream closes; the Stream keeps its first JSON levels,
// pending matches and finding counts inline, so a small body costs one
// allocation, the Stream. Everything but the pooled buffers is garbage
// once the response is done.
//
// # Streaming, window and chunking
//
//   - Window. Config.WindowBytes (default 8192, minimum 1024) is how far a
//     stream looks ahead: a trigger is examined only once window bytes after
//     it are buffered (or the body ended), and the longest value a detector
//     matches in one piece is the window. Longer JWTs, bearer tokens and PEM
//     blocks are masked to their end anyway: a match cut by the window is
//     continued at the next step. Memory per stream is O(window + one 64 KiB
//     write piece), never O(body): a 9 MB string value or text body is
//     processed with a bounded buffer (tested).
//   - Same output however the body is split. The decision at a trigger
//     depends only on the bytes within [trigger - 112, trigger + window) and
//     on where the previous match ended, which are the same whether the body
//     came in one write or one byte at a time. This is tested byte for byte
//     (every one-byte split and random splits of generated documents, text
//     and JSON, with field rules, removals, HMAC, IP and custom detectors)
//     and fuzzed (FuzzJSONStream, FuzzTextStream).
//   - Text (HTML, XML, plain, form, event streams): one pass over a bounded
//     buffer; output lags input by at most the window.
//   - JSON: a streaming tokenizer keeps only the path (one small entry per
//     open container; keys are referenced in the buffer and only copied when
//     the buffer is about to drop them) and the token in progress.
//     Structure, numbers and literals are copied through in ranges; each
//     string (keys included) is a unit for the detectors; strings longer
//     than the window are scanned in window steps. A sequence of JSON values
//     (JSON lines / NDJSON) is accepted.
//   - Malformed JSON is never passed unscanned: at the first byte that
//     cannot continue the document (or past 512 levels of nesting) the rest
//     of the body is scanned as text (Findings.Fallback is set). Detectors
//     still apply; field rules cannot (there are no paths any more).
//   - Flush. For text, every complete line is masked and emitted at Flush
//     (server-sent events are delivered per event, without waiting for the
//     window to fill); an incomplete last line is held back, at most the
//     window. For JSON, Flush emits every completed token. A PEM block cut by
//     a flush is continued (the rest of the block is masked when it arrives).
//   - Field values are consumed with O(1) state (a character count, the
//     first and last 16 characters, a running HMAC), so a huge field value
//     does not grow memory either. Keys longer than 128 bytes only match
//     wildcard field rules and are never removed.
//
// # JSON escapes
//
// A JSON string that holds a \u or \/ escape and is no longer than the
// window is decoded before detection (surrogate pairs joined, malformed
// escapes kept as written), scanned with the same detectors and card
// context, and each match is mapped back onto the raw bytes through an
// offset map (an escape is never split). Strings without such escapes never
// take this path: it is detected while searching for the closing quote, at
// no cost.
//
// # Findings
//
// Stream.Findings returns counts per detector name ("field" for field rules)
// and per JSON path with array indexes as [*] (users[*].email), capped at 64
// distinct paths (the rest under "(other)"), plus the total and the fallback
// flag. Values are never recorded, so findings are safe for logs and
// metrics.
//
// # Performance
//
// The hot loop is a byte-class table scan eight bytes at a time; triggers
// are narrowed by the following byte (e only matters as eyJ, checked at J;
// ghp_, sk_live_, github_pat_ are checked backwards from _; xoxb- from -),
// by word starts, and by a two-group digit shape test, before any detector
// runs. Validators run only on candidates. No regular expression is used for
// built-in detectors, and nothing is allocated per byte or per token.
//
// JSON strings are delimited and pre-filtered in one pass (stringEnd), and
// strings without a real candidate are never handed to the detectors. The
// commonest triggers are decided there without a call, exactly as prefilter
// decides them (a test compares the two on random and fuzzed strings): the
// byte after every trigger, the digits and dashes of ids, dates and UUIDs,
// capitals (a word test, then AKIA/ASIA/AIza, an IBAN head or Bearer), '@'
// (always a candidate) and the '=' and ':' of secret assignments.
//
// With any selection of built-in detectors but IP addresses, and no field
// rules or custom detectors, the tokenizer runs an inner loop (jsonRun)
// with one label per state and no call for the common tokens: whitespace,
// structure, numbers, literals and clean strings. Every byte that matters
// inside a string (the triggers, '"' and '\\') lies in '"'..'_' or is the
// 'b' of Bearer, so a range and an equality test on a 64-bit word
// (wordFlags) find the first such byte eight at a time without a table
// load; where it is the closing quote the string needs nothing more (most
// keys and words), anywhere else stringEnd continues from it. A test compares output and findings with
// and without this loop, whole and chunked, and fuzzes it (FuzzJSONRun).
// A key's last three bytes (does it name a secret?) are compared as one
// integer.
//
// Tried and not kept: a 64-byte block bitmap of the flagged bytes (eight
// exact word tests packed by a multiplication, cached while the loop walks
// the block, each string's end a shift and a TrailingZeros64), in place of
// the word search. On the order list it ran at 589.7 MB/cpu-s against 603.2
// for the word search, and 405.1 against 472.7 on sparse JSON, whose long
// descriptions pay for whole blocks (medians of five interleaved runs,
// 2026-12-03): building a block costs more than the searches it replaces
// on strings this short, and its state in the loop costs registers.
//
// Masking a value is one table load per byte when nothing is kept and the
// value has no escapes, and the IBAN country table is an array. Custom
// (RE2) detectors run over each region with the regexp engine after the
// built-in pass; they are not on the fast path, and built-in matches win
// overlaps.
//
// # Regression inputs
//
// redact/testdata/fuzz/FuzzJSONStream/ keeps two chunking differences found
// by FuzzJSONStream: a JSON escape character followed by an SSN-shaped
// value, and malformed JSON with an array-element removal rule ("[, 0 0"),
// where whitespace after a removed element could land on either side of the
// re-inserted comma depending on the split; it is held like the whitespace
// after a dropped comma.
package redact
