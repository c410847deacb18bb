package redact

import (
	"bytes"
	"errors"
	"hash"
	"io"
	"sync"
)

// BodyKind selects how a body is scanned.
type BodyKind int

// Body kinds.
const (
	// KindText: the body is scanned as text through a bounded window.
	KindText BodyKind = iota
	// KindJSON: the body is tokenized; detectors run on string values,
	// field rules on paths. A malformed body falls back to text scanning
	// from the first bad byte on.
	KindJSON
)

// ErrClosed is returned by Write and Flush after Close.
var ErrClosed = errors.New("redact: stream closed")

// maxPiece bounds how much of one Write is processed at a time, so that a
// huge Write does not grow the buffer past window + maxPiece.
const maxPiece = 64 << 10

// Stream masks one response body. It is not safe for concurrent use (one
// response is written by one goroutine) and shares nothing with other
// streams.
type Stream struct {
	r    *Redactor
	dst  io.Writer
	kind BodyKind

	buf     []byte // input not yet emitted, plus up to ctxKeep bytes before it
	base    int    // absolute offset of buf[0]
	emitted int    // absolute offset up to which output was produced
	out     []byte // output waiting for dst
	// The longest buf and out ever were: every byte written to them
	// lies below, so that is all that must be zeroed when they are
	// pooled.
	bufHW, outHW int
	pooled       bool // buf and out came from r.bufs

	pending []match // detected, not yet emitted, sorted by start
	pi      int     // first pending match not yet emitted

	tx scanState // text mode (and JSON fallback)
	js jsonState
	// JSON path: one level per open container; keys holds the current key
	// of every object level, as written (raw) and cut at maxKey bytes.
	levels []level
	memo   *[memoSlots]memo // jsonRun's keys of the previous objects
	keys   []byte
	keys2  []byte // spare for materializeKeys

	found0 findingCounter
	path   []byte // scratch for JSON paths
	mac    hash.Hash

	// Decoding JSON strings with \u or \/ escapes (json_escape.go): the
	// decoded bytes, their raw offsets, and a scratch stream that scans
	// them (whose parent is this stream, for the JSON card context).
	dec    []byte
	dmap   []int
	hdec   []byte // decoded value of an hmac-styled JSON match
	sub    *Stream
	parent *Stream
	origin int // of a scratch stream: where its string starts in parent

	phCalls int // phone library calls so far (see phoneLibBase)

	err    error
	closed bool

	// Inline storage, so that a small body costs one allocation (the
	// Stream) instead of one per slice: the finding counts of the
	// built-in detectors, the first pending matches, finding paths and
	// JSON levels. A slice that outgrows its inline storage moves to the
	// heap.
	types0   [detBuiltinEnd]int
	pending0 [2]match
	paths0   [2]pathCount
	levels0  [4]level
	// small is a pooled array (r.bufs.small) whose halves are buf and
	// out of a body whose first write is at most smallPiece bytes.
	small *[2 * smallPiece]byte
}

// smallPiece is the longest first write whose input and output buffers
// start in a small pooled array.
const smallPiece = 256

// NewStream starts masking one body into dst.
func (r *Redactor) NewStream(dst io.Writer, kind BodyKind) *Stream {
	s, _ := r.streams.Get().(*Stream) // zeroed by Release but for memo
	if s == nil {
		s = new(Stream)
	}
	s.r, s.dst, s.kind = r, dst, kind
	if len(r.names) <= len(s.types0) {
		s.found0.types = s.types0[:len(r.names)]
	} else {
		s.found0.types = make([]int, len(r.names))
	}
	s.pending, s.found0.paths = s.pending0[:0], s.paths0[:0]
	s.tx.reset(0, false)
	if kind == KindJSON {
		s.js.init()
		s.levels = s.levels0[:0]
	}
	return s
}

