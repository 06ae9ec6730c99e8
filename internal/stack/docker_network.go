package stack

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// dockerCreateNetwork creates the stack's bridge network with its subnet pinned, so that
// every service keeps one address for its whole life, across redeploys.
//
// Why: Toxiproxy reaches each service by that fixed address, never by its alias. While
// a service is recreated its alias does not resolve; the lookups go on to the engine's
// upstream resolvers, hang there, and under a workload's load kept the proxy failing for
// most of a second after the new release was ready: outage measured as RTC that was not
// the user's. A fixed address needs no lookup; the new container answers on it as soon
// as it listens. The subnet is the one the engine picks itself (a network is created,
// its subnet read, and the network re-created with that subnet pinned).
func (st *dockerStack) dockerCreateNetwork(ctx context.Context) error {
	opts := client.NetworkCreateOptions{Driver: "bridge", Labels: st.labels}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		res, err := st.d.cli.NetworkCreate(ctx, st.netName, opts)
		if err != nil {
			return fmt.Errorf("create network %s: %w", st.netName, err)
		}
		info, err := st.d.cli.NetworkInspect(ctx, res.ID, client.NetworkInspectOptions{})
		if err != nil || len(info.Network.IPAM.Config) == 0 || !info.Network.IPAM.Config[0].Subnet.IsValid() {
			// Nothing to pin: keep the engine's network; services are reached by alias.
			st.netID = res.ID
			return nil
		}
		cfg := info.Network.IPAM.Config[0]
		if _, err := st.d.cli.NetworkRemove(ctx, res.ID, client.NetworkRemoveOptions{}); err != nil {
			return fmt.Errorf("create network %s: %w", st.netName, err)
		}
		pinned := opts
		pinned.IPAM = &network.IPAM{Config: []network.IPAMConfig{{Subnet: cfg.Subnet, Gateway: cfg.Gateway}}}
		res, err = st.d.cli.NetworkCreate(ctx, st.netName, pinned)
		if err != nil {
			lastErr = err // another network took the subnet meanwhile: pick again
			continue
		}
		st.netID = res.ID
		return st.dockerAssignAddresses(cfg.Subnet, cfg.Gateway)
	}
	return fmt.Errorf("create network %s: %w", st.netName, lastErr)
}

// dockerAssignAddresses gives Toxiproxy and every service a fixed address after the gateway.
func (st *dockerStack) dockerAssignAddresses(subnet netip.Prefix, gateway netip.Addr) error {
	next := subnet.Masked().Addr().Next()
	take := func() (netip.Addr, error) {
		for next == gateway {
			next = next.Next()
		}
		a := next
		next = next.Next()
		if !subnet.Contains(next) { // a is the broadcast address, or outside
			return netip.Addr{}, fmt.Errorf("assign addresses in %s: subnet too small", subnet)
		}
		return a, nil
	}
	st.addrs = map[string]netip.Addr{}
	a, err := take()
	if err != nil {
		return err
	}
	st.addrs[dockerToxiproxyAlias] = a
	for _, s := range st.order {
		if st.addrs[s.spec.Name], err = take(); err != nil {
			return err
		}
	}
	return nil
}

// dockerFixedAddress is a container option giving the named container its fixed address
// (none when the network's subnet could not be pinned).
func (st *dockerStack) dockerFixedAddress(name string) testcontainers.CustomizeRequestOption {
	ip, ok := st.addrs[name]
	return testcontainers.WithEndpointSettingsModifier(func(m map[string]*network.EndpointSettings) {
		if e, found := m[st.netName]; found && ok {
			e.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: ip}
		}
	})
}

// dockerUpstream is the address Toxiproxy forwards to for a service: its fixed address,
// or its alias when the subnet could not be pinned.
func (st *dockerStack) dockerUpstream(s *dockerService) string {
	host := s.spec.Name
	if ip, ok := st.addrs[s.spec.Name]; ok {
		host = ip.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(s.spec.Port))
}
