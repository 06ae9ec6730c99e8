package scenario

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/suggest"
)

// suggestion says which valid key a misspelled one probably meant: the nearest by edit
// distance when it is close enough, otherwise the list of valid keys.
func suggestion(key string, valid []string) string {
	if best := suggest.Nearest(key, valid); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Sprintf(" (valid keys: %s)", strings.Join(valid, ", "))
}
