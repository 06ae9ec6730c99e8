package drill

import "github.com/drillhq/drill/internal/stack"

// What a kind needs of the runtime and of the stack. A fault, mechanism, trigger or
// probe kind a program adds (WithFault, WithMechanism, WithTrigger, WithProbe) states
// its needs with a method
//
//	Needs() []drill.Need
//
// on the value its builder returns; Load with ForRuntime, CheckRuntime and Run refuse,
// before any stack starts, a scenario whose needs the runtime or the stack cannot meet.
type (
	// Need is one thing a kind needs: a Capability of the runtime, a StackNeed of the
	// stack, or both, with what would work instead.
	Need = stack.Need
	// Capability is one thing a runtime can do to a service or a stack.
	Capability = stack.Capability
	// StackNeed is a fact a kind needs of the scenario's stack.
	StackNeed = stack.StackNeed
)

// The capabilities a runtime may have (see stack.Capability for each one's meaning).
const (
	CapProxy      = stack.CapProxy
	CapKill       = stack.CapKill
	CapPause      = stack.CapPause
	CapRestart    = stack.CapRestart
	CapStop       = stack.CapStop
	CapRevive     = stack.CapRevive
	CapDisconnect = stack.CapDisconnect
	CapDataDir    = stack.CapDataDir
	CapSnapshot   = stack.CapSnapshot
	CapFlip       = stack.CapFlip
	CapExec       = stack.CapExec
	CapLog        = stack.CapLog
	CapImage      = stack.CapImage
	CapCommand    = stack.CapCommand
	CapFixture    = stack.CapFixture
)

// The stack needs a kind can state (see stack.StackNeed).
const (
	NeedService  = stack.NeedService
	NeedData     = stack.NeedData
	NeedRelease  = stack.NeedRelease
	NeedStandby  = stack.NeedStandby
	NeedEndpoint = stack.NeedEndpoint
)
