package measure

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// SQLWorkloadSpec describes a workload against a SQL database's own table: setup
// statements, one templated write statement issued open loop at Rate, and one query
// whose first column lists the ids the table holds.
type SQLWorkloadSpec struct {
	// DSN is the connection: postgres://... or postgresql://... (PostgreSQL through
	// pgx) or mysql://user:pass@host:port/db?params (MySQL through go-sql-driver).
	DSN  string
	Rate float64
	// Timeout after which a write's outcome is unknown.
	Timeout time.Duration
	// Setup statements run once, in order, before the trial.
	Setup []string
	// Write is a text/template over WriteData: one statement per operation, e.g.
	// INSERT INTO orders (id, amount) VALUES ('{{.ID}}', {{.Value}}).
	Write string
	// Read is the query whose first column lists the ids, e.g. SELECT id FROM orders.
	Read string
	// MaxConns bounds the pool's open connections (default 16), as an application's pool
	// would: a write waits for a free connection within its Timeout.
	MaxConns int
	// Rand draws the id tag and the values' seed; seeded by the run for reproducibility.
	Rand *rand.Rand
}

// DefaultSQLMaxConns is the pool's bound when the spec sets none.
const DefaultSQLMaxConns = 16

// SQLWorkload drives a SQL database through database/sql and its pool (MaxConns
// connections, kept open between writes). A write is
// acknowledged when the database acknowledged the statement (autocommit: its commit);
// it failed when the database refused it with an error of its own or the statement
// certainly never left (no connection); anything else (a timeout, a connection broken
// while the statement was out, the server shutting down under it) is unknown, never
// guessed. A pooled connection that dies with the server fails the writes sent on it
// as the client sees them: that is the client's truth, as an application's would be.
type SQLWorkload struct {
	spec   SQLWorkloadSpec
	db     *sql.DB
	write  *template.Template
	writes writeIDs
}

// NewSQLWorkload parses the DSN and the write's template; it opens no connection yet.
func NewSQLWorkload(spec SQLWorkloadSpec) (*SQLWorkload, error) {
	if spec.Rate <= 0 || spec.Timeout <= 0 {
		return nil, errors.New("new sql workload: rate and timeout must be greater than 0")
	}
	if spec.Rand == nil {
		spec.Rand = rand.New(rand.NewPCG(1, 2))
	}
	if spec.MaxConns <= 0 {
		spec.MaxConns = DefaultSQLMaxConns
	}
	w := &SQLWorkload{spec: spec, writes: newWriteIDs(spec.Rand)}
	var err error
	if w.write, err = w.writes.parseWriteTemplate("statement", spec.Write); err != nil {
		return nil, fmt.Errorf("new sql workload: %w", err)
	}
	connector, err := SQLConnector(spec.DSN)
	if err != nil {
		return nil, fmt.Errorf("new sql workload: %w", err)
	}
	w.db = sql.OpenDB(connector)
	w.db.SetMaxOpenConns(spec.MaxConns)
	w.db.SetMaxIdleConns(spec.MaxConns) // no reconnect per write in steady state
	return w, nil
}

// SQLConnector returns the database/sql connector of a postgres:// or mysql:// DSN.
func SQLConnector(dsn string) (driver.Connector, error) {
	scheme, _, ok := strings.Cut(dsn, "://")
	switch {
	case !ok:
		return nil, errors.New("parse dsn: want postgres://, postgresql:// or mysql://")
	case scheme == "postgres" || scheme == "postgresql":
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("parse dsn: %w", err)
		}
		return stdlib.GetConnector(*cfg), nil
	case scheme == "mysql":
		cfg, err := mysqlConfig(dsn)
		if err != nil {
			return nil, err
		}
		return mysql.NewConnector(cfg)
	}
	return nil, fmt.Errorf("parse dsn: unknown scheme %q: want postgres, postgresql or mysql", scheme)
}

