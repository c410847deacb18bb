package redact

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestStreamReleaseReuse: a stream handed back with Release and reused by
// the next NewStream masks every body exactly as a fresh Redactor does, in
// any order: no state (pending matches, JSON levels, key memos, finding
// counts, phone budget) survives from one body to the next.
func TestStreamReleaseReuse(t *testing.T) {
	var big strings.Builder
	big.WriteString(`{"orders":[`)
	for i := range 120 {
		if i > 0 {
			big.WriteByte(',')
		}
		fmt.Fprintf(&big, `{"id":%d,"email":"user%d@example.com","card":"4111 1111 1111 1111","note":"ring twice","password":"hunter%d"}`, i, i, i)
	}
	big.WriteString(`]}`)
	bodies := []struct {
		kind BodyKind
		body string
	}{
		{KindJSON, `{"email":"alice@example.com","iban":"DE89 3704 0044 0532 0130 00"}`},
		{KindJSON, big.String()},
		{KindJSON, `{"msg":"card \u0034111 1111 1111 1111 and a\u0040example.com"}`},
		{KindJSON, `{"broken": "alice@example.com", ]`},
		{KindText, "call +44 20 7946 0958, token ghp_16C7e42F292c6912E7710c838347Ae178B4a\n"},
		{KindText, "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"},
		{KindJSON, `{"a":1}`},
	}
	cfg := Config{}
	shared := mustNew(t, cfg)
	for round := range 3 {
		for i := range bodies {
			b := bodies[(i*(round+2))%len(bodies)]
			got, gf := maskChunked(t, shared, b.kind, []byte(b.body), []int{len(b.body) / 3}, nil)
			want, wf := maskChunked(t, mustNew(t, cfg), b.kind, []byte(b.body), []int{len(b.body) / 3}, nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("round %d body %d: reused stream\n%q\nfresh\n%q", round, i, got, want)
			}
			if !reflect.DeepEqual(gf, wf) {
				t.Fatalf("round %d body %d: findings %+v, fresh %+v", round, i, gf, wf)
			}
		}
	}
}

// TestStreamReleaseOpen: Release of a stream that is not closed leaves it
// alone (it may still be written), and a released stream is not handed out
// twice.
func TestStreamReleaseOpen(t *testing.T) {
	r := mustNew(t, Config{})
	var out bytes.Buffer
	st := r.NewStream(&out, KindText)
	st.Release()
	if _, err := st.Write([]byte("mail bob@example.com now")); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "now") || strings.Contains(out.String(), "bob@example.com") {
		t.Fatalf("output %q", out.String())
	}
	st.Release()
	a, b := r.NewStream(&out, KindText), r.NewStream(&out, KindText)
	if a == b {
		t.Fatal("one released stream handed out twice")
	}
}