// Write masks p. It always consumes all of p unless dst fails; masked output
// may lag behind by up to the window.
func (s *Stream) Write(p []byte) (int, error) {
	if s.closed {
		return 0, ErrClosed
	}
	if s.err != nil {
		return 0, s.err
	}
	n := len(p)
	for len(p) > 0 {
		piece := p[:min(len(p), maxPiece)]
		p = p[len(piece):]
		if s.buf == nil {
			switch {
			case len(piece) >= pooledPiece:
				s.buf, s.out, s.pooled = s.r.bufs.get(), s.r.bufs.get(), true
			case len(piece) <= smallPiece && s.out == nil:
				s.small = s.r.bufs.getSmall()
				s.buf, s.out = s.small[:0:smallPiece], s.small[smallPiece:smallPiece:2*smallPiece]
			}
		}
		s.buf = append(s.buf, piece...)
		s.bufHW = max(s.bufHW, len(s.buf))
		s.round(false, false)
		if err := s.drain(); err != nil {
			return n - len(p) - len(piece), err
		}
		s.compact()
	}
	return n, nil
}

// Flush emits everything that can be emitted safely now. For text (e.g.
// server-sent events) every complete line is masked and emitted; only an
// incomplete last line stays held back, and never more than the window.
func (s *Stream) Flush() error {
	if s.closed {
		return ErrClosed
	}
	if s.err != nil {
		return s.err
	}
	s.round(false, true)
	if err := s.drain(); err != nil {
		return err
	}
	s.compact()
	return nil
}

// Close emits the rest of the body. The stream cannot be used afterwards
// except for Findings.
func (s *Stream) Close() error {
	if s.closed {
		return s.err
	}
	if s.err == nil {
		s.round(true, false)
		s.err = s.drain()
	}
	s.closed = true
	if s.pooled {
		s.r.bufs.put(s.buf, max(s.bufHW, len(s.buf)))
		s.r.bufs.put(s.out, max(s.outHW, len(s.out)))
	}
	if s.small != nil {
		s.r.bufs.putSmall(s.small)
		s.small = nil
	}
	s.buf, s.pending, s.out = nil, nil, nil
	return s.err
}

// Release hands a closed stream's memory back to its Redactor, for a later
// NewStream. Nothing of the stream may be used afterwards (Findings are
// copies and stay valid). A stream that is not closed, or a scratch stream,
// is left to the garbage collector.
func (s *Stream) Release() {
	if !s.closed || s.parent != nil {
		return
	}
	r, km := s.r, s.memo
	if km != nil {
		*km = [memoSlots]memo{}
	}
	*s = Stream{memo: km}
	r.streams.Put(s)
}

// Findings returns what the stream masked so far: counts per detector type
// and per JSON path, never values.
func (s *Stream) Findings() Findings {
	return s.found0.snapshot(s.r.names)
}

// round processes the buffered input. final: the body ended. flush: emit
// what a complete line or token allows.
func (s *Stream) round(final, flush bool) {
	if s.kind == KindJSON && !s.js.fallback {
		s.jsonRound(final)
		if !s.js.fallback {
			return
		}
	}
	s.textRound(final, flush)
}

func (s *Stream) textRound(final, flush bool) {
	hi := s.base + len(s.buf)
	w := s.r.window
	custom := len(s.r.custom) > 0
	switch {
	case final:
		s.scan(&s.tx, hi, hi, true)
		s.emitTo(hi)
		return
	case hi-w > s.tx.pos:
		s.scan(&s.tx, hi-w, hi, false)
	}
	if flush {
		// Complete lines can go now: no built-in value spans a newline
		// except a PEM block, which is continued past the cut.
		from := max(s.tx.pos, s.emitted) - s.base
		if nl := bytes.LastIndexByte(s.buf[from:], '\n'); nl >= 0 {
			cut := s.base + from + nl + 1
			s.scan(&s.tx, cut, cut, false)
			if s.tx.pos < cut {
				s.tx.pos = cut
			}
			if custom {
				s.tx.cpos = max(s.tx.cpos, cut)
			}
			s.emitTo(max(cut, s.tx.minStart))
			return
		}
	}
	if e := s.tx.safe(custom); e > s.emitted {
		s.emitTo(e)
	}
}

