package stack_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/stack"
)

func TestScratch(t *testing.T) {
	os.Setenv("DRILL_FIXTURE_DIR", "/tmp/drillfix")
	rt, err := stack.NewDocker()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := rt.Up(ctx, ledgerStack())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Down(ctx)
	svc, _ := st.Service("ledger")
	d := svc.(stack.Disconnector)
	if os.Getenv("KILLFIRST") != "" {
		c := svc.(stack.Controller)
		c.Kill(ctx)
		s := time.Now()
		t.Logf("restart %v %v", c.Restart(ctx), time.Since(s))
		t.Logf("probe %v", healthy(svc.Endpoint())())
		c.Pause(ctx, true)
		t.Logf("probe %v", healthy(svc.Endpoint())())
		c.Pause(ctx, false)
		t.Logf("probe %v", healthy(svc.Endpoint())())
	}
	for round := 0; round < 6; round++ {
		s0 := time.Now()
		d.Disconnect(ctx)
		t.Logf("disconnect %v", time.Since(s0))
		for i := 0; i < 150; i++ {
			time.Sleep(10 * time.Millisecond)
			s := time.Now()
			err := healthy(svc.Endpoint())()
			_, _ = s, err
		}
		s0 = time.Now()
		d.Reconnect(ctx)
		t.Logf("reconnect %v", time.Since(s0))
		for i := 0; i < 40; i++ {
			s := time.Now()
			err := healthy(svc.Endpoint())()
			if err == nil || i%5 == 0 {
				t.Logf("%v probe %v %v", time.Since(s0), time.Since(s), err)
			}
			if err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
