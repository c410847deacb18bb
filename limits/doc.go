// Package limits is the engine of Gatehouse's abuse_control module: rate
// limits and quotas (GCRA), per-key concurrency limits, fail2ban-like bans,
// bounded key tables, and a Redis backend that shares all of them across a
// fleet. It knows nothing of Caddy; the root package adapts it.
//
// # GCRA
//
// Every rate limit and quota is a Generic Cell Rate Algorithm: a limit of
// Count requests per Period has an emission interval T = Period/Count and a
// burst capacity Burst (default Count), which gives a tolerance
// tau = T × Burst. Each key stores a single number, its theoretical arrival
// time (TAT): the instant at which the key would be back to an empty
// bucket. A request at time now is
//
//	tat    = max(TAT, now)
//	newTAT = tat + T
//	allowed  iff  newTAT − tau ≤ now     (then TAT = newTAT)
//	otherwise retry after (newTAT − tau) − now
//
// That is a token bucket of Burst tokens refilled one every T, computed
// exactly (no windows, no rounding between windows, no double burst at a
// window boundary) with one int64 per key and limit: O(1) memory and O(1)
// time. Remaining requests are (now + tau − newTAT) / T; the bucket is full
// again at newTAT. A rule with several limits (20/s burst 40 and 10000/day)
// keeps one TAT per limit and admits a request only if every limit does;
// a refused request consumes nothing, so a client hammering a full bucket
// does not push its own recovery further away.
//
// # Time
//
// Time is nanoseconds from an injectable Clock. The default clock is
// monotonic (a wall-clock base plus Go's monotonic elapsed time), so it
// never goes backwards within a process. An injected clock, or Redis's
// TIME after a server clock step, may: a TAT further ahead than now + tau
// (plus one second of slack for concurrent callers that read the clock
// before taking the lock) can only come from a clock that went back, and is
// clamped to now + tau.
// The key then counts as having used its burst and refills at its normal
// rate; it is never locked out for the length of the clock step.
//
// # Key tables
//
// Keys live in a Table: 64 shards, each a map from a 64-bit seeded hash
// (hash/maphash; the seed is per process, so nobody can aim collisions at
// a key) to a slot in flat arrays, bounded by a maximum number of keys.
// When a shard is full, a CLOCK sweep (second-chance LRU: a slot touched
// since the hand last passed keeps its place once) picks the slot to
// reuse. A flood of distinct keys therefore costs at most the configured
// table size; the price is that an evicted key starts again with a full
// bucket, which is why a busy key (touched between sweeps) is not the one
// evicted. The key string itself is not stored: only its hash.
//
// # Bans
//
// A ban key (client IP or claimed identity) collects strikes (blocks by
// other modules). Strikes are counted in a window that opens at the first
// strike; the strike that reaches the threshold bans the key for the ban
// time and resets the count.
//
// # Redis
//
// Store runs one Lua script per decision (EVALSHA, EVAL after a Redis
// restart flushed the script cache) that checks bans, evaluates every
// limit, takes a concurrency slot and writes the new TATs, atomically and
// in one round trip, with Redis's own TIME as the clock shared by every
// instance. Every key has a TTL (a TAT expires when its bucket is full
// again, a concurrency slot after its lease, a strike count after its
// window, a ban after its time), so nothing is left behind.
package limits
