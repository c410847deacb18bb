package filter

import (
	"strings"
	"testing"
)

// ORM filter names: attacks reach a credential or walk the schema; the
// names of ordinary filter UIs pass.
func TestORMFilterLeak(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	attacks := []string{
		"user__password__startswith", "created_by__user__password__regex", "password__isnull", "author__password",
		"owner__auth_token__key__startswith", "reset_token__istartswith", "profile__api_key__contains", "user__otp_secret__startswith",
		"created_by__departments__employees__user__username__startswith", "order__customer__account__email__iendswith",
		"q[password_digest_start]", "q[user_encrypted_password_cont]", "q[reset_password_token_present]", "q[api_token_start]",
	}
	benign := []string{
		"price__gte", "name__icontains", "created_at__date", "tags__name__in", "author__country__iexact", "status__in",
		"commit__hash__startswith", "sort_key__lt", "__typename", "__proto_free", "utm__source", "a__b__c__d",
		"q[name_cont]", "q[created_at_gteq]", "q[s]", "q[title_or_body_cont]", "password", "new_password", "password_confirmation",
		"data__has_key", "balance__gte", "username__startswith", "token", "_csrf_token",
	}
	for _, place := range []string{"query", "form", "json"} {
		for _, n := range attacks {
			d, err := eng.Inspect(sendIn(place, n, "p"))
			if err != nil {
				t.Fatal(err)
			}
			if !d.Blocked {
				t.Errorf("ORM filter %q in %s passed: %v", n, place, d.Matches)
			}
		}
		for _, n := range benign {
			d, err := eng.Inspect(sendIn(place, n, "abc"))
			if err != nil {
				t.Fatal(err)
			}
			if d.Score > 0 {
				t.Errorf("filter name %q in %s scored %d: %v", n, place, d.Score, d.Matches)
			}
		}
	}
	// A value that spells a lookup path is data, not a filter.
	if d, _ := eng.Inspect(sendIn("query", "q", "user__password__startswith")); d.Score > 0 {
		t.Errorf("lookup path as a value scored %d: %v", d.Score, d.Matches)
	}
}

func FuzzORMFilterNames(f *testing.F) {
	for _, s := range []string{"user__password__startswith", "a__b__c__d__in", "q[password_start]", "q[", "q[]", "____", "__", "q[_start]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToLower(s)
		if djangoLookupLeak(s) && !strings.Contains(s, "__") {
			t.Fatalf("djangoLookupLeak(%q) without a lookup separator", s)
		}
		if ransackLeak(s) && strings.IndexByte(s, ']') < 0 {
			t.Fatalf("ransackLeak(%q) without a closing bracket", s)
		}
	})
}