// mysqlConfig turns mysql://user:pass@host:port/db?k=v into the driver's config.
func mysqlConfig(dsn string) (*mysql.Config, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse dsn: %w", err)
	}
	native := "tcp(" + u.Host + ")/" + strings.TrimPrefix(u.Path, "/")
	if u.User != nil {
		pass, _ := u.User.Password()
		native = u.User.Username() + ":" + pass + "@" + native
	}
	if u.RawQuery != "" {
		native += "?" + u.RawQuery
	}
	cfg, err := mysql.ParseDSN(native)
	if err != nil {
		return nil, fmt.Errorf("parse dsn: %w", err)
	}
	return cfg, nil
}

// Prefix is the start of every id this workload writes ("w-<tag>-").
func (w *SQLWorkload) Prefix() string { return w.writes.prefix }

// Setup connects and runs the setup statements in order.
func (w *SQLWorkload) Setup(ctx context.Context) error {
	if err := w.db.PingContext(ctx); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	for i, st := range w.spec.Setup {
		if _, err := w.db.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("setup statement %d: %w", i+1, err)
		}
	}
	return nil
}

// Run issues writes on the shared open-loop schedule (one every 1/Rate) and records
// each in h, then the Load the schedule achieved.
func (w *SQLWorkload) Run(ctx context.Context, clock Clock, h *History) {
	w.writes.run(ctx, clock, h, w.spec.Rate, w.spec.Timeout, w.write1)
}

// write1 sends one write on a connection of the pool.
func (w *SQLWorkload) write1(ctx context.Context, d WriteData) (Outcome, string) {
	st, err := render(w.write, d)
	if err != nil {
		return Fail, err.Error()
	}
	conn, err := w.db.Conn(ctx)
	if err != nil { // no connection within the timeout: the statement never left
		return Fail, "get connection: " + err.Error()
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, st)
	return SQLOutcome(err)
}

// SQLOutcome classifies a write statement's result: nil is acknowledged; an error the
// database answered (it applies nothing it refuses, autocommit) or one before anything
// was sent (no connection could be opened: with MySQL only a refused dial tells so, a
// handshake cut later is unknown) is a failure; a timeout, a broken connection, or an answer that the server
// is going away (PostgreSQL classes 08, 57 and XX, MySQL's 1053) is unknown.
func SQLOutcome(err error) (Outcome, string) {
	if err == nil {
		return OK, ""
	}
	var pe *pgconn.PgError
	var me *mysql.MySQLError
	var ce *pgconn.ConnectError
	switch {
	case errors.As(err, &ce): // the pool could not open a connection: the statement never left
		return Fail, ce.Error()
	case errors.As(err, &pe):
		if class := pe.Code[:min(2, len(pe.Code))]; class == "08" || class == "57" || class == "XX" {
			return Unknown, pe.Error()
		}
		return Fail, pe.Error()
	case errors.As(err, &me):
		if me.Number == 1053 { // ER_SERVER_SHUTDOWN
			return Unknown, me.Error()
		}
		return Fail, me.Error()
	case NotSent(err), pgconn.SafeToRetry(err), errors.Is(err, driver.ErrBadConn):
		return Fail, err.Error()
	}
	return Unknown, err.Error()
}

// FinalRead runs the read and returns the ids of its first column that this workload
// wrote.
func (w *SQLWorkload) FinalRead(ctx context.Context) ([]string, error) {
	var rows *sql.Rows
	err := readRetry(ctx, func() error {
		var err error
		rows, err = w.db.QueryContext(ctx, w.spec.Read)
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) {
			return &net.OpError{Op: "dial", Err: err} // never connected: NotSent
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read back: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("read back: %w", err)
	}
	dst := make([]any, len(cols))
	var id sql.NullString
	dst[0] = &id
	for i := 1; i < len(dst); i++ {
		dst[i] = new(any)
	}
	var all []string
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("read back: %w", err)
		}
		all = append(all, id.String)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read back: %w", err)
	}
	return w.writes.own(all), nil
}

// Close closes the pool.
func (w *SQLWorkload) Close() error { return w.db.Close() }
