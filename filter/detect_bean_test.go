package filter

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestBeanClassLoaderPath(t *testing.T) {
	attacks := cross("", []string{"class", "Class", "top['class']", "a.class", "[class]"},
		[]string{".module.classLoader", ".classLoader", "['classLoader']", "[classLoader]", `["module"]["classLoader"]`, ".protectionDomain"},
		[]string{".resources.context.parent.pipeline.first.pattern", ".URLs[0]", ".parent", ""})
	benign := []string{"user.className", "classification.level", "css.classList", "subclass.module.classLoader", "filter[class]", "class", "school.class.name", "items[0].class", "module.classLoader", "x.classicModule.classLoader", "class_loader", "class.moduleName"}
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range attacks {
		for _, r := range []struct{ where, q, body string }{{"query", "/app?" + url.QueryEscape(n) + "=x", ""}, {"form", "/app", url.QueryEscape(n) + "=x"}} {
			req := newReq("GET", r.q, "", "")
			if r.body != "" {
				req = newReq("POST", r.q, "application/x-www-form-urlencoded", r.body)
			}
			d, err := eng.Inspect(req)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Blocked || !beanRuleHit(d.Matches, "java-classloader-path") {
				t.Errorf("%s name %q: not blocked as java-classloader-path: %+v", r.where, n, d.Matches)
			}
		}
	}
	for _, n := range benign {
		d, err := eng.Inspect(newReq("POST", "/app", "application/x-www-form-urlencoded", url.QueryEscape(n)+"=x"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked || beanRuleHit(d.Matches, "java-classloader-path") {
			t.Errorf("benign name %q: %+v", n, d.Matches)
		}
	}
	// A value that spells the path is not a binding.
	d, _ := eng.Inspect(newReq("GET", "/docs?q="+url.QueryEscape("why does class.module.classLoader matter"), "", ""))
	if beanRuleHit(d.Matches, "java-classloader-path") {
		t.Errorf("value judged as a bean path: %+v", d.Matches)
	}
}

func beanRuleHit(ms []Match, rule string) bool {
	for _, m := range ms {
		if m.Rule == rule {
			return true
		}
	}
	return false
}

// reBeanPath is beanClassLoaderPath as a regexp, the reference the fuzz
// target compares it with.
var reBeanPath = regexp.MustCompile(`(?:^|[.\['"])class['"\]]*[.\[]['"\[]*(?:classloader|protectiondomain|module['"\]]*[.\[]['"\[]*classloader)`)

func FuzzBeanPath(f *testing.F) {
	for _, s := range []string{"class.module.classloader.x", "top['class']['classloader']", "class]].['[classloader", "subclass.classloader", "class.module.module.classloader", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToLower(s)
		if got, want := beanClassLoaderPath(s), reBeanPath.MatchString(s); got != want {
			t.Fatalf("beanClassLoaderPath(%q) = %v, regexp %v", s, got, want)
		}
	})
}

// TestFrameworkBoundNames: names that set properties the framework acts
// on, Drupal render callbacks and Confluence's setup state, block in the
// query and in forms; names with '#' that are no such key pass.
func TestFrameworkBoundNames(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, c := range []struct {
		name, rule string
		want       bool
	}{
		{"mail[#post_render][]", "php-render-callback", true},
		{"timezone[a][#lazy_builder][]", "php-render-callback", true},
		{"name[#pre_render][]", "php-render-callback", true},
		{"element[#access_callback]", "php-render-callback", true},
		{"bootstrapStatusProvider.applicationConfig.setupComplete", "java-classloader-path", true},
		{"applicationConfig.setupComplete", "java-classloader-path", true},
		{"tag[#red]", "php-render-callback", false},
		{"color#post_render", "php-render-callback", false},
		{"bootstrap_status", "java-classloader-path", false},
	} {
		expectRule(t, eng, newReq("GET", "/user/register?"+url.QueryEscape(c.name)+"=exec", "", ""), c.rule, c.want, "query "+c.name)
		expectRule(t, eng, newReq("POST", "/user/register", "application/x-www-form-urlencoded", url.QueryEscape(c.name)+"=exec"), c.rule, c.want, "form "+c.name)
	}
}
