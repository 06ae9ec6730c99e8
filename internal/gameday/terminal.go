package gameday

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
)

// ReadTerminal reads the operator's answers from r, one a line ("a", "approve", "r",
// "reject", "p", "pause"), until r ends or ctx does. Run it in its own goroutine.
func (c *Console) ReadTerminal(ctx context.Context, r io.Reader) {
	sc := bufio.NewScanner(r)
	for ctx.Err() == nil && sc.Scan() {
		line := strings.ToLower(strings.TrimSpace(sc.Text()))
		if line == "" {
			continue
		}
		choice, ok := map[string]string{"a": ChoiceApprove, "approve": ChoiceApprove, "r": ChoiceReject, "reject": ChoiceReject,
			"p": ChoicePause, "pause": ChoicePause}[line]
		if !ok {
			c.printf("answer a (approve), r (reject) or p (pause) > ")
			continue
		}
		if err := c.Answer(choice, FromTerminal); err != nil {
			if errors.Is(err, ErrNoQuestion) {
				c.printf("no alert is waiting for a decision yet\n")
				continue
			}
			c.printf("%v\n", err)
		}
	}
}
