package kubernetes_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack/kubernetes"
)

// table is kube-proxy 1.37's nftables table (nft list table ip kube-proxy) as read on
// the project's cluster: one service with one endpoint, one with two, and a masquerade
// rule naming the pod network.
const table = `table ip kube-proxy {
	chain service-2QRHZV4L-default/kubernetes/tcp/https {
		meta l4proto tcp dnat to 192.0.2.2:6443
	}

	chain service-AAAA-drill-x-1/ledger/tcp/service {
		ip daddr != 10.244.0.0/24 jump mark-for-masquerade
		meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.250 . 8080, 1 : 10.244.0.251 . 8080 }
	}

	chain service-BBBB-drill-x-1/toxiproxy/tcp/api {
		meta l4proto tcp dnat to 10.244.0.7:8474
	}
}`

var _ = Describe("kube-proxy's rules", func() {
	It("give the addresses a Service is sent to, one endpoint or several, and nothing of other Services", func() {
		Expect(kubernetes.ChainEndpoints(table, "drill-x-1", "ledger")).To(Equal([]string{"10.244.0.250", "10.244.0.251"}))
		Expect(kubernetes.ChainEndpoints(table, "drill-x-1", "toxiproxy")).To(Equal([]string{"10.244.0.7"}))
		Expect(kubernetes.ChainEndpoints(table, "drill-x-1", "gone")).To(BeEmpty())
	})
})
