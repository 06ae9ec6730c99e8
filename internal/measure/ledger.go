package measure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Ledger is the workload for drill's ledger fixture: client-id'd transfers between a
// fixed set of accounts, issued open-loop at a fixed rate, recorded in a History.
type Ledger struct {
	// Endpoint is host:port of the service (its front proxy).
	Endpoint string
	Rate     float64
	Accounts int
	Timeout  time.Duration
	// Rand chooses accounts and amounts; seeded by the run for reproducibility.
	Rand *rand.Rand

	client *http.Client
}

// OpeningBalance is every account's opening balance: the ledger holds
// Accounts × OpeningBalance in all, whatever transfers ran.
const OpeningBalance = 1_000_000

func (l *Ledger) init() {
	if l.client == nil {
		l.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	}
}

// Setup opens the accounts transfers move money between.
func (l *Ledger) Setup(ctx context.Context) error {
	l.init()
	for i := 0; i < l.Accounts; i++ {
		body := map[string]any{"id": accountID(i), "balance": OpeningBalance}
		status, _, err := l.post(ctx, "/accounts", body)
		if err != nil {
			return fmt.Errorf("open account %s: %w", accountID(i), err)
		}
		if status != http.StatusCreated && status != http.StatusOK {
			return fmt.Errorf("open account %s: status %d", accountID(i), status)
		}
	}
	return nil
}

// Run issues transfers on schedule (every 1/Rate), each in its own goroutine so a
// stalled service shows as latency and unknown outcomes, never as missing samples.
// It stops issuing when ctx ends and returns once every operation has completed.
func (l *Ledger) Run(ctx context.Context, clock Clock, h *History) {
	l.init()
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(time.Duration(float64(time.Second) / l.Rate))
	defer tick.Stop()
	for seq := 1; ; seq++ {
		from := l.Rand.IntN(l.Accounts)
		to := (from + 1 + l.Rand.IntN(l.Accounts-1)) % l.Accounts
		body := map[string]any{
			"id": fmt.Sprintf("t-%d", seq), "from": accountID(from), "to": accountID(to),
			"amount": 1 + l.Rand.IntN(100),
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.Add(l.transfer(ctx, clock, body))
		}()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (l *Ledger) transfer(ctx context.Context, clock Clock, body map[string]any) Op {
	op := Op{ID: body["id"].(string), Value: int64(body["amount"].(int)), Invoke: clock.Now()}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.Timeout)
	defer cancel()
	status, _, err := l.post(ctx, "/transfers", body)
	op.Complete = clock.Now()
	switch {
	case err != nil && notSent(err):
		op.Outcome, op.Err = Fail, shortErr(err)
	case err != nil:
		op.Outcome, op.Err = Unknown, shortErr(err)
	case status == http.StatusOK:
		op.Outcome = OK
	case status >= 400 && status < 600:
		// The fixture applies nothing it answers with an error.
		op.Outcome, op.Err = Fail, fmt.Sprintf("status %d", status)
	default:
		op.Outcome, op.Err = Unknown, fmt.Sprintf("status %d", status)
	}
	return op
}

// notSent tells the errors after which the request certainly never reached the service.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// FinalRead returns the id of every transfer the service holds.
func (l *Ledger) FinalRead(ctx context.Context) ([]string, error) {
	l.init()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+l.Endpoint+"/transfers", nil)
	if err != nil {
		return nil, fmt.Errorf("read transfers: %w", err)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read transfers: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read transfers: status %d", resp.StatusCode)
	}
	var out struct {
		IDs []string `json:"ids"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("read transfers: %w", err)
	}
	return out.IDs, nil
}

func (l *Ledger) post(ctx context.Context, path string, body any) (int, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+l.Endpoint+path, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, out, err
}

func accountID(i int) string { return fmt.Sprintf("a%d", i) }
