package contract

import (
	"math/big"
	"testing"
)

func TestIsIntegralMatchesRat(t *testing.T) {
	for _, n := range []string{"1", "1.0", "1.5", "-1.0", "0.0", "-0", "0e5", "1e3", "1.5e1", "1.05e1", "1.25e1", "100e-2", "101e-2", "1000e-3", "1e-1", "10.0e-1", "0.001e3", "0.0015e3", "12.340e2", "12.345e2", "1E+2", "5e-0", "0.1e1", "120.00e-1", "1200e-2", "1201e-2", "1e400", "1.5e-400"} {
		r, ok := new(big.Rat).SetString(n)
		want := ok && r.IsInt()
		if got := isIntegral(n); got != want {
			t.Errorf("isIntegral(%q) = %v, want %v", n, got, want)
		}
	}
}

// FuzzIsIntegral compares the fast check with exact rational arithmetic on
// every input that is a JSON number big.Rat can hold.
func FuzzIsIntegral(f *testing.F) {
	for _, s := range []string{"1", "1.50", "100e-2", "-0.0e7", "12.5e1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, n string) {
		p := jsonParser{b: []byte(n)}
		if v, err := p.value(0); err != nil || p.i != len(n) {
			return
		} else if _, ok := v.(jsonNumber); !ok {
			return
		}
		r, ok := new(big.Rat).SetString(n)
		if !ok {
			return // beyond what big.Rat parses (exponents over a million)
		}
		if want := r.IsInt(); isIntegral(n) != want {
			t.Fatalf("isIntegral(%q) = %v, want %v", n, !want, want)
		}
	})
}
