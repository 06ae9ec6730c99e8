package check

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Ledger captures the data the ledger checks judge from a live ledger at endpoint
// (host:port), each request bounded by the timeout option.
type Ledger struct {
	endpoint string
	o        options
}

// NewLedger returns a fetcher for the ledger at endpoint (host:port).
func NewLedger(endpoint string, opts ...Option) *Ledger {
	return &Ledger{endpoint: endpoint, o: newOptions(opts)}
}

// State captures every balance (GET /accounts) and the applied transfers (GET
// /transfers).
func (l *Ledger) State(ctx context.Context) (LedgerState, error) {
	var s LedgerState
	var acc struct {
		Accounts map[string]int64 `json:"accounts"`
	}
	if err := l.get(ctx, "/accounts", &acc); err != nil {
		return s, err
	}
	var tr struct {
		IDs       []string   `json:"ids"`
		Transfers []Transfer `json:"transfers"`
	}
	if err := l.get(ctx, "/transfers", &tr); err != nil {
		return s, err
	}
	return LedgerState{Balances: acc.Accounts, IDs: tr.IDs, Transfers: tr.Transfers}, nil
}

// Schema captures the schema versions (GET /schema) and the release (GET /version).
func (l *Ledger) Schema(ctx context.Context) (SchemaInfo, error) {
	var s SchemaInfo
	if err := l.get(ctx, "/schema", &s); err != nil {
		return s, err
	}
	var v struct {
		Release string `json:"release"`
	}
	if err := l.get(ctx, "/version", &v); err != nil {
		return s, err
	}
	s.Release = v.Release
	return s, nil
}

func (l *Ledger) get(ctx context.Context, path string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, l.o.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+l.endpoint+path, nil)
	if err != nil {
		return fmt.Errorf("get %s: %w", path, err)
	}
	resp, err := l.o.client.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		return fmt.Errorf("get %s: status %d: %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}
