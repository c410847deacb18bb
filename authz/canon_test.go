package authz

import (
	"errors"
	"testing"
)

func TestCanonicalPath(t *testing.T) {
	tests := []struct {
		in      string
		ci      bool
		want    string
		wantErr error
	}{
		{in: "/admin", want: "/admin"},
		{in: "/", want: "/"},
		{in: "", want: "/"},
		// percent-encoding, including of slashes and dots, and double encoding
		{in: "/%61dmin", want: "/admin"},
		{in: "/%41DMIN", want: "/ADMIN"},
		{in: "/%2561dmin", want: "/admin"},
		{in: "/api%2Fadmin", want: "/api/admin"},
		{in: "/api%2fadmin", want: "/api/admin"},
		{in: "/public/%2e%2e/admin", wantErr: ErrPathTraversal},
		{in: "/public/%252e%252e/admin", wantErr: ErrPathTraversal},
		{in: "/public/.%2e/admin", wantErr: ErrPathTraversal},
		{in: "%2Fadmin", want: "/admin"},
		{in: "/%25", want: "/%"},
		{in: "/100%", want: "/100%"},
		{in: "/a%zzb", want: "/a%zzb"},
		{in: "/%252525252561", wantErr: ErrPathEncoding},
		// dot segments
		{in: "/./admin", want: "/admin"},
		{in: "/public/../admin", wantErr: ErrPathTraversal},
		{in: "/../../admin", want: "/admin"},
		{in: "/admin/.", want: "/admin"},
		{in: "/admin/x/..", wantErr: ErrPathTraversal},
		// repeated slashes and trailing slash
		{in: "//admin", want: "/admin"},
		{in: "///admin//users///", want: "/admin/users"},
		{in: "/admin/", want: "/admin"},
		// backslashes
		{in: "/public\\..\\admin", wantErr: ErrPathTraversal},
		{in: "/public%5C..%5Cadmin", wantErr: ErrPathTraversal},
		// ;params
		{in: "/admin;x", want: "/admin"},
		{in: "/admin;jsessionid=1/users", want: "/admin/users"},
		{in: "/admin%3Bx", want: "/admin"},
		{in: "/;x/admin", want: "/admin"},
		{in: "/..;/admin", want: "/admin"},
		// trailing dots and spaces
		{in: "/admin.", want: "/admin"},
		{in: "/admin..", want: "/admin"},
		{in: "/admin%20", want: "/admin"},
		{in: "/admin.%20.", want: "/admin"},
		{in: "/.../admin", want: "/admin"},
		// ".." that would pop a segment: refused, however it is spelt,
		// since backends disagree on what it pops (%2F, ";", trailing dots)
		{in: "/admin/x%2F..%2F..%2Fpublic", wantErr: ErrPathTraversal},
		{in: "/admin/x/%2e%2e/%2e%2e/public", wantErr: ErrPathTraversal},
		{in: "/admin;/../public", wantErr: ErrPathTraversal},
		{in: "/admin/.. /public", wantErr: ErrPathTraversal},
		{in: "/admin/.../public", wantErr: ErrPathTraversal},
		{in: "/admin/%2e%2e%2e/public", wantErr: ErrPathTraversal},
		{in: "/admin/x/%252e%252e/%252e%252e/public", wantErr: ErrPathTraversal},
		{in: "/admin%5c..%5cpublic", wantErr: ErrPathTraversal},
		{in: "/admin\uFF0F..\uFF0Fpublic", wantErr: ErrPathTraversal},
		{in: "/admin/\uFF0E\uFF0E/public", wantErr: ErrPathTraversal},
		{in: "/..", want: "/"},
		{in: "/../..;x/. ./admin", want: "/admin"},
		{in: "/a..b/c", want: "/a..b/c"},
		{in: "/.well-known/x", want: "/.well-known/x"},
		{in: "/file.json", want: "/file.json"},
		// case
		{in: "/ADMIN", want: "/ADMIN"},
		{in: "/ADMIN", ci: true, want: "/admin"},
		{in: "/AdMiN/Users", ci: true, want: "/admin/users"},
		{in: "/%41dmin", ci: true, want: "/admin"},
		{in: "/\u212Aelvin", ci: true, want: "/kelvin"},
		{in: "/ÉTÉ", ci: true, want: "/été"},
		// control characters
		{in: "/admin%00", wantErr: ErrPathControl},
		{in: "/admin%0d%0a", wantErr: ErrPathControl},
		{in: "/admin\x7f", wantErr: ErrPathControl},
		// invalid UTF-8 (overlong "..") and look-alike separators
		{in: "/public/%c0%ae%c0%ae/admin", wantErr: ErrPathUTF8},
		{in: "/%ff", wantErr: ErrPathUTF8},
		{in: "/public/%EF%BC%8E%EF%BC%8E%EF%BC%8Fadmin", wantErr: ErrPathTraversal},
		{in: "/public\uFF0F..\u2215admin", wantErr: ErrPathTraversal},
		{in: "/caf%C3%A9", want: "/café"},
		// no leading slash
		{in: "*", want: "/*"},
		{in: "admin", want: "/admin"},
	}
	for _, tt := range tests {
		got, err := CanonicalPath(tt.in, tt.ci)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("CanonicalPath(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CanonicalPath(%q, ci=%v) = %q, %v; want %q", tt.in, tt.ci, got, err, tt.want)
		}
	}
}

