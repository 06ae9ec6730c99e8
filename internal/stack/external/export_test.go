package external

import "github.com/drillhq/drill/internal/stack"

// Service is a value of the runtime's Service type, for the spec that holds its declared
// capabilities to what its services implement.
var Service stack.Service = (*service)(nil)
