package contract

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"sort"
	"strings"

	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Media kinds the validator understands.
const (
	kindOther = iota
	kindJSON
	kindForm
	kindMultipart
)

// mediaSpec is one content entry of a request body or response.
type mediaSpec struct {
	typ    string // lower-case media range: application/json, text/*, */*
	kind   int
	schema *Schema
}

type bodySpec struct {
	required bool
	media    []mediaSpec
}

// mediaKind classifies a media type; +json suffixes are JSON.
func mediaKind(mt string) int {
	mt = strings.ToLower(strings.TrimSpace(mt))
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	switch {
	case mt == "application/json", strings.HasSuffix(mt, "+json"):
		return kindJSON
	case mt == "application/x-www-form-urlencoded":
		return kindForm
	case strings.HasPrefix(mt, "multipart/"):
		return kindMultipart
	}
	return kindOther
}

func (cm *compiler) media(key string, mt *v3.MediaType, ptr string) (mediaSpec, error) {
	ms := mediaSpec{typ: strings.ToLower(strings.TrimSpace(key)), kind: mediaKind(key)}
	if i := strings.IndexByte(ms.typ, ';'); i >= 0 {
		ms.typ = strings.TrimSpace(ms.typ[:i])
	}
	if mt != nil && mt.Schema != nil {
		s, err := cm.schema(mt.Schema, ptrJoin(ptr, "schema"))
		if err != nil {
			return ms, err
		}
		ms.schema = s
	}
	return ms, nil
}

func (cm *compiler) requestBody(rb *v3.RequestBody, ptr string) (*bodySpec, error) {
	b := &bodySpec{required: rb.Required != nil && *rb.Required}
	if rb.Content != nil {
		for pair := rb.Content.First(); pair != nil; pair = pair.Next() {
			ms, err := cm.media(pair.Key(), pair.Value(), ptrJoin(ptr, "content", pair.Key()))
			if err != nil {
				return nil, err
			}
			b.media = append(b.media, ms)
		}
	}
	sortMedia(b.media)
	return b, nil
}

// sortMedia puts exact types before type/* before */*, so the first match
// is the most specific (RFC 9110 precedence).
func sortMedia(ms []mediaSpec) {
	rank := func(t string) int {
		switch {
		case t == "*/*":
			return 2
		case strings.HasSuffix(t, "/*"):
			return 1
		}
		return 0
	}
	sort.SliceStable(ms, func(i, j int) bool { return rank(ms[i].typ) < rank(ms[j].typ) })
}

// matchMedia finds the entry for a Content-Type.
func matchMedia(ms []mediaSpec, contentType string) *mediaSpec {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	}
	major, _, _ := strings.Cut(mt, "/")
	for i := range ms {
		t := ms[i].typ
		if t == mt || t == "*/*" || (strings.HasSuffix(t, "/*") && strings.TrimSuffix(t, "/*") == major) {
			return &ms[i]
		}
	}
	return nil
}

// BodyResult classifies a request body check.
type BodyResult int

// Body results.
const (
	BodyOK          BodyResult = iota
	BodyInvalid                // 400: violations say why
	BodyUnsupported            // 415: the content type is not declared
)

// maxMultipartParts bounds the parts of a multipart body.
const maxMultipartParts = 256

// HasBody says whether the operation declares a request body.
func (o *Operation) HasBody() bool { return o.body != nil }

