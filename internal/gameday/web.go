package gameday

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Serve starts the console's web page on 127.0.0.1 at a random port and returns its
// URL, which carries the console's per-run secret (?secret=...). The page shows the live
// status and the alert, with approve, reject and pause buttons; GET /status is the status
// as JSON and POST /decide (form or query choice=...) answers. Every request, the page
// itself and state reads included, must carry the secret (query secret= or header
// X-Drill-Secret) and name this server in Host (and in Origin when it sends one):
// anything else gets 403 and changes nothing, so another local user, a rebinding DNS
// name or a web page in the operator's browser can neither read nor steer the game day.
// The server stops when ctx ends; stop waits for it.
func (c *Console) Serve(ctx context.Context) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("serve game-day page: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c.Status())
	})
	mux.HandleFunc("POST /decide", func(w http.ResponseWriter, r *http.Request) {
		err := c.Answer(r.FormValue("choice"), FromPage)
		switch {
		case errors.Is(err, ErrNoQuestion):
			http.Error(w, err.Error(), http.StatusConflict)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	port := ln.Addr().(*net.TCPAddr).Port
	g := guard{secret: c.secret, onRefuse: c.refused, hosts: map[string]bool{
		fmt.Sprintf("127.0.0.1:%d", port): true, fmt.Sprintf("localhost:%d", port): true}}
	srv := &http.Server{Handler: g.wrap(mux), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	sctx, cancel := context.WithCancel(ctx)
	go func() {
		<-sctx.Done()
		shut, cancelShut := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancelShut()
		_ = srv.Shutdown(shut)
	}()
	return fmt.Sprintf("http://127.0.0.1:%d/?secret=%s", port, c.secret), func() { cancel(); <-done }, nil
}

// SecretHeader is the header a client may carry the page's secret in instead of the query.
const SecretHeader = "X-Drill-Secret"

// guard admits only requests that carry the run's secret and name the page's own
// address in Host and Origin.
type guard struct {
	secret   string
	hosts    map[string]bool // host:port the page answers to
	onRefuse func()
}

func (g guard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		if reason := g.refuse(r); reason != "" {
			g.onRefuse()
			http.Error(w, "forbidden: "+reason, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse says why r is refused ("" when it is admitted).
func (g guard) refuse(r *http.Request) string {
	if !g.hosts[strings.ToLower(r.Host)] {
		return "Host is not this page's address"
	}
	if o := r.Header.Get("Origin"); o != "" {
		host, ok := strings.CutPrefix(strings.ToLower(o), "http://")
		if !ok || !g.hosts[host] {
			return "Origin is not this page"
		}
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return "cross-site request"
	}
	got := r.Header.Get(SecretHeader)
	if got == "" {
		got = r.URL.Query().Get("secret")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(g.secret)) != 1 {
		return "no valid secret: use the address drill printed"
	}
	return ""
}

// newSecret is a per-run secret: 128 random bits, hex.
func newSecret() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b)
}

// page is the game-day page: it polls /status and posts the operator's choice.
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drill game day</title>
<style>
body{font:16px system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
.alert{border:2px solid #c0392b;background:#fdecea;padding:1rem;border-radius:6px}
.none{color:#666}
button{font-size:1.1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:4px;border:1px solid #888;cursor:pointer}
#approve{background:#2e7d32;color:#fff}#reject{background:#c0392b;color:#fff}
table{border-collapse:collapse}td{padding:.2rem .8rem .2rem 0}
.over{color:#c0392b;font-weight:bold}
</style></head><body>
<h1>drill game day</h1>
<table>
<tr><td>trial</td><td id="trial">–</td></tr>
<tr><td>phase</td><td id="phase">–</td></tr>
<tr><td>probes</td><td id="probes">–</td></tr>
<tr><td>elapsed since the change</td><td id="elapsed">–</td></tr>
</table>
<h2>Alert</h2>
<div id="alert" class="none">no alert is waiting for a decision</div>
<p><button id="approve" onclick="decide('approve')">Approve rollback</button><button id="reject" onclick="decide('reject')">Reject</button><button id="pause" onclick="decide('pause')">Pause</button></p>
<p id="msg"></p>
<h2>Decisions</h2><ul id="decisions"></ul>
<p id="refused"></p>
<script>
const secret=new URLSearchParams(location.search).get("secret")||"";
const hdr={"X-Drill-Secret":secret};
function fmt(ms){return ms>=60000?(ms/60000).toFixed(1)+" min":(ms/1000).toFixed(1)+" s"}
async function decide(choice){
  const r=await fetch("decide",{method:"POST",headers:hdr,body:new URLSearchParams({choice})});
  document.getElementById("msg").textContent=r.ok?choice+" sent":await r.text();
}
async function poll(){
  try{
    const s=await (await fetch("status",{headers:hdr})).json();
    document.getElementById("trial").textContent=s.trial||"–";
    document.getElementById("phase").textContent=s.phase||"–";
    document.getElementById("probes").textContent=s.probes+" ("+s.failures+" failed)";
    const el=document.getElementById("elapsed");
    el.textContent=fmt(s.elapsed_ms)+" of RTO "+fmt(s.rto_ms);
    el.className=s.elapsed_ms>s.rto_ms?"over":"";
    const a=document.getElementById("alert");
    if(s.alert){a.className="alert";a.textContent=s.alert.text+(s.paused?" — PAUSED":"")}
    else{a.className="none";a.textContent="no alert is waiting for a decision"}
    const d=document.getElementById("decisions");d.innerHTML="";
    for(const x of s.decisions){const li=document.createElement("li");li.textContent=x;d.appendChild(li)}
    const rf=document.getElementById("refused");
    rf.textContent=s.refused?s.refused+" request(s) without this run's secret or from another origin were refused":"";rf.className=s.refused?"over":"";
  }catch(e){document.getElementById("msg").textContent="drill is not answering (the run may have ended)"}
  setTimeout(poll,500);
}
poll();
</script></body></html>`
