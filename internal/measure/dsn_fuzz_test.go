package measure_test

import (
	"strings"
	"testing"

	"github.com/drillhq/drill/internal/measure"
)

// FuzzSQLConnector feeds arbitrary connection strings to the sql workload's DSN parser:
// it must never panic, and it accepts only the schemes it names.
func FuzzSQLConnector(f *testing.F) {
	for _, dsn := range []string{
		"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"postgresql://u:p@h/db",
		"mysql://root:pw@127.0.0.1:3306/shop?parseTime=true",
		"mysql://h",
		"mysql://u:p%40ss@[::1]:3306/db",
		"redis://x",
		"postgres://%zz",
		"",
	} {
		f.Add(dsn)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		c, err := measure.SQLConnector(dsn)
		if err != nil {
			return
		}
		if c == nil {
			t.Fatalf("SQLConnector(%q): no connector and no error", dsn)
		}
		if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") && !strings.HasPrefix(dsn, "mysql://") {
			t.Fatalf("SQLConnector(%q) accepted a scheme it does not name", dsn)
		}
	})
}
