package redact

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"
)

// DecodingWriter undoes content codings on a body that is pushed to it with
// Write (the shape of an http.ResponseWriter), writing the decoded bytes to
// dst. The decoders of compress/* pull from an io.Reader, so one goroutine per
// DecodingWriter runs them; Write hands each chunk over and returns only once
// the goroutine has consumed all of it and written everything it could decode
// from it to dst. Between calls the goroutine is parked, so the caller may use
// dst (e.g. flush it) without further locking, and no chunk is retained after
// Write returns.
//
// Nothing is pooled: each body gets fresh decoder state.
type DecodingWriter struct {
	in   chan []byte   // chunks for the goroutine
	ack  chan struct{} // the goroutine consumed the last chunk
	quit chan struct{} // Abort: stop without waiting for input
	done chan struct{} // closed when the goroutine has returned
	err  error         // the goroutine's result; read only after done

	closeIn   sync.Once
	closeQuit sync.Once
	closed    bool
}

// NewDecodingWriter starts decoding codings (as returned by
// ParseContentEncoding, at least one) into dst. The caller must call Close
// (end of body) or Abort, or the goroutine leaks.
func NewDecodingWriter(dst io.Writer, codings []string) *DecodingWriter {
	d := &DecodingWriter{
		in:   make(chan []byte),
		ack:  make(chan struct{}),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	go d.run(dst, codings)
	return d
}

// Write hands p to the decoder and waits until it is consumed. An error means
// the body is corrupt, truncated, has trailing data or dst failed; the
// DecodingWriter is then finished and every later call returns the same error.
func (d *DecodingWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if d.closed {
		return 0, ErrDecoderClosed
	}
	select {
	case d.in <- p:
	case <-d.done:
		return 0, d.err
	}
	select {
	case <-d.ack:
		return len(p), nil
	case <-d.done:
		return 0, d.err
	}
}

// Close signals the end of the body and waits for the decoder: a stream that
// ends early (truncated) is an error.
func (d *DecodingWriter) Close() error {
	d.closed = true
	d.closeIn.Do(func() { close(d.in) })
	<-d.done
	return d.err
}

// Abort stops the decoder without waiting for the end of the body (the
// response is being abandoned). It is safe to call after Close.
func (d *DecodingWriter) Abort() {
	d.closed = true
	d.closeQuit.Do(func() { close(d.quit) })
	<-d.done
}

// errAborted ends the goroutine after Abort.
var errAborted = errors.New("decoder aborted")

func (d *DecodingWriter) run(dst io.Writer, codings []string) {
	defer close(d.done)
	defer func() {
		// dst is a response writer; a panic there must not crash the
		// process from a goroutine nobody can recover in.
		if rec := recover(); rec != nil {
			d.err = fmt.Errorf("decoder: panic writing decoded body: %v", rec)
		}
	}()
	src := &feedReader{d: d}
	d.err = decodeInto(dst, src, codings)
}

// decodeInto decodes src into dst and then insists that nothing but EOF
// follows the compressed stream.
func decodeInto(dst io.Writer, src *feedReader, codings []string) error {
	outer := bufio.NewReader(src)
	if _, err := outer.Peek(1); err == io.EOF && src.total == 0 {
		return nil // empty body: nothing was encoded
	} else if errors.Is(err, errAborted) {
		return err
	}
	r := io.Reader(outer)
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}()
	for i := len(codings) - 1; i >= 0; i-- {
		br := outer
		if i != len(codings)-1 {
			br = bufio.NewReader(r)
		}
		cr, err := newCodingReader(br, codings[i])
		if err != nil {
			return fmt.Errorf("decoding %s: %w", codings[i], err)
		}
		closers = append(closers, cr)
		r = cr
	}
	buf := make([]byte, 32<<10)
	if _, err := io.CopyBuffer(dst, onlyReader{r}, buf); err != nil {
		return fmt.Errorf("decoding %v: %w", codings, err)
	}
	if _, err := outer.ReadByte(); err == nil {
		return ErrTrailingData
	} else if err != io.EOF {
		return err
	}
	return nil
}

// onlyReader hides WriterTo so CopyBuffer uses our buffer and loop.
type onlyReader struct{ io.Reader }

// feedReader is the goroutine's view of the chunks handed over by Write.
type feedReader struct {
	d     *DecodingWriter
	cur   []byte
	held  bool // cur came from Write, which waits for our ack
	total int64
}

func (f *feedReader) Read(p []byte) (int, error) {
	for len(f.cur) == 0 {
		if f.held {
			f.held = false
			select {
			case f.d.ack <- struct{}{}:
			case <-f.d.quit:
				return 0, errAborted
			}
		}
		select {
		case b, ok := <-f.d.in:
			if !ok {
				return 0, io.EOF
			}
			f.cur, f.held = b, true
			f.total += int64(len(b))
		case <-f.d.quit:
			return 0, errAborted
		}
	}
	n := copy(p, f.cur)
	f.cur = f.cur[n:]
	return n, nil
}
