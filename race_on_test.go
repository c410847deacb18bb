//go:build race

package gatehouse

// raceEnabled: the race detector slows everything several times over, so
// timing assertions are skipped under it.
const raceEnabled = true
