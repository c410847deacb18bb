// Package redact masks sensitive data in response bodies as they stream
// through. It knows nothing of Caddy.
package redact

// PLACEHOLDER owned by the engine helper: replaced by the real streaming engine.

import "io"

// Config configures a Redactor.
type Config struct{}

// BodyKind selects how a body is scanned.
type BodyKind int

// Body kinds.
const (
	KindText BodyKind = iota
	KindJSON
)

// Redactor is a compiled, immutable, concurrency-safe masking configuration.
type Redactor struct{}

// New compiles a Redactor.
func New(cfg Config) (*Redactor, error) { return &Redactor{}, nil }

// Stream masks one response body.
type Stream struct{ dst io.Writer }

// NewStream starts masking one body into dst.
func (r *Redactor) NewStream(dst io.Writer, kind BodyKind) *Stream { return &Stream{dst: dst} }

// Write masks p.
func (s *Stream) Write(p []byte) (int, error) { return s.dst.Write(p) }

// Flush emits what can be emitted safely.
func (s *Stream) Flush() error { return nil }

// Close emits the rest.
func (s *Stream) Close() error { return nil }