// CheckBody validates a request body (read in full by the caller, within
// its size limit) by its Content-Type. Violations carry JSON pointers and
// never the values.
func (o *Operation) CheckBody(contentType string, body []byte) (BodyResult, []ParamViolation) {
	bodyV := func(vs ...Violation) []ParamViolation {
		out := make([]ParamViolation, len(vs))
		for i, v := range vs {
			out[i] = ParamViolation{In: "body", Violation: v}
		}
		return out
	}
	if o.body == nil {
		if len(body) == 0 {
			return BodyOK, nil
		}
		// A body where the contract has none is refused: a backend may
		// read it (GET with a body is a smuggling classic) and nothing
		// vouches for it.
		return BodyInvalid, bodyV(Violation{Reason: "the operation takes no request body", Keyword: "body"})
	}
	if len(body) == 0 {
		if o.body.required {
			return BodyInvalid, bodyV(Violation{Reason: "a request body is required", Keyword: "required"})
		}
		return BodyOK, nil
	}
	ms := matchMedia(o.body.media, contentType)
	if ms == nil {
		return BodyUnsupported, nil
	}
	var x any
	switch ms.kind {
	case kindJSON:
		v, err := parseJSON(body)
		if err != nil {
			return BodyInvalid, bodyV(Violation{Reason: "the body " + err.Error(), Keyword: "syntax"})
		}
		x = v
	case kindForm:
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return BodyInvalid, bodyV(Violation{Reason: "the form is not validly encoded", Keyword: "syntax"})
		}
		x = formObject(q, ms.schema)
	case kindMultipart:
		v, err := multipartObject(contentType, body, ms.schema)
		if err != nil {
			return BodyInvalid, bodyV(Violation{Reason: "the multipart body " + err.Error(), Keyword: "syntax"})
		}
		x = v
	default:
		return BodyOK, nil // text, binary: the type is all the contract says
	}
	if ms.schema == nil {
		return BodyOK, nil
	}
	vs := validate(ms.schema, x, vopts{request: true, rejectUnknown: o.rejectUnknown, max: o.maxErrors})
	if len(vs) > 0 {
		return BodyInvalid, bodyV(vs...)
	}
	return BodyOK, nil
}

// formObject types form fields by the schema's properties; repeated
// fields are arrays.
func formObject(q url.Values, s *Schema) map[string]any {
	m := make(map[string]any, len(q))
	for k, vs := range q {
		ps := s.memberSchema(k)
		m[k] = fieldValue(vs, ps)
	}
	return m
}

// memberSchema is the schema that types the member called name: its
// property, else the first matching patternProperties, else
// additionalProperties (nil: none).
func (s *Schema) memberSchema(name string) *Schema {
	if s == nil {
		return nil
	}
	if p, ok := s.Properties[name]; ok {
		return p
	}
	for i := range s.PatternProperties {
		if s.PatternProperties[i].re.matchString(name) {
			return s.PatternProperties[i].s
		}
	}
	return s.Additional
}

func fieldValue(vs []string, ps *Schema) any {
	if ps != nil && ps.Types&tArray != 0 {
		a := make([]any, len(vs))
		for i, v := range vs {
			a[i] = coerce(v, ps.Items)
		}
		return a
	}
	if len(vs) == 0 {
		return ""
	}
	if len(vs) > 1 {
		// A scalar sent twice: which one the backend reads is its
		// choice, so both must be valid; an array fails the type check.
		a := make([]any, len(vs))
		for i, v := range vs {
			a[i] = coerce(v, ps)
		}
		return a
	}
	return coerce(vs[0], ps)
}

var errMultipartParts = errors.New("has too many parts")

// multipartObject reads the fields of a multipart/form-data body; file
// parts become strings (their content), which binary/byte schemas accept.
// JSON parts (Content-Type application/json) are decoded.
func multipartObject(contentType string, body []byte, s *Schema) (map[string]any, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, errors.New("has no boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	fields := map[string][]string{}
	jsonFields := map[string]any{}
	for n := 0; ; n++ {
		if n >= maxMultipartParts {
			return nil, errMultipartParts
		}
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errors.New("is malformed")
		}
		name := part.FormName()
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, errors.New("is malformed")
		}
		if name == "" {
			continue
		}
		if mediaKind(part.Header.Get("Content-Type")) == kindJSON {
			v, err := parseJSON(data)
			if err != nil {
				return nil, errors.New("has a JSON part that is not valid JSON")
			}
			jsonFields[name] = v
			continue
		}
		fields[name] = append(fields[name], string(data))
	}
	m := make(map[string]any, len(fields)+len(jsonFields))
	for k, vs := range fields {
		ps := s.memberSchema(k)
		m[k] = fieldValue(vs, ps)
	}
	for k, v := range jsonFields {
		m[k] = v
	}
	return m, nil
}
