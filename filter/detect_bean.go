package filter

import "strings"

// Bean property paths into the class loader. Java web frameworks bind
// request parameter names to nested properties of the request's target
// object (Spring's data binder, Struts 2's parameters interceptor, Commons
// BeanUtils): a name that walks through getClass() reaches the ClassLoader
// and, from there, the container. Spring4Shell (CVE-2022-22965) sets
// class.module.classLoader.resources.context.parent.pipeline.first.* to
// write a JSP shell through Tomcat's access log; Struts 2 (CVE-2014-0094,
// -0112, -0113) took class.classLoader.*, Class['classLoader'] and
// top['class']['classLoader']. No application names a parameter so: a
// class path segment followed by classLoader, module or protectionDomain
// is the attack, in dotted or bracketed notation.
func detectBeanPath(e *emitter, v *value) {
	if !isParamName(v.kind) || len(v.norm) < 8 {
		return
	}
	if strings.IndexByte(v.norm, '#') >= 0 && renderCallbackName(v.norm) {
		e.hit(rRenderCallback)
		return
	}
	if len(v.norm) < 12 {
		return
	}
	if strings.Contains(v.norm, "class") && beanClassLoaderPath(v.norm) ||
		strings.Contains(v.norm, "bootstrapstatusprovider.") || strings.Contains(v.norm, "applicationconfig.setupcomplete") {
		// Confluence binds bootstrapStatusProvider.applicationConfig.*
		// from any request through XWork (CVE-2023-22515): setting
		// setupComplete=false reopens the setup wizard that creates an
		// administrator.
		e.hit(rJavaBeanPath)
	}
}

// renderCallbackName: a (lower-cased) parameter name that sets a callback
// property of a Drupal render array (mail[#post_render][]=exec,
// timezone[a][#lazy_builder][]): Drupal renders form elements from the
// request, and these keys name PHP functions it calls on the element
// (Drupalgeddon 2, CVE-2018-7600). Forms never send '#' keys.
func renderCallbackName(n string) bool {
	for _, k := range [...]string{"#post_render", "#pre_render", "#lazy_builder", "#access_callback", "#value_callback", "#process", "#after_build", "#submit", "#validate", "#element_validate"} {
		if i := strings.Index(n, k); i > 0 && (n[i-1] == '[' || n[i-1] == '.') {
			return true
		}
	}
	return false
}

// beanClassLoaderPath reports whether the (lower-cased) name holds a
// "class" property segment whose next segment is classloader, module or
// protectiondomain: class.classloader, class.module.classloader,
// class['classloader'], [class][classloader], top['class']['classloader'].
func beanClassLoaderPath(s string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], "class")
		if k < 0 {
			return false
		}
		k += i
		i = k + len("class")
		// A whole segment: the start, or after '.', '[' or a quote.
		if k > 0 && !beanSegmentStart(s[k-1]) {
			continue
		}
		if next, ok := beanNextSegment(s[i:]); ok {
			switch {
			case strings.HasPrefix(next, "classloader"), strings.HasPrefix(next, "protectiondomain"):
				return true
			case strings.HasPrefix(next, "module"):
				if m, ok := beanNextSegment(next[len("module"):]); ok && strings.HasPrefix(m, "classloader") {
					return true
				}
			}
		}
	}
}

func beanSegmentStart(c byte) bool { return c == '.' || c == '[' || c == '\'' || c == '"' }

// beanNextSegment skips the separator after a segment ("." or a closing
// quote and bracket, then an opening bracket and quote) and returns the
// rest, whose head is the next segment.
func beanNextSegment(s string) (string, bool) {
	j := 0
	for j < len(s) && (s[j] == '\'' || s[j] == '"' || s[j] == ']') {
		j++
	}
	if j == len(s) || s[j] != '.' && s[j] != '[' {
		return "", false
	}
	j++
	for j < len(s) && (s[j] == '\'' || s[j] == '"' || s[j] == '[') {
		j++
	}
	return s[j:], true
}
