#!/usr/bin/env bats
# spawncost topo: the topology hwloc sees, and the CPUs --pin and --cpus
# stand for, as a user would check them before a pinned run. The picks
# themselves are unit-tested on synthetic topologies (tests/unit/test_topo.c).
load helpers

fact() {
	printf '%s\n' "$1" | sed -n "s/^$2=//p"
}

@test "topo prints the topology as key=value lines" {
	run "$SC" topo
	[ "$status" -eq 0 ]
	for k in topo_packages topo_numa_nodes topo_cores topo_pus topo_l3_caches topo_smt \
		topo_cpus_allowed topo_summary; do
		printf '%s\n' "$output" | grep -q "^$k="
	done
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 8 ]
	[[ "$(fact "$output" topo_smt)" == yes || "$(fact "$output" topo_smt)" == no ]]
	[[ "$(fact "$output" topo_summary)" == *"NUMA node"*PU* ]]
}

@test "topo --pin same picks one CPU, none picks nothing" {
	run "$SC" topo --pin same
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9]+$ ]]
	run "$SC" topo --cpus "$output"
	[ "$status" -eq 0 ]
	run "$SC" topo --pin none
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# Each policy either gives two different CPUs or is refused with what the
# machine has and what it offers instead.
@test "topo --pin smt, core, numa: two CPUs or a refusal naming the machine" {
	for p in smt core numa; do
		run "$SC" topo --pin "$p"
		if [ "$status" -eq 0 ]; then
			[[ "$output" =~ ^([0-9]+),([0-9]+)$ ]]
			[ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ]
		else
			[ "$status" -eq 2 ]
			[[ "$output" == "spawncost topo: "*package*"NUMA node"*core*PU*L3*"; try --pin "* ]]
		fi
	done
	run "$SC" topo
	if [ "$(fact "$output" topo_smt)" = no ]; then
		run "$SC" topo --pin smt
		[ "$status" -eq 2 ]
		[[ "$output" == "spawncost topo: no SMT: "* ]]
	fi
}

@test "topo refuses a bad policy and bad --cpus in one line, status 2" {
	run "$SC" topo --pin fastest
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown --pin policy 'fastest'"* ]]
	run "$SC" topo --cpus 0,0
	[ "$status" -eq 2 ]
	[[ "$output" == *"names CPU 0 twice"* ]]
	run "$SC" topo --cpus 100000
	[ "$status" -eq 2 ]
	[[ "$output" == *"no CPU 100000: this machine has CPUs "* ]]
	run "$SC" topo --cpus 0,x
	[ "$status" -eq 2 ]
	[[ "$output" == *"one or two CPU numbers"* ]]
	run "$SC" topo --bogus
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
}

# A topology from elsewhere would bind by another machine's numbers.
@test "topo refuses a topology that is not this system's" {
	HWLOC_SYNTHETIC="pack:2 core:2 pu:2" run "$SC" topo --pin same
	[ "$status" -eq 2 ]
	[[ "$output" == *"not this system's (HWLOC_SYNTHETIC set)"* ]]
}

# taskset narrows what this process may use: topo's picks and checks keep
# inside it, and a CPU outside is refused naming the ones inside.
@test "topo keeps to the CPUs taskset leaves, and names them when --cpus is outside" {
	command -v taskset || skip "no taskset"
	run "$SC" topo
	all=$(fact "$output" topo_cpus_allowed)
	one=${all%%[,-]*}
	[ "$all" != "$one" ] || skip "one CPU to use"
	run taskset -c "$one" "$SC" topo
	[ "$(fact "$output" topo_cpus_allowed)" = "$one" ]
	run taskset -c "$one" "$SC" topo --pin same
	[ "$status" -eq 0 ]
	[ "$output" = "$one" ]
	other=$("$SC" topo --pin same)
	[ "$other" != "$one" ]
	run --separate-stderr taskset -c "$one" "$SC" topo --cpus "$other"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"CPU $other is outside this process's CPU affinity (taskset): it may use CPUs $one" ]]
}
