package measure_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

var _ = Describe("the sql workload on MySQL (Debian's MariaDB, through go-sql-driver/mysql)", Label("real-stack"), func() {
	It("writes the team's INSERT, acknowledged by the server, and reads every acknowledged id back", func(ctx SpecContext) {
		install, err1 := exec.LookPath("mariadb-install-db")
		server, err2 := exec.LookPath("mariadbd")
		u, err3 := user.Lookup("mysql")
		if err1 != nil || err2 != nil || err3 != nil {
			Skip("MariaDB is not installed (apt-get install mariadb-server)")
		}
		dir := GinkgoT().TempDir()
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		Expect(os.Chown(dir, uid, gid)).To(Succeed())
		Expect(os.Chmod(filepath.Dir(dir), 0o755)).To(Succeed())
		env := append(os.Environ(), "TMPDIR="+dir) // the server's temporary files, where user mysql may write
		inst := exec.CommandContext(ctx, install, "--user=mysql", "--datadir="+filepath.Join(dir, "data"), "--skip-test-db")
		inst.Env = env
		out, err := inst.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", out)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		Expect(ln.Close()).To(Succeed())
		srv := exec.Command(server, "--user=mysql", "--datadir="+filepath.Join(dir, "data"), "--socket="+filepath.Join(dir, "sock"),
			"--pid-file="+filepath.Join(dir, "pid"), "--bind-address=127.0.0.1", "--port="+port, "--skip-grant-tables")
		srv.Env = env
		Expect(srv.Start()).To(Succeed())
		DeferCleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })

		w, err := measure.NewSQLWorkload(measure.SQLWorkloadSpec{
			DSN:     "mysql://root@127.0.0.1:" + port + "/",
			Rate:    100,
			Timeout: 2 * time.Second,
			Setup: []string{"CREATE DATABASE IF NOT EXISTS shop",
				"CREATE TABLE IF NOT EXISTS shop.orders (id varchar(64) PRIMARY KEY, amount bigint NOT NULL)"},
			Write: "INSERT INTO shop.orders (id, amount) VALUES ('{{.ID}}', {{.Value}})",
			Read:  "SELECT id, amount FROM shop.orders",
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Close)
		Eventually(func() error { return w.Setup(ctx) }).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

		var h measure.History
		runCtx, stop := context.WithTimeout(ctx, time.Second)
		defer stop()
		w.Run(runCtx, measure.NewClock(), &h)
		var acked []string
		for _, op := range h.Ops() {
			Expect(op.Outcome).To(Equal(measure.OK), "write %s: %s", op.ID, op.Err)
			acked = append(acked, op.ID)
		}
		Expect(len(acked)).To(BeNumerically(">=", 50))
		ids, err := w.FinalRead(ctx)
		Expect(err).NotTo(HaveOccurred())
		slices.Sort(acked)
		slices.Sort(ids)
		Expect(ids).To(Equal(acked), "every acknowledged write is read back by the team's SELECT, and nothing else")
	}, NodeTimeout(2*time.Minute))
})
