package measure_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"

	"github.com/drillhq/drill/internal/measure"
)

var _ = Describe("the outcome of a native write", func() {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

	DescribeTable("SQL: acknowledged by the database, failed when it refused or nothing left, else unknown",
		func(err error, want measure.Outcome) {
			got, _ := measure.SQLOutcome(err)
			Expect(got).To(Equal(want))
		},
		Entry("acknowledged", nil, measure.OK),
		Entry("a constraint the database refused", &pgconn.PgError{Code: "23505"}, measure.Fail),
		Entry("a read-only database", &pgconn.PgError{Code: "25006"}, measure.Fail),
		Entry("connection exception: who knows", &pgconn.PgError{Code: "08006"}, measure.Unknown),
		Entry("admin shutdown under the statement", &pgconn.PgError{Code: "57P01"}, measure.Unknown),
		Entry("internal error", &pgconn.PgError{Code: "XX000"}, measure.Unknown),
		Entry("MySQL duplicate key", &mysql.MySQLError{Number: 1062}, measure.Fail),
		Entry("MySQL server shutdown", &mysql.MySQLError{Number: 1053}, measure.Unknown),
		Entry("dial refused", refused, measure.Fail),
		Entry("a dead pooled connection database/sql gave up on", fmt.Errorf("exec: %w", driver.ErrBadConn), measure.Fail),
		Entry("timeout while the statement was out", context.DeadlineExceeded, measure.Unknown),
		Entry("connection cut while it was out", errors.New("unexpected EOF"), measure.Unknown),
	)

	DescribeTable("Redis: acknowledged on any reply but an error, failed on an error reply or when nothing left",
		func(err error, want measure.Outcome) {
			got, _ := measure.RedisOutcome(err)
			Expect(got).To(Equal(want))
		},
		Entry("acknowledged", nil, measure.OK),
		Entry("a nil reply is a reply", redis.Nil, measure.OK),
		Entry("dial refused", refused, measure.Fail),
		Entry("no pooled connection came free", errors.New("redis: connection pool timeout"), measure.Fail),
		Entry("timeout while the command was out", context.DeadlineExceeded, measure.Unknown),
		Entry("connection cut while it was out", errors.New("EOF"), measure.Unknown),
	)

	It("Redis: an error reply from a real Redis is a refusal", func(ctx SpecContext) {
		bin, err := exec.LookPath("redis-server")
		if err != nil {
			Skip("redis-server is not installed: make deps installs Debian's")
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		port := ln.Addr().(*net.TCPAddr).Port
		Expect(ln.Close()).To(Succeed())
		srv := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		Expect(srv.Start()).To(Succeed())
		DeferCleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
		cl := redis.NewClient(&redis.Options{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), MaxRetries: -1})
		DeferCleanup(cl.Close)
		Eventually(func() error { return cl.Ping(ctx).Err() }).WithTimeout(10 * time.Second).Should(Succeed())
		Expect(cl.Set(ctx, "k", "not a number", 0).Err()).To(Succeed())
		got, msg := measure.RedisOutcome(cl.Do(ctx, "INCR", "k").Err())
		Expect(got).To(Equal(measure.Fail), "Redis applies nothing it answers with an error")
		Expect(msg).To(HavePrefix("ERR value is not an integer"))
	}, NodeTimeout(30*time.Second))
})
