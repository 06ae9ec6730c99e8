package scenario

import "strings"

// dataDirMount is where the docker runtime mounts a service's data directory.
const dataDirMount = "/data"

// KeepsData reports whether the service keeps its data in the data directory drill
// gives it, which a restore snapshots: the ledger fixture does (LEDGER_DATA), any other
// service when its command, env, releases or exec readiness check name ${DATA_DIR}
// (an image service may name the mount, /data, instead).
func (svc *Service) KeepsData() bool {
	if svc.Fixture == FixtureLedger {
		return true
	}
	texts := append([]string(nil), svc.Command...)
	for _, v := range svc.Env {
		texts = append(texts, v)
	}
	for _, r := range svc.Releases {
		texts = append(texts, r.Command...)
		for _, v := range r.Env {
			texts = append(texts, v)
		}
	}
	if svc.Ready != nil {
		texts = append(texts, svc.Ready.Exec...)
	}
	for _, t := range texts {
		if strings.Contains(t, "DATA_DIR") || (svc.Image != "" && strings.HasPrefix(t, dataDirMount)) {
			return true
		}
	}
	return false
}
