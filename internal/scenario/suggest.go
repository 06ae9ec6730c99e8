package scenario

import (
	"fmt"
	"strings"
)

// suggestion says which valid key a misspelled one probably meant: the nearest by edit
// distance when it is close enough, otherwise the list of valid keys.
func suggestion(key string, valid []string) string {
	best, bestD := "", -1
	for _, v := range valid {
		d := editDistance(strings.ToLower(key), v)
		if bestD < 0 || d < bestD {
			best, bestD = v, d
		}
	}
	if best != "" && (bestD <= 2 || bestD*3 <= len(best)) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Sprintf(" (valid keys: %s)", strings.Join(valid, ", "))
}

// editDistance is the Levenshtein distance between a and b, counted in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
