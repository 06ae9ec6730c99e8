package check

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/drillhq/drill/internal/measure"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// KVClient drives the ledger's key-value API (PUT and GET /kv/{key}) and records each
// operation in a history for Linearizable, times taken on the monotonic clock since
// base. It is safe for concurrent use by many logical clients.
type KVClient struct {
	endpoint string
	base     time.Time
	o        options
	mu       sync.Mutex
	ops      []KVOp
}

// NewKVClient returns a recording client of the ledger at endpoint (host:port) whose
// times are offsets from base (a trial's clock base; its monotonic reading is used).
func NewKVClient(endpoint string, base time.Time, opts ...Option) *KVClient {
	return &KVClient{endpoint: endpoint, base: base, o: newOptions(opts)}
}

// Put writes value to key as client. A write certainly not applied (refused, an error
// status) is not recorded; one without an answer is recorded as Unknown.
func (c *KVClient) Put(ctx context.Context, client int, key, value string) error {
	body, _ := json.Marshal(map[string]string{"value": value})
	op := KVOp{ClientID: client, Key: key, Kind: Write, Value: value, Call: time.Since(c.base)}
	code, _, err := c.do(ctx, http.MethodPut, key, body)
	op.Return = time.Since(c.base)
	switch {
	case err != nil && measure.NotSent(err):
		return fmt.Errorf("put %s: %w", key, err)
	case err != nil:
		op.Unknown = true
		c.record(op)
		return fmt.Errorf("put %s: %w", key, err)
	case code != http.StatusOK:
		return fmt.Errorf("put %s: status %d", key, code)
	}
	c.record(op)
	return nil
}

// Get reads key as client: its value and whether it was found. A read without a
// definite answer is not recorded.
func (c *KVClient) Get(ctx context.Context, client int, key string) (string, bool, error) {
	op := KVOp{ClientID: client, Key: key, Kind: Read, Call: time.Since(c.base)}
	code, body, err := c.do(ctx, http.MethodGet, key, nil)
	op.Return = time.Since(c.base)
	if err != nil {
		return "", false, fmt.Errorf("get %s: %w", key, err)
	}
	switch code {
	case http.StatusNotFound:
	case http.StatusOK:
		var v struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return "", false, fmt.Errorf("decode %s: %w", key, err)
		}
		op.Value, op.Found = v.Value, true
	default:
		return "", false, fmt.Errorf("get %s: status %d", key, code)
	}
	c.record(op)
	return op.Value, op.Found, nil
}

// History returns the recorded operations in completion order.
func (c *KVClient) History() []KVOp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]KVOp(nil), c.ops...)
}

func (c *KVClient) record(op KVOp) {
	c.mu.Lock()
	c.ops = append(c.ops, op)
	c.mu.Unlock()
}

func (c *KVClient) do(ctx context.Context, method, key string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.o.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.endpoint+"/kv/"+url.PathEscape(key), bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.o.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, err = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.Bytes(), err
}
