package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drillhq/drill/internal/owner"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
)

// Clean deletes the namespaces (and PersistentVolumes) that drill processes left in the
// cluster: by default those labelled as made on this host by a process that is no longer
// alive (other hosts' and live processes' are left alone), with CleanAll every drill
// namespace but this process's own. What a drill in a pod made is a dead drill's, from
// any host, once that pod is gone or ended (pod.go). It waits until each namespace is gone. Where
// DRILL_K8S_CONTAINERD names a local cluster's containerd, the images drill loaded into
// it lose the same processes' claims, and go when none is left.
func Clean(ctx context.Context, opts ...stack.CleanOption) (stack.Removed, error) {
	r, err := New()
	if err != nil {
		return stack.Removed{}, fmt.Errorf("clean leftovers: %w", err)
	}
	removed, err := r.clean(ctx, stack.NewCleanConfig(opts...))
	if err != nil {
		return removed, fmt.Errorf("clean leftovers: %w", err)
	}
	return removed, nil
}

// clean deletes the leftovers cfg selects, the namespaces all at once.
func (r *Runtime) clean(ctx context.Context, cfg stack.CleanConfig) (stack.Removed, error) {
	sel := docker.LabelDrill + "=true"
	if cfg.Run != "" {
		sel += "," + docker.LabelRun + "=" + cfg.Run
	}
	host, err := os.Hostname()
	if err != nil {
		return stack.Removed{}, fmt.Errorf("read hostname: %w", err)
	}
	keep := r.withPods(ctx, keepRule(cfg.All, hostLabel(host), r.pid))
	list, err := r.cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return stack.Removed{}, fmt.Errorf("list namespaces: %w", err)
	}
	var (
		removed stack.Removed
		errs    []error
		mu      sync.Mutex
		wg      sync.WaitGroup
	)
	for _, ns := range list.Items {
		if keep(ns.Labels) {
			continue
		}
		wg.Go(func() {
			err := deleteNamespace(ctx, r.cs, ns.Name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			removed.Namespaces = append(removed.Namespaces, ns.Name)
		})
	}
	wg.Wait()
	pvs, err := r.cs.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		errs = append(errs, fmt.Errorf("list persistent volumes: %w", err))
	} else {
		for _, pv := range pvs.Items {
			if !keep(pv.Labels) {
				errs = append(errs, deletePVs(ctx, r.cs, docker.LabelStack+"="+pv.Labels[docker.LabelStack]))
			}
		}
	}
	if sock := os.Getenv(EnvContainerd); sock != "" {
		imgs, err := containerd{sock: sock}.release(ctx, keep)
		removed.LoadedImages = imgs
		errs = append(errs, err)
	}
	sort.Strings(removed.Namespaces)
	return removed, errors.Join(errs...)
}

// keepRule decides from an object's labels whether Clean must leave it: this process's
// own (its Down removes them), and unless all, another host's or a live process's.
func keepRule(all bool, host string, self int) func(map[string]string) bool {
	return func(labels map[string]string) bool {
		pid, err := strconv.Atoi(labels[docker.LabelPID])
		sameHost := labels[docker.LabelHost] == host
		switch {
		case sameHost && err == nil && pid == self:
			return true
		case all:
			return false
		case !sameHost || err != nil:
			return true
		}
		return owner.PIDAlive(pid)
	}
}
