package measure

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"text/template"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisWorkloadSpec describes a workload against Redis: setup commands, one templated
// write command issued open loop at Rate, and one read command whose reply lists the
// ids Redis holds. A command is its arguments separated by spaces.
type RedisWorkloadSpec struct {
	// URL is the connection: redis://[user:pass@]host:port[/db].
	URL  string
	Rate float64
	// Timeout after which a write's outcome is unknown.
	Timeout time.Duration
	// Setup commands run once, in order, before the trial.
	Setup []string
	// Write is a command whose arguments are text/templates over WriteData, e.g.
	// SADD orders {{.ID}}.
	Write string
	// Read is the command whose reply (an array) lists the ids, e.g. SMEMBERS orders.
	Read string
	// MaxConns bounds the pool's connections (default 16), as an application's pool would.
	MaxConns int
	// Rand draws the id tag and the values' seed; seeded by the run for reproducibility.
	Rand *rand.Rand
}

// RedisWorkload drives Redis through go-redis's pool, one attempt per write (the
// client's retries are off: a retried write would be a second write). A write is
// acknowledged on any reply that is not an error; it failed on an error reply (Redis
// applies nothing it answers with an error) or when it certainly never left (no
// connection); a timeout or a connection broken while it was out is unknown.
type RedisWorkload struct {
	spec   RedisWorkloadSpec
	client *redis.Client
	write  []*template.Template
	writes writeIDs
}

// NewRedisWorkload parses the URL and the write's templates; it connects on Setup.
func NewRedisWorkload(spec RedisWorkloadSpec) (*RedisWorkload, error) {
	if spec.Rate <= 0 || spec.Timeout <= 0 {
		return nil, errors.New("new redis workload: rate and timeout must be greater than 0")
	}
	if spec.Rand == nil {
		spec.Rand = rand.New(rand.NewPCG(1, 2))
	}
	opts, err := redis.ParseURL(spec.URL)
	if err != nil {
		return nil, fmt.Errorf("new redis workload: parse url: %w", err)
	}
	opts.MaxRetries = -1
	if opts.TLSConfig == nil {
		opts.Dialer = redisDial
	}
	opts.ContextTimeoutEnabled = true // the context's deadline (Timeout) bounds each write
	opts.PoolSize = spec.MaxConns
	if opts.PoolSize <= 0 {
		opts.PoolSize = DefaultSQLMaxConns
	}
	opts.PoolTimeout = spec.Timeout
	w := &RedisWorkload{spec: spec, writes: newWriteIDs(spec.Rand)}
	for i, arg := range strings.Fields(spec.Write) {
		t, err := w.writes.parseWriteTemplate(fmt.Sprintf("argument %d", i+1), arg)
		if err != nil {
			return nil, fmt.Errorf("new redis workload: %w", err)
		}
		w.write = append(w.write, t)
	}
	if len(w.write) == 0 {
		return nil, errors.New("new redis workload: write is empty")
	}
	w.client = redis.NewClient(opts)
	return w, nil
}

// Prefix is the start of every id this workload writes ("w-<tag>-").
func (w *RedisWorkload) Prefix() string { return w.writes.prefix }

// Setup connects and runs the setup commands in order.
func (w *RedisWorkload) Setup(ctx context.Context) error {
	if err := w.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	for i, c := range w.spec.Setup {
		if err := w.client.Do(ctx, args(strings.Fields(c))...).Err(); err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("setup command %d: %w", i+1, err)
		}
	}
	return nil
}

// Run issues writes on the shared open-loop schedule (one every 1/Rate) and records
// each in h, then the Load the schedule achieved.
func (w *RedisWorkload) Run(ctx context.Context, clock Clock, h *History) {
	w.writes.run(ctx, clock, h, w.spec.Rate, w.spec.Timeout, w.write1)
}

// write1 sends one write command.
func (w *RedisWorkload) write1(ctx context.Context, d WriteData) (Outcome, string) {
	cmd := make([]any, len(w.write))
	for i, t := range w.write {
		a, err := render(t, d)
		if err != nil {
			return Fail, err.Error()
		}
		cmd[i] = a
	}
	return RedisOutcome(w.client.Do(ctx, cmd...).Err())
}

// redisDial opens a connection and has Redis answer a PING on it before go-redis gets
// it. A front proxy accepts a connection whose upstream is gone and closes it at once:
// without the PING, the write that opened the connection would meet that close as a
// broken connection, unknown, though it never reached a server. A failed PING is a dial
// error (NotSent): the write failed. Any reply line, +PONG or an error such as NOAUTH
// before AUTH, proves a live server.
func redisDial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	line, err := func() (string, error) {
		if _, err := c.Write([]byte("PING\r\n")); err != nil {
			return "", err
		}
		return bufio.NewReader(io.LimitReader(c, 512)).ReadString('\n')
	}()
	if err != nil || (!strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "-")) {
		c.Close()
		if err == nil {
			err = fmt.Errorf("unexpected answer %q to PING", line)
		}
		return nil, &net.OpError{Op: "dial", Net: network, Addr: c.RemoteAddr(), Err: err}
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// poolTimeout is go-redis's error when no pooled connection came free in time (its
// internal pool.ErrPoolTimeout, which v9.7 does not export): the command never left.
const poolTimeout = "redis: connection pool timeout"

// RedisOutcome classifies a write command's result: no error (or a nil reply) is
// acknowledged; an error reply, or an error before anything was sent, is a failure;
// anything else is unknown.
func RedisOutcome(err error) (Outcome, string) {
	var re redis.Error
	switch {
	case err == nil, errors.Is(err, redis.Nil):
		return OK, ""
	case errors.As(err, &re):
		return Fail, re.Error()
	case NotSent(err), err.Error() == poolTimeout: // never left: no connection
		return Fail, err.Error()
	}
	return Unknown, err.Error()
}

// FinalRead runs the read and returns the ids of its reply that this workload wrote (a
// read that could not connect is tried again: readRetry).
func (w *RedisWorkload) FinalRead(ctx context.Context) ([]string, error) {
	var all []string
	err := readRetry(ctx, func() error {
		var err error
		all, err = w.client.Do(ctx, args(strings.Fields(w.spec.Read))...).StringSlice()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read back: %w", err)
	}
	return w.writes.own(all), nil
}

// Close closes the pool.
func (w *RedisWorkload) Close() error { return w.client.Close() }

// args is a command's arguments as go-redis takes them.
func args(fields []string) []any {
	out := make([]any, len(fields))
	for i, f := range fields {
		out[i] = f
	}
	return out
}
