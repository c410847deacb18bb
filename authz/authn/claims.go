package authn

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// LookupClaim finds a claim by name or by a dotted path into nested objects
// ("realm_access.roles"). A literal key wins over a path, so claim names
// that contain dots ("https://example.com/roles") still work.
func LookupClaim(claims map[string]any, path string) (any, bool) {
	if v, ok := claims[path]; ok {
		return v, true
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		if sub, ok := claims[path[:i]].(map[string]any); ok {
			if v, ok := LookupClaim(sub, path[i+1:]); ok {
				return v, true
			}
		}
	}
	return nil, false
}

// ClaimString renders a claim for a placeholder or header: strings as they
// are, arrays joined with commas, numbers without exponent, objects as JSON.
func ClaimString(claims map[string]any, path string) (string, bool) {
	v, ok := LookupClaim(claims, path)
	if !ok || v == nil {
		return "", false
	}
	return stringify(v), true
}

func stringify(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []string:
		return strings.Join(x, ",")
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, stringify(e))
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// stringList reads a claim holding a string array or a single string; with
// split, a single string is split on spaces (OAuth `scope`).
func stringList(v any, split bool) []string {
	switch x := v.(type) {
	case string:
		if split {
			return strings.Fields(x)
		}
		if x == "" {
			return nil
		}
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return slices.Clone(x)
	}
	return nil
}

// appendUnique appends the values of add not already in list.
func appendUnique(list []string, add []string) []string {
	for _, s := range add {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// merge is appendUnique that reuses add when list is empty.
func merge(list, add []string) []string {
	if len(list) == 0 {
		return add
	}
	return appendUnique(list, add)
}

// stringBytes views s as bytes without copying, for hashing only: the
// result must never be written or retained.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
