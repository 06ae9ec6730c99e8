// Package suggest finds what a misspelled name probably meant, so that every "unknown
// key", "unknown parameter" or "unknown kind" error can say "did you mean ...?".
package suggest

import "strings"

// Nearest returns the candidate closest to word by edit distance (case-insensitive), or
// "" when none is close enough to be a plausible misspelling: within 2 edits, or within
// a third of the candidate's length.
func Nearest(word string, candidates []string) string {
	best, bestD := "", -1
	w := strings.ToLower(word)
	for _, c := range candidates {
		d := EditDistance(w, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || (bestD > 2 && bestD*3 > len(best)) {
		return ""
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, counted in runes.
func EditDistance(a, b string) int {
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
