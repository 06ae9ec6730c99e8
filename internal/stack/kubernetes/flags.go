package kubernetes

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"k8s.io/client-go/tools/clientcmd"
)

// Flag names: which cluster drill uses and how it names its namespaces. Set, each wins
// over its environment variable (KUBECONFIG, DRILL_KUBE_CONTEXT,
// DRILL_KUBE_NAMESPACE_PREFIX).
const (
	FlagKubeconfig      = "kubeconfig"
	FlagContext         = "kube-context"
	FlagNamespacePrefix = "namespace-prefix"
)

// settings are what the command line set: the CLI defines the flags once per command
// (defineFlags) and New, Available and Clean read them, as the environment is read.
var settings struct {
	mu                          sync.Mutex
	kubeconfig, context, prefix string
}

// defineFlags defines the runtime's flags on fs and returns the check that refuses their
// bad values once fs is parsed, before anything starts: a kubeconfig that does not load,
// a context it does not have, a prefix no namespace name can start with.
func defineFlags(fs *flag.FlagSet) func() error {
	var kubeconfig, kubeContext, prefix string
	fs.StringVar(&kubeconfig, FlagKubeconfig, "", "--runtime kubernetes: the kubeconfig file (default: KUBECONFIG, else ~/.kube/config; in a pod without one, the pod's service account)")
	fs.StringVar(&kubeContext, FlagContext, "", "--runtime kubernetes: the kubeconfig's context to use (default: DRILL_KUBE_CONTEXT, else the current context)")
	fs.StringVar(&prefix, FlagNamespacePrefix, "", "--runtime kubernetes: start each trial's namespace name with this (1-20 lowercase letters, digits or '-'; default: DRILL_KUBE_NAMESPACE_PREFIX, else \"drill\")")
	return func() error {
		if err := checkFlags(kubeconfig, kubeContext, prefix); err != nil {
			return err
		}
		settings.mu.Lock()
		defer settings.mu.Unlock()
		settings.kubeconfig, settings.context, settings.prefix = kubeconfig, kubeContext, prefix
		return nil
	}
}

// checkFlags refuses what no run could use, without asking the cluster anything.
func checkFlags(kubeconfig, kubeContext, prefix string) error {
	if prefix != "" {
		if err := WithNamespacePrefix(prefix)(&Runtime{}); err != nil {
			return fmt.Errorf("--%s %q: want 1-20 lowercase letters, digits or '-' (a namespace name starts with it)", FlagNamespacePrefix, prefix)
		}
	}
	if kubeconfig != "" {
		if _, err := os.Stat(kubeconfig); err != nil {
			return fmt.Errorf("--%s %s: no such file: name the cluster's kubeconfig", FlagKubeconfig, kubeconfig)
		}
		if _, err := clientcmd.LoadFromFile(kubeconfig); err != nil {
			return fmt.Errorf("--%s %s: not a kubeconfig (YAML with clusters, users and contexts): name the cluster's kubeconfig", FlagKubeconfig, kubeconfig)
		}
	}
	if kubeContext == "" {
		return nil
	}
	rules := loadingRules(kubeconfig)
	raw, err := rules.Load()
	if err != nil {
		return fmt.Errorf("--%s %s: no kubeconfig loads to have it (%v): name one with --%s or KUBECONFIG", FlagContext, kubeContext, oneLine(err), FlagKubeconfig)
	}
	if len(raw.Contexts) == 0 {
		return fmt.Errorf("--%s %s: no kubeconfig with contexts at %s: name one with --%s or KUBECONFIG", FlagContext, kubeContext, kubeconfigName(rules), FlagKubeconfig)
	}
	if _, ok := raw.Contexts[kubeContext]; !ok {
		names := slices.Sorted(maps.Keys(raw.Contexts))
		return fmt.Errorf("--%s %s: the kubeconfig (%s) has no such context: name one of %s", FlagContext, kubeContext, kubeconfigName(rules), strings.Join(names, ", "))
	}
	return nil
}

// loadingRules are client-go's (KUBECONFIG, else ~/.kube/config) unless explicit names a file.
func loadingRules(explicit string) *clientcmd.ClientConfigLoadingRules {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = explicit
	return rules
}

// kubeconfigName says which file(s) rules read, for messages.
func kubeconfigName(rules *clientcmd.ClientConfigLoadingRules) string {
	if rules.ExplicitPath != "" {
		return rules.ExplicitPath
	}
	if k := os.Getenv("KUBECONFIG"); k != "" {
		return "KUBECONFIG=" + k
	}
	return clientcmd.RecommendedHomeFile
}

// configured is the kubeconfig file, context and namespace prefix in force: the flags',
// else the environment's ("" for client-go's defaults).
func configured() (kubeconfig, kubeContext, prefix string) {
	settings.mu.Lock()
	kubeconfig, kubeContext, prefix = settings.kubeconfig, settings.context, settings.prefix
	settings.mu.Unlock()
	if kubeContext == "" {
		kubeContext = os.Getenv(EnvContext)
	}
	if prefix == "" {
		prefix = os.Getenv(EnvNamespacePrefix)
	}
	return kubeconfig, kubeContext, prefix
}

// oneLine keeps an error's first line: a message stays one line.
func oneLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
