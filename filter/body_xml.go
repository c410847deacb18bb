package filter

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xml inspects an XML body: text and attribute values (entities decoded),
// named by their element, and the DOCTYPE and processing instructions raw
// (where XXE lives). A body that does not parse is inspected whole.
func (w *walker) xml(s string, truncated bool) {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	var elem string
	for !w.stop {
		tok, err := d.RawToken()
		if err == io.EOF {
			return
		}
		if err != nil {
			var se *xml.SyntaxError
			if truncated && errors.As(err, &se) && strings.Contains(se.Msg, "unexpected EOF") {
				return
			}
			w.malformed("xml", err)
			w.value(tBodyRaw, KindBodyRaw, "", s)
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elem = t.Name.Local
			for _, a := range t.Attr {
				if a.Value != "" {
					w.value(tBody, KindBodyValue, elem+"@"+a.Name.Local, a.Value)
				}
			}
		case xml.CharData:
			if v := strings.TrimSpace(string(t)); v != "" {
				w.value(tBody, KindBodyValue, elem, v)
			}
		case xml.Directive:
			w.value(tBodyRaw, KindBodyRaw, "", "<!"+string(t)+">")
		case xml.ProcInst:
			if t.Target != "xml" {
				w.value(tBodyRaw, KindBodyRaw, "", "<?"+t.Target+" "+string(t.Inst)+"?>")
			}
		}
	}
}
