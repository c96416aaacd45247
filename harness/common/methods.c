#include <string.h>

#include "methods.h"

extern const struct method method_fork_exec, method_vfork_exec, method_posix_spawn,
	method_fork_exit, method_vfork_exit, method_pthread,
	method_clone_fork, method_clone_vm, method_clone_vfork, method_clone_files,
	method_clone_fs, method_clone_sighand, method_clone_thread, method_clone_custom,
	method_clone_newpid, method_clone_newns, method_clone_newuts, method_clone_newipc,
	method_clone_newnet, method_clone_newuser, method_clone_container,
	method_clone3_pidfd, method_clone3_clear_sighand, method_clone3_into_cgroup,
	method_clone3_vfork_exec, method_pidfd_spawn,
	method_exec_only, method_system, method_popen,
	method_cow_child, method_cow_parent, method_first_touch, method_rewrite,
	method_execvp, method_posix_spawnp,
	method_rt_python_subprocess, method_rt_python_posix_spawn, method_rt_go_exec,
	method_rt_rust_command, method_rt_node_spawnsync, method_rt_node_spawn,
	method_rt_java_processbuilder, method_rt_ruby_system, method_rt_perl_system;

/* The order is the order of a run with -m all. */
const struct method *const methods[] = {
	&method_fork_exec,
	&method_vfork_exec,
	&method_posix_spawn,
	&method_fork_exit,
	&method_vfork_exit,
	&method_clone_fork,
	&method_clone_vm,
	&method_clone_vfork,
	&method_clone_files,
	&method_clone_fs,
	&method_clone_sighand,
	&method_clone_thread,
	&method_clone_newpid,
	&method_clone_newns,
	&method_clone_newuts,
	&method_clone_newipc,
	&method_clone_newnet,
	&method_clone_newuser,
	&method_clone_container,
	&method_clone3_pidfd,
	&method_clone3_clear_sighand,
	&method_clone3_into_cgroup,
	&method_clone3_vfork_exec,
	&method_pidfd_spawn,
	&method_exec_only,
	&method_system,
	&method_popen,
	&method_execvp,
	&method_posix_spawnp,
	&method_cow_child,
	&method_cow_parent,
	&method_first_touch,
	&method_rewrite,
	&method_clone_custom,
	&method_pthread,
	&method_rt_python_subprocess,
	&method_rt_python_posix_spawn,
	&method_rt_go_exec,
	&method_rt_rust_command,
	&method_rt_node_spawnsync,
	&method_rt_node_spawn,
	&method_rt_java_processbuilder,
	&method_rt_ruby_system,
	&method_rt_perl_system,
	NULL,
};

const struct method *method_find(const char *name)
{
	for (const struct method *const *m = methods; *m; m++)
		if (strcmp((*m)->name, name) == 0)
			return *m;
	return NULL;
}

bool method_in_group(const struct method *m, const char *group)
{
	if (strcmp(m->group, "custom") == 0 || m->unavailable)
		return false;	/* only ever run when named */
	/* all: every C road; the runtimes need their packages, and are a
	 * group of their own */
	if (strcmp(group, "all") == 0)
		return strcmp(m->group, "runtimes") != 0;
	return strcmp(group, m->group) == 0;
}

bool is_group(const char *name)
{
	static const char *const groups[] = { "all", "core", "clone", "ns", "clone3", "exec",
					      "path", "cow", "runtimes" };

	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(name, groups[i]) == 0)
			return true;
	return false;
}
