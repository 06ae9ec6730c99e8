package measure

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// writeIDs draws a workload's write ids and values: ids "w-<tag>-<seq>" with a tag
// random per workload, so its final read judges only its own writes (a shared store's
// other data and earlier trials' writes are not this trial's), and values that depend
// only on the seed and seq, so a run is reproducible whatever order writes run in.
type writeIDs struct {
	prefix string
	seed   uint64
}

// newWriteIDs draws the tag and the values' seed from r.
func newWriteIDs(r *rand.Rand) writeIDs {
	prefix := fmt.Sprintf("w-%06x-", r.Uint32()&0xffffff)
	return writeIDs{prefix: prefix, seed: r.Uint64()}
}

// data is write seq's template data.
func (w writeIDs) data(seq int) WriteData {
	r := rand.New(rand.NewPCG(w.seed, uint64(seq)))
	return WriteData{ID: w.prefix + strconv.Itoa(seq), Seq: seq, Value: 1 + r.Int64N(1_000_000)}
}

// own keeps the ids of all that this workload wrote.
func (w writeIDs) own(all []string) []string {
	ids := make([]string, 0, len(all))
	for _, id := range all {
		if strings.HasPrefix(id, w.prefix) {
			ids = append(ids, id)
		}
	}
	return ids
}

// parseWriteTemplate parses text as a write's template and tries it once on sample data,
// so a misspelled placeholder fails when the workload is built, not per write.
func (w writeIDs) parseWriteTemplate(name, text string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err == nil {
		err = t.Execute(io.Discard, w.data(1))
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return t, nil
}

// render runs t over d.
func render(t *template.Template, d WriteData) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render write: %w", err)
	}
	return b.String(), nil
}

// run issues write for writes 1, 2, ... on the shared open-loop schedule (one every
// 1/rate), each with its own context bounded by timeout (a write in flight when ctx ends
// completes), records each in h with the outcome write returns, then the Load the
// schedule achieved. It returns once every write completed.
func (w writeIDs) run(ctx context.Context, clock Clock, h *History, rate float64, timeout time.Duration,
	write func(ctx context.Context, d WriteData) (Outcome, string)) {
	h.SetLoad(PacedWorkers(ctx, ConstantPacer{Rate: rate}, MaxWorkers(rate, timeout), func(seq int) {
		d := w.data(seq + 1)
		op := Op{ID: d.ID, Value: d.Value, Invoke: clock.Now()}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		op.Outcome, op.Err = write(wctx, d)
		cancel()
		op.Complete = clock.Now()
		h.Add(op)
	}))
}

// readAttempts is how many times a final read is tried when it could not connect.
const readAttempts = 3

// readRetry runs read until it succeeds, fails after connecting, or has been tried
// readAttempts times, a tenth of a second apart: a read changes nothing, and a
// connection refused just after recovery (a pool's dead connection, a proxy closing
// one it could not pass on yet) says nothing about what the database holds.
func readRetry(ctx context.Context, read func() error) error {
	var err error
	for i := 0; i < readAttempts; i++ {
		if err = read(); err == nil || !NotSent(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
	return err
}
