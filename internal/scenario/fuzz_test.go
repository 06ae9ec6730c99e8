package scenario_test

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and every error must be
// a *scenario.Error whose text starts with a self-sufficient line.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"testdata/bad-release.yaml", "testdata/full.yaml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, s := range []string{
		"", "version: 1", "rollbak: {}", "probes: {htpp: 1}", "warmup: 5", "warmup: -1s",
		"stack: {services: [{port: x}]}", "a: &a [*a]", "<<: {name: x}", "- 1\n- 2",
		"version: 1\n---\nname: x", "objectives: {rto: 5s", "\t\x00", "name: [1, {2: 3}]",
		"rollback: {trigger: {condition: 'error_rate >'}}", "labels: {? [a]: b}",
		"stack: {services: [{name: a, env: {X: [1]}}]}", "faults: [{params: {a: {b: c}}}]",
		"stack: {compose: testdata/none.yaml}", "stack: {services: [{name: a, external: 'http://[::1]:80'}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse("f.yaml", data, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		if err == nil {
			if s == nil {
				t.Fatal("nil scenario without error")
			}
			_ = s.Plan().String()
			return
		}
		var e *scenario.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T is not a *scenario.Error: %v", err, err)
		}
		first, _, _ := strings.Cut(err.Error(), "\n")
		if first != e.Error() || strings.Contains(e.Msg, "\n") || e.Msg == "" {
			t.Fatalf("first line %q is not the one-line error %q", first, e.Error())
		}
	})
}

// FuzzExternalAddr feeds arbitrary endpoints to Service.ExternalAddr: it must never
// panic, and an address it returns is host:port with a port from 1 to 65535.
func FuzzExternalAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1:8080", "http://staging.example", "http://[::1]:9090/x", "https://a:1", "a", ":80", "http://:80", "h:0", "h:65536", "http://h:port"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, endpoint string) {
		addr, err := scenario.Service{Name: "s", External: endpoint}.ExternalAddr()
		if err != nil {
			return
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil || host == "" {
			t.Fatalf("%q gave %q, not host:port", endpoint, addr)
		}
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			t.Fatalf("%q gave port %q", endpoint, port)
		}
	})
}
