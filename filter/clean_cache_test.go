package filter

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestCleanCache checks that a remembered clean value is skipped, that a
// value differing in one byte, in its header name or in its kind is
// inspected again, and that hits are never remembered.
func TestCleanCache(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	token := "Bearer eyJhbGciOiJIUzI1NiJ9." + strings.Repeat("eyJzdWIiOiJhbGljZSJ9", 3) + ".c2lnbmF0dXJl"
	attack := "x' UNION SELECT password FROM users-- " + strings.Repeat("a", 40)
	inspect := func(header, value string) Decision {
		t.Helper()
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set(header, value)
		d, err := e.InspectRequest(r, RequestInfo{All: true})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for i := range 3 {
		if d := inspect("Authorization", token); d.Blocked {
			t.Fatalf("round %d: clean token blocked: %+v", i, d)
		}
		if d := inspect("X-Search", attack); !d.Blocked {
			t.Fatalf("round %d: attack in a header passed: %+v", i, d)
		}
	}
	h1, h2 := e.clean.hashes(KindHeaderValue, "Authorization", token)
	if !clean(e.clean.slots, h1, h2) {
		t.Fatal("clean token not remembered")
	}
	for _, c := range []struct {
		kind        Kind
		name, value string
	}{
		{KindHeaderValue, "Authorization", token + "x"},
		{KindHeaderValue, "X-Authorization", token},
		{KindUserAgent, "Authorization", token},
		{KindHeaderValue, "X-Search", attack},
	} {
		if h1, h2 := e.clean.hashes(c.kind, c.name, c.value); clean(e.clean.slots, h1, h2) || clean(e.clean.values, h1, h2) {
			t.Errorf("%v %q %q: taken for the remembered token", c.kind, c.name, c.value)
		}
	}
	// A value cached clean under one name is still judged under another.
	if d := inspect("Authorization", attack); !d.Blocked {
		t.Fatalf("attack in Authorization passed: %+v", d)
	}
}

// TestCleanCacheConcurrent runs clean and malicious values from many
// goroutines at once (go test -race): every attack is blocked every time.
func TestCleanCacheConcurrent(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				r := httptest.NewRequest("GET", "/", nil)
				clean := strings.Repeat("Mozilla/5.0 (X11; Linux x86_64) ", 2) + string(rune('a'+(g+i)%26))
				r.Header.Set("User-Agent", clean)
				r.Header.Set("X-Note", "<script>alert(document.cookie)</script>"+strings.Repeat(" ", 20)+string(rune('a'+i%26)))
				d, err := e.InspectRequest(r, RequestInfo{All: true})
				if err != nil || !d.Blocked {
					t.Errorf("goroutine %d request %d: %+v %v", g, i, d, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestCleanCacheBodyValues: JSON and query values found clean are
// remembered in their own table; attacks in the same places are blocked
// on every request, also under a name whose clean value is remembered.
func TestCleanCacheBodyValues(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	send := func(query, body string) Decision {
		t.Helper()
		r := httptest.NewRequest("POST", "/orders?"+query, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		d, err := e.InspectRequest(r, RequestInfo{All: true})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for i := range 3 {
		if d := send("status=shipped", `{"note":"gift wrap, ring the bell","currency":"EUR","ok":"no"}`); d.Blocked {
			t.Fatalf("round %d: clean body blocked: %+v", i, d)
		}
		if d := send("status=1%27%20OR%20%271%27=%271", `{"note":"gift wrap, ring the bell"}`); !d.Blocked {
			t.Fatalf("round %d: query attack passed: %+v", i, d)
		}
		if d := send("status=shipped", `{"note":"<script>alert(document.cookie)</script>"}`); !d.Blocked {
			t.Fatalf("round %d: body attack passed: %+v", i, d)
		}
	}
	for _, c := range []struct {
		kind        Kind
		name, value string
	}{
		{KindBodyValue, "note", "gift wrap, ring the bell"},
		{KindQueryValue, "status", "shipped"},
	} {
		h1, h2 := e.clean.hashes(c.kind, c.name, c.value)
		if !clean(e.clean.values, h1, h2) {
			t.Errorf("%v %s=%q not remembered", c.kind, c.name, c.value)
		}
		if clean(e.clean.slots, h1, h2) {
			t.Errorf("%v %s=%q remembered in the header table", c.kind, c.name, c.value)
		}
	}
	if h1, h2 := e.clean.hashes(KindPath, "", "/orders"); !clean(e.clean.values, h1, h2) {
		t.Error("the request path was not remembered")
	}
	for i := range 2 {
		r := httptest.NewRequest("GET", "/orders/..%2f..%2f..%2fetc%2fpasswd", nil)
		if d, err := e.InspectRequest(r, RequestInfo{All: true}); err != nil || !d.Blocked {
			t.Fatalf("round %d: path attack passed: %+v %v", i, d, err)
		}
	}
	if h1, h2 := e.clean.hashes(KindBodyValue, "currency", "EUR"); !clean(e.clean.values, h1, h2) {
		t.Error("a three-letter code was not remembered")
	}
	if h1, h2 := e.clean.hashes(KindBodyValue, "ok", "no"); clean(e.clean.values, h1, h2) {
		t.Error("a value shorter than cleanValueMin was remembered")
	}
}

// TestCleanCacheTwoWays: two values whose hashes pick the same pair of
// slots are both remembered; a third one keeps the two most recent.
func TestCleanCacheTwoWays(t *testing.T) {
	tab := make([]cleanSlot, 8)
	a, b, c := uint64(0x10), uint64(0x11), uint64(0x90) // one pair: index 0
	remember(tab, a, 1)
	remember(tab, b, 3)
	if !clean(tab, a, 1) || !clean(tab, b, 3) {
		t.Fatal("two values of one pair: not both remembered")
	}
	remember(tab, b, 3) // again: a must stay
	if !clean(tab, a, 1) {
		t.Fatal("remembering a value twice evicted its neighbour")
	}
	remember(tab, c, 5)
	if !clean(tab, c, 5) || !clean(tab, b, 3) || clean(tab, a, 1) {
		t.Fatal("a third value of the pair: the two most recent are not the ones kept")
	}
	if clean(tab, a, 3) || clean(tab, b, 1) {
		t.Fatal("a slot matched another value's second hash")
	}
}
