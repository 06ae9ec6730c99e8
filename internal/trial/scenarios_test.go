package trial_test

// failingV2 is the environment of a v2 that fails every request it gets.
const failingV2 = `{LEDGER_DEFECT: errors, LEDGER_ERROR_RATE: "1.0"}`

// badReleaseYAML is the scenario most trial specs start from: a ledger whose v2
// (environment v2env) is deployed over v1, probed on /healthz every 20ms with the given
// probe timeout after a 300ms warm-up. rest holds the keys that differ between specs:
// objectives, faults, rollback.
func badReleaseYAML(name, v2env, probeTimeout, rest string) string {
	return `
version: 1
name: ` + name + `
stack:
  services:
    - name: ledger
      fixture: ledger
      port: 8080
      health: /version
      release: v1
      releases:
        - name: v1
        - name: v2
          env: ` + v2env + `
probes: {interval: 20ms, timeout: ` + probeTimeout + `, recover_after: 3, http: {service: ledger, path: /healthz}}
warmup: 300ms
change: {service: ledger, release: v2}
` + rest
}
