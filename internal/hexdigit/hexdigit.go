// Package hexdigit reads hexadecimal digits, for the decoders of every engine
// (percent-escapes in paths and values, %uXXXX, \uXXXX in JSON strings).
// Both functions are small enough for the compiler to inline on hot paths.
package hexdigit

// Is reports whether c is a hexadecimal digit, in either case.
func Is(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Val returns the value of the hexadecimal digit c; c must satisfy Is.
func Val(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
