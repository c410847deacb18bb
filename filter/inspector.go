package filter

// PLACEHOLDER owned by the value-layer helper: replaced by the real Inspector.

// InspectorOptions configure the value layer.
type InspectorOptions struct {
	// Paranoia is the sensitivity level, 1 (default) to 4.
	Paranoia int
	// DisabledRules are rule ids that never fire.
	DisabledRules []string
}

// Inspector normalises values and runs the attack detectors over them.
type Inspector struct{}

// NewInspector compiles an Inspector.
func NewInspector(opts InspectorOptions) (*Inspector, error) { return &Inspector{}, nil }

// InspectValue appends to dst the hits of every detector on value.
func (in *Inspector) InspectValue(dst []Hit, kind Kind, name, value string) []Hit { return dst }
