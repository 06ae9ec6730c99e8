package front

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Server is a Toxiproxy server whose HTTP API also manages switches under /switches.
// drill runs one per stack: embedded in its own process on the process runtime, as the
// proxy container on the docker runtime (`drill proxy-server`).
type Server struct {
	toxi *toxiproxy.ApiServer

	mu       sync.Mutex
	switches map[string]*Switch
}

// SwitchInfo is a switch as the API shows it.
type SwitchInfo struct {
	Name     string `json:"name"`
	Listen   string `json:"listen"`
	Upstream string `json:"upstream"`
	// FlipQuietMs, in an update, makes it a flip (Switch.Flip): connections going
	// elsewhere are closed once quiet that long, or after FlipDrainMs at the latest.
	FlipQuietMs float64 `json:"flip_quiet_ms,omitempty"`
	FlipDrainMs float64 `json:"flip_drain_ms,omitempty"`
	// Renew, in an update with FlipQuietMs, leaves the upstream as it is and closes
	// every connection accepted before the update instead (Switch.Renew).
	Renew bool `json:"renew,omitempty"`
	// Reset, in an update, sets the upstream and closes every connection at once
	// (Switch.Reset): a stack kept for the next trial carries none over.
	Reset bool `json:"reset,omitempty"`
	// Conns, in a list, is how many connections the switch holds (client and upstream
	// sides).
	Conns int `json:"conns"`
}

// NewServer returns a server with no proxies and no switches.
func NewServer() *Server {
	return &Server{
		toxi:     toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop()),
		switches: map[string]*Switch{},
	}
}

// Handler serves Toxiproxy's API and the switches' (/switches, /switches/{name},
// /switches/{name}/dialing).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /switches", s.create)
	mux.HandleFunc("GET /switches", s.list)
	mux.HandleFunc("POST /switches/{name}", s.update)
	mux.HandleFunc("GET /switches/{name}/dialing", s.dialing)
	mux.Handle("/", s.toxi.Routes())
	return mux
}

// CreateSwitch starts a switch named name on listen, forwarding to upstream.
func (s *Server) CreateSwitch(name, listen, upstream string) (SwitchInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.switches[name]; dup {
		return SwitchInfo{}, fmt.Errorf("create switch %s: exists", name)
	}
	sw, err := Listen(listen, upstream)
	if err != nil {
		return SwitchInfo{}, fmt.Errorf("create switch %s: %w", name, err)
	}
	s.switches[name] = sw
	return SwitchInfo{Name: name, Listen: sw.Addr(), Upstream: upstream}, nil
}

// SetUpstream sends the named switch's new connections to upstream ("" refuses them).
func (s *Server) SetUpstream(name, upstream string) error {
	sw, err := s.switchNamed(name)
	if err != nil {
		return err
	}
	sw.Set(upstream)
	return nil
}

// Flip flips the named switch to upstream and closes its other connections once quiet
// (Switch.Flip).
func (s *Server) Flip(name, upstream string, quiet, drain time.Duration) error {
	sw, err := s.switchNamed(name)
	if err != nil {
		return err
	}
	sw.Flip(upstream, quiet, drain)
	return nil
}

// Renew closes the named switch's connections accepted before it once quiet
// (Switch.Renew).
func (s *Server) Renew(name string, quiet, drain time.Duration) error {
	sw, err := s.switchNamed(name)
	if err != nil {
		return err
	}
	sw.Renew(quiet, drain)
	return nil
}

// ResetSwitch sets the named switch's upstream and closes all its connections now
// (Switch.Reset).
func (s *Server) ResetSwitch(name, upstream string) error {
	sw, err := s.switchNamed(name)
	if err != nil {
		return err
	}
	sw.Reset(upstream)
	return nil
}

// Switches lists the switches: name, listen address, upstream and connections held.
func (s *Server) Switches() []SwitchInfo {
	s.mu.Lock()
	out := make([]SwitchInfo, 0, len(s.switches))
	for name, sw := range s.switches {
		out = append(out, SwitchInfo{Name: name, Listen: sw.Addr(), Upstream: sw.Upstream(), Conns: sw.Conns()})
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Dialing is how many of the named switch's connections are still being connected to
// upstream (Switch.Dialing).
func (s *Server) Dialing(name, upstream string) (int, error) {
	sw, err := s.switchNamed(name)
	if err != nil {
		return 0, err
	}
	return sw.Dialing(upstream), nil
}

func (s *Server) switchNamed(name string) (*Switch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sw, ok := s.switches[name]
	if !ok {
		return nil, fmt.Errorf("set switch %s: no such switch", name)
	}
	return sw, nil
}

// Close removes every proxy (closing their connections) and every switch.
func (s *Server) Close() error {
	errs := []error{s.toxi.Collection.Clear()}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, sw := range s.switches {
		errs = append(errs, sw.Close())
		delete(s.switches, name)
	}
	return errors.Join(errs...)
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in SwitchInfo
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Name == "" || in.Listen == "" {
		http.Error(w, "want JSON {name, listen, upstream}", http.StatusBadRequest)
		return
	}
	info, err := s.CreateSwitch(in.Name, in.Listen, in.Upstream)
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	writeJSON(w, http.StatusCreated, info)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	var in SwitchInfo
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "want JSON {upstream}", http.StatusBadRequest)
		return
	}
	var err error
	switch {
	case in.Reset:
		err = s.ResetSwitch(r.PathValue("name"), in.Upstream)
	case in.Renew && in.FlipQuietMs > 0:
		err = s.Renew(r.PathValue("name"), ms(in.FlipQuietMs), ms(in.FlipDrainMs))
	case in.Renew:
		http.Error(w, "renew wants flip_quiet_ms > 0", http.StatusBadRequest)
		return
	case in.FlipQuietMs > 0:
		err = s.Flip(r.PathValue("name"), in.Upstream, ms(in.FlipQuietMs), ms(in.FlipDrainMs))
	default:
		err = s.SetUpstream(r.PathValue("name"), in.Upstream)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// dialing answers {"dialing": n} for the upstream named by the query (?upstream=).
func (s *Server) dialing(w http.ResponseWriter, r *http.Request) {
	n, err := s.Dialing(r.PathValue("name"), r.URL.Query().Get("upstream"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"dialing": n})
}

func (s *Server) list(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Switches())
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// Serve runs a new server's API on ln until ctx ends.
func Serve(ctx context.Context, ln net.Listener) error {
	s := NewServer()
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		_ = s.Close()
		return fmt.Errorf("serve proxy server: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(hs.Shutdown(sctx), s.Close())
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
