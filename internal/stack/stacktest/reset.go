package stacktest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Fresh is what a ledger stack (LedgerStack) shows right after Up, read through its
// own surfaces: the release the service says it runs, its data directory's entries,
// its Toxiproxy's proxies. A reset stack must show the same.
type Fresh struct {
	Release string
	Data    []string
	Proxies map[string]bool // name → enabled, each without toxics
}

// ReadFresh reads what the ledger stack st shows now.
func ReadFresh(st stack.Stack) Fresh {
	ginkgo.GinkgoHelper()
	svc, err := st.Service("ledger")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	f := Fresh{Release: Release(svc.Endpoint()), Proxies: map[string]bool{}}
	entries, err := os.ReadDir(svc.(stack.DataKeeper).DataDir())
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	for _, e := range entries {
		f.Data = append(f.Data, e.Name())
	}
	slices.Sort(f.Data)
	proxies, err := st.Toxiproxy().Proxies()
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	for name, p := range proxies {
		gomega.Expect(p.ActiveToxics).To(gomega.BeEmpty(), "proxy %s has no toxic", name)
		f.Proxies[name] = p.Enabled
	}
	return f
}

// Mess leaves the ledger stack st as a trial that went wrong would: a key written, v2
// deployed start-first (v1 retired or draining), a latency toxic on the front proxy,
// the scenario proxy disabled, a connection open through the front proxy, and the
// service killed. It returns that connection.
func Mess(ctx context.Context, st stack.Stack) net.Conn {
	ginkgo.GinkgoHelper()
	svc, err := st.Service("ledger")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	Put(svc.Endpoint(), "k", "before")
	gomega.Expect(svc.Deploy(ctx, "v2")).To(gomega.Succeed())
	gomega.Expect(Release(svc.Endpoint())).To(gomega.Equal("v2"))
	front, err := st.Toxiproxy().Proxy("ledger")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	_, err = front.AddToxic("slow", "latency", "downstream", 1, toxiclient.Attributes{"latency": 50})
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	db, err := st.Toxiproxy().Proxy("ledger-db")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	gomega.Expect(db.Disable()).To(gomega.Succeed())
	conn, err := net.Dial("tcp", svc.Endpoint())
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(conn.Close)
	gomega.Expect(svc.(stack.Controller).Kill(ctx)).To(gomega.Succeed())
	return conn
}

// Put writes key=value to the ledger behind ep.
func Put(ep, key, value string) {
	ginkgo.GinkgoHelper()
	req, err := http.NewRequest(http.MethodPut, "http://"+ep+"/kv/"+key, strings.NewReader(`{"value":"`+value+`"}`))
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	resp.Body.Close()
	gomega.Expect(resp.StatusCode).To(gomega.Equal(http.StatusOK))
}

// Has reports whether the ledger behind ep holds key.
func Has(ep, key string) bool {
	ginkgo.GinkgoHelper()
	code, _, err := Probe(ep, "/kv/"+key)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	gomega.Expect(code).To(gomega.BeElementOf(http.StatusOK, http.StatusNotFound))
	return code == http.StatusOK
}

// ExpectClosed expects conn to have been closed by the stack (EOF or reset on read).
func ExpectClosed(conn net.Conn) {
	ginkgo.GinkgoHelper()
	gomega.Expect(conn.SetReadDeadline(time.Now().Add(2 * time.Second))).To(gomega.Succeed())
	_, err := conn.Read(make([]byte, 1))
	gomega.Expect(err).To(gomega.HaveOccurred())
	var ne net.Error
	if errors.As(err, &ne) {
		gomega.Expect(ne.Timeout()).To(gomega.BeFalse(), "the connection was closed, not left open")
	}
}

// ExpectResetFresh resets st (a messed ledger stack, Mess) and expects it to show
// what fresh showed, the key written before gone, and conn closed.
func ExpectResetFresh(ctx context.Context, st stack.Stack, spec scenario.Stack, fresh Fresh, conn net.Conn, opts ...stack.UpOption) {
	ginkgo.GinkgoHelper()
	gomega.Expect(st.(stack.Resetter).Reset(ctx, spec, opts...)).To(gomega.Succeed())
	gomega.Expect(ReadFresh(st)).To(gomega.Equal(fresh))
	svc, err := st.Service("ledger")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	gomega.Expect(svc.Release()).To(gomega.Equal(spec.Services[0].Release))
	gomega.Expect(Has(svc.Endpoint(), "k")).To(gomega.BeFalse(), "the data written before the reset is gone")
	ExpectClosed(conn)
}

// fsImmutable is FS_IMMUTABLE_FL of linux/fs.h (golang.org/x/sys/unix does not name it).
const fsImmutable = 0x00000010

// Unremovable makes a directory dir/locked, with an entry in it, that drill cannot empty,
// as a file a container's own user leaves in a data directory: as root, immutable
// (FS_IMMUTABLE_FL: not even root removes an entry of it, nor it); otherwise read-only to
// its owner. It is made removable again at cleanup. A spec skips where the filesystem has
// no immutable flag.
func Unremovable(dir string) {
	ginkgo.GinkgoHelper()
	locked := filepath.Join(dir, "locked")
	gomega.Expect(os.MkdirAll(filepath.Join(locked, "inside"), 0o755)).To(gomega.Succeed())
	if os.Geteuid() != 0 {
		gomega.Expect(os.Chmod(locked, 0o555)).To(gomega.Succeed())
		ginkgo.DeferCleanup(os.Chmod, locked, os.FileMode(0o755))
		return
	}
	setFlags := func(set bool) error {
		f, err := os.Open(locked)
		if err != nil {
			return err
		}
		defer f.Close()
		flags, err := unix.IoctlGetInt(int(f.Fd()), unix.FS_IOC_GETFLAGS)
		if err != nil {
			return err
		}
		if set {
			flags |= fsImmutable
		} else {
			flags &^= fsImmutable
		}
		return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, flags)
	}
	if err := setFlags(true); err != nil {
		ginkgo.Skip("the filesystem of " + dir + " has no immutable flag, and root removes any file: " + err.Error())
	}
	ginkgo.DeferCleanup(func() { gomega.Expect(setFlags(false)).To(gomega.Succeed()) })
	gomega.Expect(os.RemoveAll(locked)).NotTo(gomega.Succeed(), "an immutable directory resists even root")
}
