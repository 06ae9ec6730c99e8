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

	client *pool
}

// OpeningBalance is every account's opening balance: the ledger holds
// Accounts × OpeningBalance in all, whatever transfers ran.
const OpeningBalance = 1_000_000

func (l *Ledger) init() {
	if l.client == nil {
		l.client = newPool(l.Rate)
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
// stalled service shows as latency and unknown outcomes, never as missing samples, and
// records in h the Load the schedule achieved.
// It stops issuing when ctx ends and returns once every operation has completed.
// Transfer n's accounts and amount depend only on Rand's state at the start and n,
// so a seed reproduces the same transfers whatever the scheduling.
func (l *Ledger) Run(ctx context.Context, clock Clock, h *History) {
	l.init()
	l.client.warm(ctx, l.Endpoint)
	defer l.client.release()
	seed := l.Rand.Uint64()
	h.SetLoad(PacedWorkers(ctx, ConstantPacer{Rate: l.Rate}, MaxWorkers(l.Rate, l.Timeout), func(seq int) {
		r := rand.New(rand.NewPCG(seed, uint64(seq)))
		from := r.IntN(l.Accounts)
		to := (from + 1 + r.IntN(l.Accounts-1)) % l.Accounts
		body := map[string]any{
			"id": fmt.Sprintf("t-%d", seq+1), "from": accountID(from), "to": accountID(to),
			"amount": 1 + r.IntN(100),
		}
		h.Add(l.transfer(ctx, clock, body))
	}))
}

func (l *Ledger) transfer(ctx context.Context, clock Clock, body map[string]any) Op {
	op := Op{ID: body["id"].(string), Value: int64(body["amount"].(int)), Invoke: clock.Now()}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.Timeout)
	defer cancel()
	status, _, err := l.post(ctx, "/transfers", body)
	op.Complete = clock.Now()
	// The fixture applies nothing it answers with an error.
	op.Outcome, op.Err = outcomeOf(status, err,
		func(s int) bool { return s == http.StatusOK },
		func(s int) bool { return s >= 400 && s < 600 })
	return op
}

// NotSent tells the transport errors after which a request certainly never reached the
// service (the connection was never made): such a write certainly did not happen.
func NotSent(err error) bool {
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
