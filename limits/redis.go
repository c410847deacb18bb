package limits

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisConfig addresses a Redis deployment.
type RedisConfig struct {
	// Addrs are host:port addresses: one server, the seed nodes of a
	// Cluster, or the Sentinels when MasterName is set.
	Addrs []string
	// MasterName selects Sentinel mode: the name of the monitored master.
	MasterName string
	// Cluster selects Redis Cluster mode.
	Cluster bool
	// Username and Password authenticate (AUTH / ACL).
	Username, Password string
	// SentinelPassword authenticates to the Sentinels.
	SentinelPassword string
	// DB is the database number (standalone and Sentinel).
	DB int
	// TLS, when not nil, encrypts connections.
	TLS *tls.Config
	// Timeout bounds each decision (dial, write, read). Default 5ms.
	Timeout time.Duration
	// PoolSize is the most connections per node. Default: go-redis's
	// (10 per CPU).
	PoolSize int
	// Prefix starts every key; it is also the Cluster hash tag, since one
	// Lua script may only touch keys of one slot. Default "gatehouse".
	Prefix string
	// Backoff is how long the store is skipped after an error before it is
	// tried again. Default 1s.
	Backoff time.Duration
}

// Store is the shared backend: limits, concurrency slots and bans in Redis.
type Store struct {
	client    redis.UniversalClient
	tag       string
	timeout   time.Duration
	backoff   int64
	downUntil atomic.Int64
	clock     Clock
}

// quietLogger drops go-redis's own log lines (dial failures during an
// outage, one per attempt): the handler logs failures itself, rate-limited
// and with the fail mode.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

var silenceOnce sync.Once

// NewStore connects lazily (go-redis dials on first use) and never fails
// because Redis is down: that is a per-decision error for the fail mode.
func NewStore(cfg RedisConfig) (*Store, error) {
	if len(cfg.Addrs) == 0 {
		return nil, errors.New("redis: no address")
	}
	silenceOnce.Do(func() { redis.SetLogger(quietLogger{}) })
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Millisecond
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "gatehouse"
	}
	opts := &redis.UniversalOptions{
		Addrs:            cfg.Addrs,
		MasterName:       cfg.MasterName,
		IsClusterMode:    cfg.Cluster,
		Username:         cfg.Username,
		Password:         cfg.Password,
		SentinelPassword: cfg.SentinelPassword,
		DB:               cfg.DB,
		TLSConfig:        cfg.TLS,
		PoolSize:         cfg.PoolSize,
		// A decision that misses its deadline falls back; retrying
		// would only make it later.
		MaxRetries:            -1,
		DialTimeout:           max(cfg.Timeout, 100*time.Millisecond),
		ReadTimeout:           cfg.Timeout,
		WriteTimeout:          cfg.Timeout,
		ContextTimeoutEnabled: true,
		ClientName:            "gatehouse-abuse-control",
		// RESP2: the scripts return flat integer arrays; nothing here
		// needs RESP3's types.
		Protocol: 2,
	}
	if cfg.Cluster && cfg.DB != 0 {
		return nil, errors.New("redis: db must be 0 in cluster mode")
	}
	return &Store{
		client:  redis.NewUniversalClient(opts),
		tag:     "{" + cfg.Prefix + "}:",
		timeout: cfg.Timeout,
		backoff: int64(cfg.Backoff),
		clock:   MonotonicClock(),
	}, nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.client.Close() }

// Ping checks the connection (used at provision to warn early).
func (s *Store) Ping(ctx context.Context) error { return s.client.Ping(ctx).Err() }

// Available says whether the store is worth trying: after an error it is
// skipped for the backoff, so an outage costs one timeout per backoff
// period instead of one per request.
func (s *Store) Available() bool { return s.clock() >= s.downUntil.Load() }

func (s *Store) failed(err error) error {
	s.downUntil.Store(s.clock() + s.backoff)
	return err
}

// Key builds a Redis key: the hash tag, a kind, a name and a fixed-length
// digest of the caller's key (the raw key, which may be an address or an
// identity, is not stored in Redis).
func (s *Store) Key(kind, name string, key []byte) string {
	sum := sha256.Sum256(key)
	var b [22]byte
	base64.RawURLEncoding.Encode(b[:], sum[:16])
	return s.tag + kind + ":" + name + ":" + string(b[:])
}

// Decision is one request's question to the store.
type Decision struct {
	// BanKeys are checked first: any of them banned refuses the request.
	BanKeys []string
	// LimitKeys holds one key per limit in Limits (one TAT each).
	LimitKeys []string
	Limits    []Limit
	// ConcurrencyKey and Concurrency take an in-flight slot (a sorted set
	// of leases) when Concurrency > 0; Lease bounds how long a slot of a
	// crashed instance stays taken.
	ConcurrencyKey string
	Concurrency    int64
	Lease          time.Duration
	Token          string
}

// Outcome is the store's answer.
type Outcome struct {
	Result
	// Banned: a ban key is banned for BanLeft more nanoseconds; BanIndex
	// says which.
	Banned   bool
	BanIndex int
	BanLeft  int64
	// ConcurrencyFull: every slot is taken.
	ConcurrencyFull bool
}

