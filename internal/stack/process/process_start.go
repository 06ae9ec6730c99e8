package process

import "syscall"

// start starts one instance of the service: argv (expanded) with env added to drill's, in
// the service's data directory, its output appended to logPath. own marks drill's own
// fixture, which makes itself a subreaper and starts no processes; a command goes
// through ExecCommand, by the service's spare when it has one (refillSpare makes the next
// one ready), and runs in a cgroup of its own where the machine allows one (cgroup.go).
func (s *processService) start(argv []string, own bool, env map[string]string, logPath string) (*child, error) {
	drill := drillBinary()
	if own {
		return startChild(argv, env, s.dataDir, logPath, s.cred)
	}
	path, err := resolve(argv[0])
	if drill == "" || err != nil {
		// Directly, joining the cgroup just after it started; or to say why it cannot start.
		return inCgroup(newCgroup(s.spec.Name), func() (*child, error) { return startChild(argv, env, s.dataDir, logPath, s.cred) })
	}
	spec := execSpec{Path: path, Argv: argv, Env: childEnv(env), Dir: s.dataDir, Log: logPath, User: userOf(s.cred)}
	if sp := s.takeSpare(); sp != nil {
		if p, err := sp.run(spec); err == nil {
			return p, nil
		}
		sp.discard()
	}
	cg := newCgroup(s.spec.Name)
	if cg != nil {
		spec.Cgroup = cg.dir // joined by the shim itself, before the command runs
	}
	return inCgroup(cg, func() (*child, error) { return startChild(shimArgv(drill, spec), env, s.dataDir, logPath, nil) })
}

// inCgroup starts a child and moves its process into cg (nil: none); a child that
// cannot join is killed, and cg goes when the child does.
func inCgroup(cg *cgroup, start func() (*child, error)) (*child, error) {
	p, err := start()
	if err == nil {
		if err = cg.join(p.cmd.Process.Pid); err != nil {
			_ = p.kill(nil)
		}
	}
	if err != nil {
		_ = cg.destroy()
		return nil, err
	}
	p.cg = cg
	return p, nil
}

// userOf is cred's uid and gid (nil: drill's user).
func userOf(cred *syscall.Credential) *[2]uint32 {
	if cred == nil {
		return nil
	}
	return &[2]uint32{cred.Uid, cred.Gid}
}

// takeSpare is the service's spare, which the caller now owns (nil: none).
func (s *processService) takeSpare() *spare {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.spare
	s.spare = nil
	return sp
}

// refillSpare starts a spare for the service's next start, in the background, unless it
// has one, the stack is going down, or there is no drill binary to run it. Called once
// an instance is ready, so the spare's own start does not compete with the instance's.
func (s *processService) refillSpare() {
	drill := drillBinary()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spare != nil || s.halted || drill == "" {
		return
	}
	s.spares.Add(1)
	go func() {
		defer s.spares.Done()
		sp, err := startSpare(drill, s.spec.Name)
		if err != nil {
			return // the next start goes through ExecCommand directly
		}
		s.mu.Lock()
		keep := s.spare == nil && !s.halted
		if keep {
			s.spare = sp
		}
		s.mu.Unlock()
		if !keep {
			sp.discard()
		}
	}()
}

// dropSpare stops making spares and kills the one waiting (teardown).
func (s *processService) dropSpare() {
	s.mu.Lock()
	s.halted = true
	s.mu.Unlock()
	s.spares.Wait()
	if sp := s.takeSpare(); sp != nil {
		sp.discard()
	}
}
