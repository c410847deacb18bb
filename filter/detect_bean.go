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
	if !isParamName(v.kind) {
		return
	}
	if len(v.norm) < 12 || !strings.Contains(v.norm, "class") {
		return
	}
	if beanClassLoaderPath(v.norm) {
		e.hit(rJavaBeanPath)
	}
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
