package stack

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("wiring variables", func() {
	vars := map[string]string{"PORT": "4242", "ENDPOINT_DB": "127.0.0.1:5000", "EMPTY": ""}

	DescribeTable("expand only ${NAME} of a known NAME, leaving every other byte",
		func(in, want string) { Expect(expand(in, vars)).To(Equal(want)) },
		Entry("known", "-p ${PORT}", "-p 4242"),
		Entry("two and adjacent", "${ENDPOINT_DB}/${PORT}${PORT}", "127.0.0.1:5000/42424242"),
		Entry("empty value", "[${EMPTY}]", "[]"),
		Entry("unknown kept", "${HOME}/x ${PORT}", "${HOME}/x 4242"),
		Entry("a shell's own $", `echo $PORT $$ $1 "$@"`, `echo $PORT $$ $1 "$@"`),
		Entry("unclosed", "${PORT", "${PORT"),
	)
})
