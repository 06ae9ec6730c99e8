package scenario_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

const ledgerWorkload = "workload: {kind: ledger, service: ledger, rate: 100, accounts: 10, timeout: 1s}\n"

// httpWorkload is an http workload in block style, one key per line from line 18.
const httpWorkload = `workload:
  kind: http
  service: ledger
  setup:
    - {path: /accounts, body: '{"id":"a0","balance":100}'}
  write:
    path: /transfers
    headers: {X-Request-Id: "{{.ID}}"}
    body: '{"id":"{{.ID}}","from":"a0","to":"a1","amount":{{.Value}}}'
  read: {path: /transfers, ids: $.ids}
`

var _ = Describe("http workload", func() {
	withWorkload := func(w string) string { return edit(reference(), ledgerWorkload, w) }

	It("is read with its defaults", func() {
		s, err := scenario.Parse("t.yaml", []byte(withWorkload(httpWorkload)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		w := s.Workload
		Expect(w.Kind).To(Equal("http"))
		Expect(w.Rate).To(Equal(50.0))
		Expect(w.Timeout.D()).To(Equal(time.Second))
		Expect(w.Accounts).To(BeZero())
		Expect(w.Setup).To(Equal([]scenario.WorkloadRequest{{Method: "POST", Path: "/accounts", Body: `{"id":"a0","balance":100}`}}))
		Expect(*w.Write).To(Equal(scenario.WorkloadWrite{Method: "POST", Path: "/transfers", Headers: map[string]string{"X-Request-Id": "{{.ID}}"},
			Body: `{"id":"{{.ID}}","from":"a0","to":"a1","amount":{{.Value}}}`, Success: []int{200, 201, 204}}))
		Expect(*w.Read).To(Equal(scenario.WorkloadRead{Method: "GET", Path: "/transfers", IDs: "$.ids"}))
		Expect(s.Verify.FinalRead).To(BeTrue())
		p := s.Plan()
		Expect(p.Steps[1].Description).To(ContainSubstring("http workload on ledger at 50 op/s: POST /transfers (timeout 1s, after 1 setup request(s))"))
		Expect(p.Steps[len(p.Steps)-2].Description).To(ContainSubstring("final read GET /transfers (ids at $.ids)"))
	})

	It("defaults final_read to true, and needs a read for it", func() {
		doc := strings.Replace(withWorkload(httpWorkload), "verify: {final_read: true}\n", "", 1)
		s, err := scenario.Parse("t.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Verify.FinalRead).To(BeTrue())
		e := firstError(edit(doc, "  read: {path: /transfers, ids: $.ids}\n", ""))
		Expect(e.Msg).To(HavePrefix("workload.read is required when verify.final_read is true"))
		Expect(e.Line).To(Equal(18))
		_, err = scenario.Parse("t.yaml", []byte(edit(doc, "  read: {path: /transfers, ids: $.ids}\n", "")+"verify: {final_read: false}\n"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred(), "no read is needed without a final read")
	})

	DescribeTable("rejects a broken http workload at the line it concerns",
		func(old, new string, line int, msg string) {
			e := firstError(edit(withWorkload(httpWorkload), old, new))
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Line).To(Equal(line))
		},
		Entry("service", "service: ledger\n  setup", "service: nope\n  setup", 20, `workload.service "nope" is not a service`),
		Entry("accounts", "service: ledger\n  setup", "service: ledger\n  accounts: 3\n  setup", 21, "workload.accounts applies to workload.kind ledger only"),
		Entry("write missing", "  write:\n    path: /transfers\n    headers: {X-Request-Id: \"{{.ID}}\"}\n    body: '{\"id\":\"{{.ID}}\",\"from\":\"a0\",\"to\":\"a1\",\"amount\":{{.Value}}}'\n", "", 18, "workload.write is required for workload.kind http"),
		Entry("misspelled write key", "    path: /transfers\n", "    pth: /transfers\n", 24, `unknown key "pth" in workload.write (did you mean "path"?)`),
		Entry("write method", "    path: /transfers\n", "    method: SEND\n    path: /transfers\n", 24, `unknown workload.write.method "SEND"`),
		Entry("write path", "    path: /transfers\n", "    path: transfers\n", 24, `workload.write.path must be an HTTP path starting with "/"`),
		Entry("unknown placeholder", `"amount":{{.Value}}`, `"amount":{{.Amount}}`, 26, `workload.write.body: template: workload.write.body:1:`),
		Entry("broken template", `"amount":{{.Value}}`, `"amount":{{.Value | nofunc}}`, 26, `workload.write.body: template: workload.write.body:1: function "nofunc" not defined`),
		Entry("header template", `X-Request-Id: "{{.ID}}"`, `X-Request-Id: "{{.Id}}"`, 25, `workload.write.headers.X-Request-Id: template`),
		Entry("no id sent", `X-Request-Id: "{{.ID}}"}`+"\n    body: '{\"id\":\"{{.ID}}\"", `X-Request-Id: "1"}`+"\n    body: '{\"id\":\"{{.Seq}}\"", 23, "workload.write must send {{.ID}}"),
		Entry("success empty", "    path: /transfers\n", "    path: /transfers\n    success: []\n", 25, "workload.write.success must list at least one HTTP status"),
		Entry("success not a status", "    path: /transfers\n", "    path: /transfers\n    success: [200, 2000]\n", 25, "workload.write.success must hold HTTP statuses (100-599), got 2000"),
		Entry("success not integers", "    path: /transfers\n", "    path: /transfers\n    success: [ok]\n", 25, "workload.write.success[0] must be an integer"),
		Entry("read ids missing", "ids: $.ids}", "method: GET}", 27, "workload.read.ids is required"),
		Entry("read ids outside the subset", "ids: $.ids}", "ids: \"$..id\"}", 27, `workload.read.ids "$..id" is not a supported JSON path`),
		Entry("read path", "read: {path: /transfers", "read: {path: transfers", 27, `workload.read.path must be an HTTP path starting with "/"`),
		Entry("setup path", "- {path: /accounts", "- {path: accounts", 22, `workload.setup[0].path must be an HTTP path starting with "/"`),
		Entry("setup method", "- {path: /accounts", "- {method: MAKE, path: /accounts", 22, `unknown workload.setup[0].method "MAKE"`),
		Entry("setup misspelled key", "- {path: /accounts, body:", "- {path: /accounts, bdy:", 22, `unknown key "bdy" in workload.setup[0] (did you mean "body"?)`),
	)

	It("keeps setup, write and read to the http kind", func() {
		doc := edit(reference(), ledgerWorkload, "workload: {kind: ledger, service: ledger, write: {path: /x}}\n")
		Expect(firstError(doc).Msg).To(Equal("workload.write applies to workload.kind http only (this workload is ledger)"))
	})

	It("needs a writing workload for the final read", func() {
		e := firstError(edit(reference(), ledgerWorkload, "workload: {kind: none}\n"))
		Expect(e.Msg).To(Equal("verify.final_read needs a workload that writes (workload.kind none reads nothing back)"))
	})

	It("accepts the reference scenario scenarios/http-workload.yaml", func() {
		s, err := scenario.Load("../../scenarios/http-workload.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Workload.Kind).To(Equal("http"))
		Expect(s.Workload.Setup).To(HaveLen(2))
		Expect(s.Workload.Read.IDs).To(Equal("$.ids"))
		Expect(s.Probes.Kind()).To(Equal("http"))
	})
})
