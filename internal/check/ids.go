package check

import (
	"fmt"
	"strings"
)

// maxListed is how many ids a message names before summarising the rest; a Finding's
// IDs always holds them all.
const maxListed = 10

// list renders ids for a message: the first maxListed, then how many more.
func list(ids []string) string {
	if len(ids) <= maxListed {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:maxListed], ", "), len(ids)-maxListed)
}

// maxMessage bounds a message's length.
const maxMessage = 400

// oneLine keeps the first line of s, trimmed and bounded.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) > maxMessage {
		s = s[:maxMessage] + "…"
	}
	return s
}
