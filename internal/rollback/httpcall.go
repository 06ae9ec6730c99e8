package rollback

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/drillhq/drill/internal/secret"
)

// maxOutput bounds what a mechanism keeps of a command's output or an HTTP answer for
// the raw records: enough to read why a CD tool failed, never the whole log of one.
const maxOutput = 64 << 10

// capped keeps the first maxOutput bytes written to it and counts the rest.
type capped struct {
	buf     bytes.Buffer
	dropped int
	// mask, when set, hides the secrets the output may echo (see internal/secret).
	mask *secret.Masker
}

// Write implements io.Writer; it never fails, so a chatty command is never blocked.
func (c *capped) Write(p []byte) (int, error) {
	room := max(maxOutput-c.buf.Len(), 0)
	if len(p) > room {
		c.buf.Write(p[:room])
		c.dropped += len(p) - room
		return len(p), nil
	}
	return c.buf.Write(p)
}

// flush copies what was kept (and how much was dropped) to w, when there is a w.
func (c *capped) flush(w io.Writer) {
	if w == nil || (c.buf.Len() == 0 && c.dropped == 0) {
		return
	}
	if c.mask != nil {
		_, _ = io.WriteString(w, c.mask.Text(c.buf.String()))
	} else {
		_, _ = w.Write(c.buf.Bytes())
	}
	if c.dropped > 0 {
		_, _ = fmt.Fprintf(w, "\n[%d bytes more not kept]\n", c.dropped)
	}
}

// lastLine is the last non-empty line of out, for a one-line error message.
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// request is one HTTP call a mechanism makes and the status it expects back.
type request struct {
	method, url, body, contentType string
	// status is the expected answer; 0 accepts any 2xx.
	status int
	// shown is the URL as messages and the output show it ("": url redacted, see
	// shownURL).
	shown string
}

// shownURL is the URL as messages and the output show it: shown, or the URL with its
// userinfo and query values redacted (a token in a query is a secret too).
func (r request) shownURL() string {
	if r.shown != "" {
		return r.shown
	}
	return secret.RedactURL(r.url)
}

// do sends the request and checks its status; the answer's status line and body go to
// out. It returns the status received.
func (r request) do(ctx context.Context, client *http.Client, out io.Writer) (int, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, strings.NewReader(r.body))
	if err != nil {
		return 0, fmt.Errorf("make request %s %s: %w", r.method, r.shownURL(), err)
	}
	if r.body != "" && r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("call %s %s: %w", r.method, r.shownURL(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOutput))
	fmt.Fprintf(out, "%s %s: %s\n%s", r.method, r.shownURL(), resp.Status, body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read answer of %s %s: %w", r.method, r.shownURL(), err)
	}
	ok := resp.StatusCode/100 == 2
	if r.status != 0 {
		ok = resp.StatusCode == r.status
	}
	if !ok {
		want := "a 2xx status"
		if r.status != 0 {
			want = fmt.Sprintf("status %d", r.status)
		}
		return resp.StatusCode, fmt.Errorf("call %s %s: answered %s, want %s: %s", r.method, r.shownURL(), resp.Status, want, lastLine(body))
	}
	return resp.StatusCode, nil
}

// operatorClient makes the calls of mechanisms and change steps. Each call opens its own
// connection, as an operator's or a CD tool's does: a kept-alive connection would stay
// on the release the front switch served when it opened, and a call meant for the
// release now taking traffic (turn its flag on) would reach the one draining.
var operatorClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
