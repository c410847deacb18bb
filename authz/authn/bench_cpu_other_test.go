//go:build !linux

package authn

import "time"

// threadCPU is unavailable here; the CPU ratio is then not reported.
func threadCPU() time.Duration { return 0 }
