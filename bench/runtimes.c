/* How language runtimes spawn: each method is a driver written in that
 * runtime's language (bench/runtimes/<runtime>/), which allocates and touches
 * its own ballast, spawns the static no-op with the runtime's idiomatic API
 * and times each round trip with the runtime's monotonic clock. The engine
 * starts it once per window and reads its samples (harness/engine/runtime.c):
 * the runtime's start-up is never timed. The syscall column is what strace
 * saw each driver make for one round trip on the development machine
 * (Debian 12; scripts/runtime-syscalls prints it again, and
 * tests/cli/runtimes.bats checks it against this machine's). */
#include "method.h"

#define RUNTIME_METHOD(id, label, rt, a, pkg, what, calls)                       \
	const struct method method_##id = {                                    \
		.name = label,                                                 \
		.summary = what,                                               \
		.syscall = calls,                                              \
		.group = "runtimes",                                           \
		.fixed_target = "static",                                      \
		.runtime = rt,                                                 \
		.api = a,                                                      \
		.package = pkg,                                                \
	}

RUNTIME_METHOD(rt_python_subprocess, "rt-python-subprocess", "python", "subprocess", "python3",
	       "Python subprocess.run([noop]) (close_fds default)", "vfork(), execve");
RUNTIME_METHOD(rt_python_posix_spawn, "rt-python-posix-spawn", "python", "posix-spawn", "python3",
	       "Python os.posix_spawn, os.waitpid", "clone3(CLONE_VM|CLONE_VFORK), execve");
RUNTIME_METHOD(rt_go_exec, "rt-go-exec", "go", "exec", "golang-go",
	       "Go exec.Command(noop).Run()", "clone(CLONE_VM|CLONE_VFORK|SIGCHLD), execve");
RUNTIME_METHOD(rt_rust_command, "rt-rust-command", "rust", "command", "rustc",
	       "Rust std::process::Command::new(noop).status()", "clone3(CLONE_VM|CLONE_VFORK), execve");
RUNTIME_METHOD(rt_node_spawnsync, "rt-node-spawnsync", "node", "spawnsync", "nodejs",
	       "Node child_process.spawnSync(noop)", "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), execve");
RUNTIME_METHOD(rt_node_spawn, "rt-node-spawn", "node", "spawn", "nodejs",
	       "Node child_process.spawn(noop), awaited until it exits", "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), execve");
RUNTIME_METHOD(rt_java_processbuilder, "rt-java-processbuilder", "java", "processbuilder",
	       "default-jdk-headless", "Java new ProcessBuilder(noop).start().waitFor()", "clone3(CLONE_VM|CLONE_VFORK), execve jspawnhelper, execve");
RUNTIME_METHOD(rt_ruby_system, "rt-ruby-system", "ruby", "system", "ruby",
	       "Ruby system(noop)", "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), execve");
RUNTIME_METHOD(rt_perl_system, "rt-perl-system", "perl", "system", "perl",
	       "Perl system { $noop } $noop (list form, no shell)", "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), execve");
