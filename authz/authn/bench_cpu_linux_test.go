package authn

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time used by the calling OS thread
// (RUSAGE_THREAD), so interleaved benchmarks can compare CPU cost on a
// machine shared with other load.
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
