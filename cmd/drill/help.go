package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// commandHelp is each subcommand's synopsis and what it does, keyed by its flag set's
// name; "drill CMD --help" prints it with the flags.
var commandHelp = map[string][2]string{
	"run":          {"drill run FILE... [flags]", "Run each scenario's trials and judge them against its objectives; writes results, Markdown, HTML, JUnit and the audit log to --out."},
	"compare":      {"drill compare FILE [flags]", "Run the same defect under each plan of the scenario's compare section, trials interleaved; print the plans side by side with their pairwise tests and each plan's forecast (P(RTC ≤ RTO), annual downtime at the scenario's forecast rates, or --deploys-per-month and --change-failure-rate); write JSON, Markdown and HTML to --out."},
	"validate":     {"drill validate FILE... [flags]", "Check scenario files strictly, and what their kinds need of the stack and (with --runtime) of a runtime; exit 2 naming the file and line of each problem of the first bad file."},
	"plan":         {"drill plan FILE", "Print the timeline one trial of the scenario executes."},
	"report":       {"drill report DIR... [flags]", "Aggregate the runs of a period (default: the quarter of the latest run) with trends against the previous period."},
	"evidence":     {"drill evidence DIR... [flags]", "Write the evidence pack of a period's runs (fields per regime with their clauses, missing fields named, findings with stable ids) and, with --key, its signed in-toto bundle."},
	"keygen":       {"drill keygen --out PREFIX", "Make an ed25519 key pair for signing evidence: PREFIX.key and PREFIX.pub."},
	"verify":       {"drill verify --key PUB BUNDLE", "Check a signed evidence bundle offline: signatures, the digest of every results file, audit log and pack, and the audit chains; exit 1 naming what changed."},
	"check":        {"drill check RESULTS.json...", "Re-derive every measure from the stored raw records; exit 1 if the stored results are not reproduced."},
	"audit verify": {"drill audit verify [flags] FILE...", "Check an audit log's hash chain; exit 1 if tampered, 5 if the run never finished."},
	"images":       {"drill images [FILE...]", "Build or check the Docker images the scenarios need, with the Debian image of command services (default: scenarios/*.yaml)."},
	"clean":        {"drill clean [flags]", "Remove containers, networks, temporary directories and unfinished results files left by drill runs that died."},
	"version":      {"drill version", "Print drill's version."},
	"help":         {"drill help", "Print the list of commands."},
}

// helpRequested is returned by parse for -h, -help or --help: run prints text on
// stdout and exits 0, as asking for help is not a usage error.
type helpRequested struct{ text string }

func (h *helpRequested) Error() string { return "help requested" }

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// helpText is the synopsis, description and flags of the command fs parses.
func helpText(fs *flag.FlagSet) string {
	h, ok := commandHelp[fs.Name()]
	if !ok {
		h = [2]string{"drill " + fs.Name(), ""}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n", h[0])
	if h[1] != "" {
		fmt.Fprintf(&b, "\n%s\n", h[1])
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		b.WriteString("\nNo flags.\n")
		return b.String()
	}
	b.WriteString("\nFlags:\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// parse parses flags that may come before, between or after the positional arguments.
// An unknown flag is a usage error (exit 2, one line); -h, -help and --help return a
// *helpRequested carrying the command's help.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			return nil, &helpRequested{text: helpText(fs)}
		}
		if err != nil {
			return nil, withCode(exitConfig, fmt.Errorf("%s: %w (see drill %s --help)", fs.Name(), err, fs.Name()))
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseNone is parse for a command that takes no positional argument.
func parseNone(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err == nil && len(pos) > 0 {
		err = withCode(exitConfig, fmt.Errorf("%s: unexpected argument %q: it takes none (see drill %s --help)", fs.Name(), pos[0], fs.Name()))
	}
	return err
}
