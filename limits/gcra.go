package limits

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxLimits is the most limits one rule (or one tier of a rule) may
// combine. Results carry fixed-size arrays of this length so that a
// decision allocates nothing.
const MaxLimits = 4

// Clock returns the current time in nanoseconds. Tests inject their own.
type Clock func() int64

// MonotonicClock is the default clock: Unix nanoseconds at process start
// plus Go's monotonic elapsed time, so it never goes backwards while the
// process runs (a wall-clock step does not unlock or lock out a key).
func MonotonicClock() Clock {
	base := time.Now()
	unix := base.UnixNano()
	return func() int64 { return unix + int64(time.Since(base)) }
}

// Limit is one rate limit or quota: Count requests per Period, with up to
// Burst requests at once.
type Limit struct {
	// Name identifies the limit in the RateLimit-Policy header and in
	// decision logs.
	Name string
	// Count is the number of requests allowed per Period. Required.
	Count int64
	// Period is the time Count refers to. Required.
	Period time.Duration
	// Burst is how many requests may arrive at once. Default: Count.
	Burst int64
	// Quota marks the limit as a quota (its refusals have reason "quota"
	// instead of "rate_limited").
	Quota bool
}

// Interval is the GCRA emission interval T = Period/Count (at least 1 ns).
func (l Limit) Interval() int64 {
	if l.Count <= 0 {
		return int64(l.Period)
	}
	return max(int64(l.Period)/l.Count, 1)
}

// Tolerance is tau = T × Burst.
func (l Limit) Tolerance() int64 {
	return l.Interval() * l.burst()
}

func (l Limit) burst() int64 {
	if l.Burst > 0 {
		return l.Burst
	}
	return l.Count
}

// Validate checks the limit's numbers.
func (l Limit) Validate() error {
	if l.Count <= 0 {
		return fmt.Errorf("limit %q: count must be positive", l.Name)
	}
	if l.Period <= 0 {
		return fmt.Errorf("limit %q: period must be positive", l.Name)
	}
	if l.Burst < 0 {
		return fmt.Errorf("limit %q: burst must not be negative", l.Name)
	}
	if int64(l.Period)/l.Count == 0 {
		return fmt.Errorf("limit %q: more than one request per nanosecond", l.Name)
	}
	if l.Interval() > (1<<62)/max(l.burst(), 1) {
		return fmt.Errorf("limit %q: burst × interval overflows", l.Name)
	}
	return nil
}

// ParseRate reads "<count>/<unit>" where unit is s, m, h, d (also second,
// minute, hour, day) or a Go duration ("100/10s", "5/1m30s").
func ParseRate(s string) (count int64, period time.Duration, err error) {
	num, unit, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("rate %q: expected <count>/<period>, e.g. 20/s or 10000/day", s)
	}
	count, err = strconv.ParseInt(num, 10, 64)
	if err != nil || count <= 0 {
		return 0, 0, fmt.Errorf("rate %q: count must be a positive integer", s)
	}
	switch unit {
	case "s", "sec", "second":
		period = time.Second
	case "m", "min", "minute":
		period = time.Minute
	case "h", "hour":
		period = time.Hour
	case "d", "day":
		period = 24 * time.Hour
	default:
		period, err = time.ParseDuration(unit)
		if err != nil || period <= 0 {
			return 0, 0, fmt.Errorf("rate %q: unknown period %q (s, m, h, day or a duration)", s, unit)
		}
	}
	if int64(period)/count == 0 {
		return 0, 0, errors.New("rate " + strconv.Quote(s) + ": more than one request per nanosecond")
	}
	return count, period, nil
}

// backwardsSlack is how far the clock may seem to go back before a TAT is
// clamped: a step back of up to this costs a key at most this much wait.
const backwardsSlack = int64(time.Second)

// step is one GCRA evaluation of limit l for a key whose stored TAT is tat,
// at time now. It returns whether the request conforms, the TAT to store
// if it does, and the figures for headers: remaining requests, time until
// the bucket is full again, and (when refused) the wait until the request
// would conform.
func step(tat, now, interval, tau int64) (ok bool, newTAT, remaining, reset, retry int64) {
	if tat < now {
		tat = now
	} else if tat > now+tau+backwardsSlack {
		// Only a clock that went backwards puts the TAT this far ahead:
		// count the burst as used, not the clock step as debt. Smaller
		// steps are the normal jitter of concurrent callers that read the
		// clock before taking the lock, and must not hand back tokens.
		tat = now + tau
	}
	newTAT = tat + interval
	allowAt := newTAT - tau
	if now < allowAt {
		return false, tat, 0, tat - now, allowAt - now
	}
	return true, newTAT, (now + tau - newTAT) / interval, newTAT - now, 0
}
