package process_test

import "github.com/drillhq/drill/internal/stack/stacktest"

// The shared helpers, under the names these specs use.
var (
	freeze         = stacktest.Freeze
	sendRequest    = stacktest.SendRequest
	expectAnswered = stacktest.ExpectAnswered
	ledgerStack    = stacktest.LedgerStack
	probe          = stacktest.Probe
	alive          = stacktest.Alive
	readFile       = stacktest.ReadFile
	cmdService     = stacktest.CmdService
	expectDeclared = stacktest.ExpectDeclared
)
