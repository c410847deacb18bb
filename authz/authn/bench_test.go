package authn

import (
	"runtime"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkVerify compares, per algorithm, an uncached Verify with
// golang-jwt's own jwt.Parse of the same token with the same key and
// equivalent checks (pinned method, issuer, audience, leeway, clock).
// Goal: gatehouse/jwt ratio ≤ 1.10.
func BenchmarkVerify(b *testing.B) {
	for _, c := range algCases(b) {
		tok := mint(b, c.alg, c.sign, "", baseClaims())
		b.Run(c.alg+"/gatehouse", func(b *testing.B) {
			v := newTestVerifier(b, func(o *Options) { o.CacheSize = 0 }, c.key)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(bg, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.alg+"/golang-jwt", func(b *testing.B) {
			material := c.key.Material()
			keyFunc := func(*jwt.Token) (any, error) { return material, nil }
			opts := []jwt.ParserOption{jwt.WithValidMethods([]string{c.alg}), jwt.WithIssuer(testIssuer),
				jwt.WithAudience("api"), jwt.WithLeeway(DefaultLeeway), jwt.WithTimeFunc(func() time.Time { return testNow }),
				jwt.WithExpirationRequired()}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jwt.Parse(tok, keyFunc, opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyCached measures a repeat request served from the
// verified-token cache (goal ≤ 1 µs).
func BenchmarkVerifyCached(b *testing.B) {
	for _, c := range algCases(b) {
		if c.alg != "RS256" && c.alg != "ES256" && c.alg != "HS256" {
			continue
		}
		tok := mint(b, c.alg, c.sign, "", baseClaims())
		b.Run(c.alg, func(b *testing.B) {
			v := newTestVerifier(b, func(o *Options) { o.CacheSize, o.CacheTTL = DefaultCacheSize, DefaultCacheTTL }, c.key)
			if _, err := v.Verify(bg, tok); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(bg, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyRatio interleaves gatehouse and golang-jwt in small
// batches inside one benchmark, so load from other processes hits both
// sides alike; it reports each side's ns/op and their ratio (goal ≤ 1.10).
func BenchmarkVerifyRatio(b *testing.B) {
	const batch = 50
	for _, c := range algCases(b) {
		tok := mint(b, c.alg, c.sign, "", baseClaims())
		b.Run(c.alg, func(b *testing.B) {
			v := newTestVerifier(b, func(o *Options) { o.CacheSize = 0 }, c.key)
			material := c.key.Material()
			keyFunc := func(*jwt.Token) (any, error) { return material, nil }
			opts := []jwt.ParserOption{jwt.WithValidMethods([]string{c.alg}), jwt.WithIssuer(testIssuer),
				jwt.WithAudience("api"), jwt.WithLeeway(DefaultLeeway), jwt.WithTimeFunc(func() time.Time { return testNow }),
				jwt.WithExpirationRequired()}
			// Thread CPU time (where the OS offers it) ignores the time
			// this thread spends descheduled by other processes' load.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var ours, theirs, oursCPU, theirsCPU time.Duration
			n := 0
			for b.Loop() {
				start, startCPU := time.Now(), threadCPU()
				for range batch {
					if _, err := v.Verify(bg, tok); err != nil {
						b.Fatal(err)
					}
				}
				mid, midCPU := time.Now(), threadCPU()
				for range batch {
					if _, err := jwt.Parse(tok, keyFunc, opts...); err != nil {
						b.Fatal(err)
					}
				}
				ours += mid.Sub(start)
				theirs += time.Since(mid)
				oursCPU += midCPU - startCPU
				theirsCPU += threadCPU() - midCPU
				n += batch
			}
			b.ReportMetric(float64(ours.Nanoseconds())/float64(n), "gatehouse-ns/op")
			b.ReportMetric(float64(theirs.Nanoseconds())/float64(n), "golang-jwt-ns/op")
			b.ReportMetric(float64(ours)/float64(theirs), "ratio")
			if theirsCPU > 0 {
				b.ReportMetric(float64(oursCPU)/float64(theirsCPU), "cpu-ratio")
			}
		})
	}
}