// decideScript: see the package doc. Times are microseconds (Lua numbers
// are doubles: nanoseconds since 1970 would lose precision). Results:
// {code, index, retry_us, now_us, remaining_1, reset_us_1, ...} with code
// 0 allowed, 1 banned, 2 limited, 3 concurrency full.
var decideScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nb, nl, conc = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 1, nb do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > 0 then return {1, i, ttl * 1000, now} end
end
local out = {0, 0, 0, now}
local tats, newtat = {}, {}
local denied, retry = 0, 0
for i = 1, nl do
  local T, tau = tonumber(ARGV[4 + 2 * i]), tonumber(ARGV[5 + 2 * i])
  local tat = tonumber(redis.call('GET', KEYS[nb + i]) or 0)
  if tat < now then tat = now elseif tat > now + tau + 1000000 then tat = now + tau end
  tats[i] = tat
  local nt = tat + T
  local allow_at = nt - tau
  if now < allow_at then
    if allow_at - now > retry then retry, denied = allow_at - now, i end
  else
    newtat[i] = nt
  end
end
for i = 1, nl do
  local T, tau = tonumber(ARGV[4 + 2 * i]), tonumber(ARGV[5 + 2 * i])
  local t = newtat[i]
  if denied > 0 or not t then t = tats[i] end
  -- remaining and reset as they stand after this decision
  out[#out + 1] = math.max(math.floor((now + tau - t) / T), 0)
  out[#out + 1] = t - now
  if denied > 0 and not newtat[i] then
    -- refused by this limit: nothing is left until the retry time
    out[#out - 1] = 0
  end
end
if denied > 0 then
  out[1], out[2], out[3] = 2, denied, retry
  return out
end
if conc > 0 then
  local ck = KEYS[nb + nl + 1]
  redis.call('ZREMRANGEBYSCORE', ck, '-inf', now)
  if redis.call('ZCARD', ck) >= conc then
    out[1] = 3
    return out
  end
  local lease = tonumber(ARGV[4])
  redis.call('ZADD', ck, now + lease, ARGV[5])
  redis.call('PEXPIRE', ck, math.ceil(lease / 1000) + 1000)
end
for i = 1, nl do
  redis.call('SET', KEYS[nb + i], string.format('%d', newtat[i]), 'PX', math.ceil((newtat[i] - now) / 1000) + 1)
end
return out
`)

// strikeScript counts a strike and bans at the threshold: KEYS strike
// counter, ban; ARGV threshold, window ms, ban ms. Returns 1 when this
// strike started the ban.
var strikeScript = redis.NewScript(`
if redis.call('PTTL', KEYS[2]) > 0 then return 0 end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n >= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return 1
end
return 0
`)

// Decide runs one decision in one round trip.
func (s *Store) Decide(ctx context.Context, d *Decision) (Outcome, error) {
	if len(d.LimitKeys) != len(d.Limits) || len(d.Limits) > MaxLimits {
		return Outcome{}, errors.New("redis: one key per limit, at most MaxLimits")
	}
	keys := make([]string, 0, len(d.BanKeys)+len(d.LimitKeys)+1)
	keys = append(keys, d.BanKeys...)
	keys = append(keys, d.LimitKeys...)
	args := make([]any, 0, 5+2*len(d.Limits))
	args = append(args, len(d.BanKeys), len(d.LimitKeys), d.Concurrency, d.Lease.Microseconds(), d.Token)
	if d.Concurrency > 0 {
		keys = append(keys, d.ConcurrencyKey)
	}
	for _, l := range d.Limits {
		args = append(args, max(l.Interval()/1000, 1), max(l.Tolerance()/1000, 1))
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	vals, err := decideScript.Run(ctx, s.client, keys, args...).Int64Slice()
	if err != nil {
		return Outcome{}, s.failed(fmt.Errorf("redis: decide: %w", err))
	}
	if len(vals) < 4 {
		return Outcome{}, s.failed(fmt.Errorf("redis: decide: short reply (%d values)", len(vals)))
	}
	out := Outcome{Result: Result{Allowed: vals[0] == 0, Denied: -1, N: len(d.Limits)}}
	switch vals[0] {
	case 1:
		out.Banned, out.BanIndex, out.BanLeft = true, int(vals[1])-1, vals[2]*1000
		out.N = 0
		return out, nil
	case 2:
		out.Denied, out.RetryAfter = int(vals[1])-1, vals[2]*1000
	case 3:
		out.ConcurrencyFull = true
	}
	for i := range len(d.Limits) {
		if 4+2*i+1 < len(vals) {
			out.Remaining[i], out.Reset[i] = vals[4+2*i], vals[5+2*i]*1000
		}
	}
	return out, nil
}

// Strike records a strike against banKey (with its strike counter at
// strikeKey) and reports whether it started a ban.
func (s *Store) Strike(ctx context.Context, strikeKey, banKey string, threshold int64, window, banTime time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	n, err := strikeScript.Run(ctx, s.client, []string{strikeKey, banKey},
		threshold, window.Milliseconds(), banTime.Milliseconds()).Int64()
	if err != nil {
		return false, s.failed(fmt.Errorf("redis: strike: %w", err))
	}
	return n == 1, nil
}

// Release gives back a concurrency slot.
func (s *Store) Release(ctx context.Context, key, token string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.client.ZRem(ctx, key, token).Err(); err != nil {
		return s.failed(fmt.Errorf("redis: release: %w", err))
	}
	return nil
}

// tokenSeq numbers concurrency leases within the process.
var tokenSeq atomic.Uint64

// NewToken is a lease token unique across instances: a per-process random
// prefix and a sequence number.
func NewToken(instance string) string {
	return instance + strconv.FormatUint(tokenSeq.Add(1), 36)
}
