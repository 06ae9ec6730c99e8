package check

import (
	"fmt"
	"slices"
	"strings"
)

// NameLostWrites is the set checker's name.
const NameLostWrites = "lost-writes"

// LostWrites is the Jepsen set check: every acknowledged id must be in the final read.
// When attempted (every id the workload sent) is not nil, an id read but never
// attempted is unexpected and fails too. A Fail names the lost (then unexpected) ids.
func LostWrites(acked, attempted, final []string) Finding {
	held := make(map[string]bool, len(final))
	for _, id := range final {
		held[id] = true
	}
	var lost []string
	for _, id := range acked {
		if !held[id] {
			lost = append(lost, id)
		}
	}
	var unexpected []string
	if attempted != nil {
		sent := make(map[string]bool, len(attempted))
		for _, id := range attempted {
			sent[id] = true
		}
		for id := range held {
			if !sent[id] {
				unexpected = append(unexpected, id)
			}
		}
	}
	if len(lost) == 0 && len(unexpected) == 0 {
		return pass(NameLostWrites, fmt.Sprintf("all %d acknowledged writes present in the final read of %d", len(acked), len(held)))
	}
	slices.Sort(lost)
	slices.Sort(unexpected)
	var problems []string
	if len(lost) > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d acknowledged writes lost: %s", len(lost), len(acked), list(lost)))
	}
	if len(unexpected) > 0 {
		problems = append(problems, fmt.Sprintf("%d never attempted but present: %s", len(unexpected), list(unexpected)))
	}
	return fail(NameLostWrites, strings.Join(problems, "; "), append(lost, unexpected...))
}
