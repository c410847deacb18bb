//go:build !race

package gatehouse

const raceEnabled = false
