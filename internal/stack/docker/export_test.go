package docker

import "github.com/drillhq/drill/internal/stack"

// Service is a value of the runtime's Service type, for the spec that holds its declared
// capabilities to what its services implement.
var Service stack.Service = (*dockerService)(nil)

// CleanImages is cleanImages, for the spec that prunes only the images it made.
var CleanImages = cleanImages
