package hexdigit

import (
	"strconv"
	"testing"
)

func TestDigits(t *testing.T) {
	for c := range 256 {
		want, err := strconv.ParseUint(string(rune(c)), 16, 8)
		isDigit := err == nil && c < 0x80
		if got := Is(byte(c)); got != isDigit {
			t.Errorf("Is(%#x) = %v, want %v", c, got, isDigit)
		}
		if isDigit && Val(byte(c)) != byte(want) {
			t.Errorf("Val(%#x) = %d, want %d", c, Val(byte(c)), want)
		}
	}
}