// emitTo produces output for the input up to absolute position x, applying
// the pending matches that start before x (a match is always emitted
// whole, even if it ends after x).
func (s *Stream) emitTo(x int) {
	for s.pi < len(s.pending) && s.pending[s.pi].s < x {
		m := s.pending[s.pi]
		s.pi++
		if m.s < s.emitted {
			continue // inside a region already emitted or skipped
		}
		s.out = append(s.out, s.buf[s.emitted-s.base:m.s-s.base]...)
		s.out = s.render(s.out, m.det, s.buf[m.s-s.base:m.e-s.base], m.json, m.quote)
		s.emitted = m.e
	}
	if x > s.emitted {
		s.out = append(s.out, s.buf[s.emitted-s.base:x-s.base]...)
		s.emitted = x
	}
	if s.pi == len(s.pending) {
		s.pending, s.pi = s.pending[:0], 0
	}
}

// skipTo drops the input up to x without output (removed JSON members,
// field values rendered separately), with any matches inside it.
func (s *Stream) skipTo(x int) {
	for s.pi < len(s.pending) && s.pending[s.pi].s < x {
		s.pi++
	}
	if x > s.emitted {
		s.emitted = x
	}
	if s.pi == len(s.pending) {
		s.pending, s.pi = s.pending[:0], 0
	}
}

// drain hands the output to dst.
func (s *Stream) drain() error {
	if len(s.out) == 0 {
		return nil
	}
	_, err := s.dst.Write(s.out)
	s.outHW = max(s.outHW, len(s.out))
	s.out = s.out[:0]
	if err != nil {
		s.err = err
	}
	return err
}

// compact drops input that is emitted and no longer needed as context.
func (s *Stream) compact() {
	keep := s.emitted - ctxKeep
	cut := keep - s.base
	if cut <= 0 || cut < len(s.buf)/2 && cut < 4096 {
		return
	}
	if s.kind == KindJSON {
		s.materializeKeys(keep)
	}
	n := copy(s.buf, s.buf[cut:])
	s.buf = s.buf[:n]
	s.base += cut
}

// found records a finding of det at the current JSON path (if any).
func (s *Stream) found(det int) {
	if s.kind == KindJSON && !s.js.fallback {
		s.path = s.appendPath(s.path[:0])
		s.found0.add(det, s.path, true)
		return
	}
	s.found0.add(det, nil, false)
}

// bufPool keeps the input and output buffers of closed streams for later
// streams of the same Redactor: without it, every response grows two
// buffers from nothing to window + one write piece, doubling as it goes.
// A buffer is zeroed before it is pooled, so no byte of one response is
// ever in memory that another response's stream can reach, even beyond
// the length it reads. Buffers larger than a stream ever needs for
// ordinary writes (after a huge Write or a long value) are left to the
// garbage collector, so the pool stays bounded per buffer.
// pooledPiece is the first write from which a stream takes pooled
// buffers: a small body (a first write shorter than this) grows small
// buffers of its own, cheaper than clearing large ones.
const pooledPiece = 4 << 10

type bufPool struct {
	pool    sync.Pool // of *[]byte
	size    int       // capacity of a new buffer
	maxSize int       // largest capacity pooled
	small   sync.Pool // of *[2 * smallPiece]byte: buf and out of a small body
}

func newBufPool(window int) *bufPool {
	return &bufPool{size: window + ctxKeep + 32<<10, maxSize: window + ctxKeep + maxPiece + 4<<10}
}

func (bp *bufPool) get() []byte {
	if p, ok := bp.pool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, bp.size)
}

// put pools b, of which no byte at or past used was ever written.
func (bp *bufPool) put(b []byte, used int) {
	if cap(b) == 0 || cap(b) > bp.maxSize {
		return
	}
	clear(b[:used])
	b = b[:0]
	bp.pool.Put(&b)
}

func (bp *bufPool) getSmall() *[2 * smallPiece]byte {
	if a, ok := bp.small.Get().(*[2 * smallPiece]byte); ok {
		return a
	}
	return new([2 * smallPiece]byte)
}

// putSmall zeroes a and pools it. The whole array is cleared: zeroing 512
// bytes costs less than tracking what was written.
func (bp *bufPool) putSmall(a *[2 * smallPiece]byte) {
	clear(a[:])
	bp.small.Put(a)
}
