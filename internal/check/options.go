package check

import (
	"net/http"
	"time"
)

// defaultTimeout bounds a user-defined check or a fetch when no timeout is given.
const defaultTimeout = 10 * time.Second

// Option configures a fetcher, a KV client or a user-defined check.
type Option func(*options)

type options struct {
	timeout time.Duration
	client  *http.Client
	dir     string
	env     []string
}

// WithTimeout bounds each check or request (default 10s).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithHTTPClient sets the HTTP client (default: a private one).
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithDir sets a command check's working directory.
func WithDir(dir string) Option { return func(o *options) { o.dir = dir } }

// WithEnv adds KEY=VALUE entries to a command check's environment.
func WithEnv(env ...string) Option { return func(o *options) { o.env = append(o.env, env...) } }

func newOptions(opts []Option) options {
	o := options{timeout: defaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.client == nil {
		o.client = &http.Client{Transport: &http.Transport{DisableCompression: true}}
	}
	return o
}
