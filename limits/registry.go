package limits

import (
	"fmt"
	"sync"
)

// Registry keeps values (key tables, Redis clients) alive across config
// reloads: Caddy provisions the new config before it cleans up the old
// one, so a value acquired under the same identity by both is shared and
// only destroyed when its last user releases it. Like caddy.UsagePool,
// without depending on Caddy.
type Registry[T any] struct {
	mu sync.Mutex
	m  map[string]*regEntry[T]
}

type regEntry[T any] struct {
	v       T
	refs    int
	destroy func(T)
}

// Acquire returns the value registered under id, making it with mk on
// first use. release must be called once when the caller is done; the
// last release calls destroy (if not nil).
func (r *Registry[T]) Acquire(id string, mk func() (T, error), destroy func(T)) (v T, release func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = make(map[string]*regEntry[T])
	}
	e, ok := r.m[id]
	if !ok {
		nv, err := mk()
		if err != nil {
			return v, nil, fmt.Errorf("registry %q: %w", id, err)
		}
		e = &regEntry[T]{v: nv, destroy: destroy}
		r.m[id] = e
	}
	e.refs++
	var once sync.Once
	return e.v, func() {
		once.Do(func() {
			r.mu.Lock()
			e.refs--
			last := e.refs == 0
			if last && r.m[id] == e {
				delete(r.m, id)
			}
			r.mu.Unlock()
			if last && e.destroy != nil {
				e.destroy(e.v)
			}
		})
	}, nil
}

// Len is the number of live entries.
func (r *Registry[T]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}
