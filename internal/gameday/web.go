package gameday

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Serve starts the console's web page on 127.0.0.1 at a random port and returns its
// URL. The page shows the live status and the alert, with approve, reject and pause
// buttons; GET /status is the status as JSON and POST /decide (form or query choice=...)
// answers. The server stops when ctx ends; stop waits for it.
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
		err := c.Answer(r.FormValue("choice"))
		switch {
		case errors.Is(err, ErrNoQuestion):
			http.Error(w, err.Error(), http.StatusConflict)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
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
	return "http://" + ln.Addr().String() + "/", func() { cancel(); <-done }, nil
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
<script>
function fmt(ms){return ms>=60000?(ms/60000).toFixed(1)+" min":(ms/1000).toFixed(1)+" s"}
async function decide(choice){
  const r=await fetch("decide",{method:"POST",body:new URLSearchParams({choice})});
  document.getElementById("msg").textContent=r.ok?choice+" sent":await r.text();
}
async function poll(){
  try{
    const s=await (await fetch("status")).json();
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
  }catch(e){document.getElementById("msg").textContent="drill is not answering (the run may have ended)"}
  setTimeout(poll,500);
}
poll();
</script></body></html>`