func TestCanonicalPathNoAllocWhenCanonical(t *testing.T) {
	for _, p := range []string{"/", "/api/v1/users/42", "/static/app.js"} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := CanonicalPath(p, false); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("CanonicalPath(%q) allocates %v times", p, allocs)
		}
	}
}

func TestCanonicalHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"example.com", "example.com"},
		{"Example.COM:8443", "example.com"},
		{"example.com.", "example.com"},
		{"[::1]:80", "::1"},
		{"::1", "::1"},
		{"127.0.0.1:9080", "127.0.0.1"},
	}
	for _, tt := range tests {
		if got := CanonicalHost(tt.in); got != tt.want {
			t.Errorf("CanonicalHost(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzCanonicalPath checks that canonicalisation never panics, is a fixed
// point, agrees with its fast path, and yields a clean absolute path.
func FuzzCanonicalPath(f *testing.F) {
	for _, s := range []string{
		"/admin", "/%61dmin", "/./admin", "//admin", "/admin/", "/admin;x", "/ADMIN",
		"/%2561dmin", "/a/../../b", "/a%2f..%2fb", "/\u212A", "/%", "/%%41", "/x%/..%2F41",
		"/a.%2e/", "/\xff\xfe", "/İ", "*", "", "/%c0%ae", "/\uFF0E\uFF0E/x", "/\u2024",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, ci bool) {
		once, err := CanonicalPath(in, ci)
		slow, slowErr := canonicalSlow(in, ci)
		if (err == nil) != (slowErr == nil) || once != slow {
			t.Fatalf("fast path %q,%v disagrees with slow path %q,%v for %q", once, err, slow, slowErr, in)
		}
		if err != nil {
			return
		}
		twice, err := CanonicalPath(once, ci)
		if err != nil || twice != once {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", in, once, twice, err)
		}
		if once[0] != '/' || (len(once) > 1 && once[len(once)-1] == '/') {
			t.Fatalf("%q → %q: not a clean absolute path", in, once)
		}
		// what is forwarded canonicalises to what was authorised, and a
		// path ClassifyPath calls exact is forwarded unchanged
		form := ClassifyPath(in)
		fwd, err := ForwardPath(in)
		if err != nil {
			t.Fatalf("ForwardPath(%q): %v", in, err)
		}
		if c, err := CanonicalPath(fwd, ci); err != nil || c != once {
			t.Fatalf("ForwardPath(%q) = %q canonicalises to %q (%v), want %q", in, fwd, c, err, once)
		}
		if form == PathExact && in != "" && in != "*" && fwd != in {
			t.Fatalf("ClassifyPath(%q) is exact, but ForwardPath changes it to %q", in, fwd)
		}
	})
}

func TestClassifyPath(t *testing.T) {
	tests := []struct {
		in   string
		want PathForm
	}{
		{"/admin", PathExact},
		{"/admin/", PathExact},
		{"/", PathExact},
		{"*", PathExact},
		{"", PathExact},
		{"/a/b.json", PathExact},
		// redundant spellings: rewritten to the canonical form
		{"/a//b", PathRedundant},
		{"/a/./b", PathRedundant},
		{"/./admin", PathRedundant},
		{"/admin//", PathRedundant},
		{"/%61dmin", PathRedundant},
		{"/%2561dmin", PathRedundant},
		{"/admin;x", PathRedundant},
		{"/admin.", PathRedundant},
		{"/a%20b", PathRedundant},
		{"/admin%23x", PathRedundant},
		// ambiguous: backends may read another path
		{"//x/admin", PathAmbiguous},
		{"///x/admin", PathAmbiguous},
		{"//x:1/admin", PathAmbiguous},
		{"//127.0.0.1:9333/admin", PathAmbiguous},
		{"//admin@x/admin", PathAmbiguous},
		{"/\\x/admin", PathAmbiguous},
		{"/a\\admin", PathAmbiguous},
		{"/a%5Cadmin", PathAmbiguous},
		{"/a%5cadmin", PathAmbiguous},
		{"/x%2Fadmin", PathAmbiguous},
		{"/x%2fadmin", PathAmbiguous},
		{"/x%252Fadmin", PathAmbiguous},
		{"/%2Fx/admin", PathAmbiguous},
		{"/../admin", PathAmbiguous},
		{"/%2e%2e/admin", PathAmbiguous},
		{"/..;/admin", PathAmbiguous},
		{"/x\uFF0Fadmin", PathAmbiguous},
		{"/x%EF%BC%8Fadmin", PathAmbiguous},
		{"admin", PathAmbiguous},
	}
	for _, tt := range tests {
		if got := ClassifyPath(tt.in); got != tt.want {
			t.Errorf("ClassifyPath(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestForwardPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/a//b", "/a/b"},
		{"/a/./b/", "/a/b/"},
		{"//x/admin", "/x/admin"},
		{"/admin;x", "/admin"},
		{"/", "/"},
		{"//", "/"},
		{"/ADMIN", "/ADMIN"},
	}
	for _, tt := range tests {
		got, err := ForwardPath(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ForwardPath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		c1, _ := CanonicalPath(tt.in, false)
		c2, _ := CanonicalPath(got, false)
		if c1 != c2 {
			t.Errorf("ForwardPath(%q) = %q: canonical %q, want %q", tt.in, got, c2, c1)
		}
	}
	if _, err := ForwardPath("/a/../b"); err == nil {
		t.Error("ForwardPath(/a/../b): no error")
	}
}
