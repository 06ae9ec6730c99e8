package front

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
)

// Main serves the proxy API (Toxiproxy's and the switches') until ctx is done: drill
// runs it as the hidden subcommand "drill proxy-server" (the docker runtime's proxy
// container), with toxiproxy-server's -host and -port flags. It returns once the
// listener is closed and every proxy and switch stopped.
func Main(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("proxy-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	host := fs.String("host", "localhost", "host for the API to listen on")
	port := fs.String("port", "8474", "port for the API to listen on")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse proxy-server flags: %w (flags: -host H -port P)", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("parse proxy-server flags: unexpected argument %q (flags: -host H -port P)", fs.Arg(0))
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, *port))
	if err != nil {
		return fmt.Errorf("listen proxy api: %w", err)
	}
	fmt.Fprintf(os.Stderr, "proxy-server: API serving on %s\n", ln.Addr())
	return Serve(ctx, ln)
}
