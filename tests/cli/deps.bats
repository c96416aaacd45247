#!/usr/bin/env bats
# scripts/deps: the install command and the package names on each
# distribution's manager (--print, nothing installed), and the install path
# itself against fake package managers on PATH that write down how they were
# called.
load helpers

DEPS="$BATS_TEST_DIRNAME/../../scripts/deps"

# $SCRATCH/bin: the system's programs but its package managers, and
# $SCRATCH/fake, for the fakes. PATH: the fakes, then the rest.
no_managers() {
	mkdir -p bin fake
	for f in /usr/bin/* /bin/* /usr/sbin/* /sbin/*; do
		case ${f##*/} in
		apt | apt-get | dnf | yum | zypper | pacman | sudo) ;;
		*) [ -e "bin/${f##*/}" ] || ln -s "$f" "bin/${f##*/}" ;;
		esac
	done
	BARE="$SCRATCH/fake:$SCRATCH/bin"
}

# A fake program $1 in $SCRATCH/fake that appends "$1 ARGS" to
# $SCRATCH/calls, then runs the shell code $2 (default: succeed).
fake() {
	printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\n%s\n' "$1" "$SCRATCH" "${2:-exit 0}" \
		> "fake/$1"
	chmod +x "fake/$1"
}

# The words of the command --print gives for manager $1 (and options $2...).
printed() {
	run --separate-stderr "$DEPS" --print --manager "$@"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	[ -z "$stderr" ]
	WORDS=" $output "
}

@test "deps --print --manager apt: apt-get with Debian's names, the build and the charts" {
	printed apt
	[[ "$WORDS" == *"apt-get install -y -qq --no-install-recommends "* ]]
	[[ "$WORDS" == *" libhwloc-dev "* ]]
	[[ "$WORDS" == *" libpfm4-dev "* ]]
	[[ "$WORDS" == *" libjansson-dev "* ]]
	[[ "$WORDS" == *" zlib1g-dev "* ]]
	[[ "$WORDS" == *" gnuplot-nox "* ]]
	# neither the test tools nor the runtimes by default
	[[ "$WORDS" != *" bats "* ]]
	[[ "$WORDS" != *" golang-go "* ]]
}

@test "deps --print --manager dnf: Fedora's names" {
	printed dnf --tests
	[[ "$WORDS" == *"dnf install -y "* ]]
	[[ "$WORDS" == *" hwloc-devel "* ]]
	[[ "$WORDS" == *" libpfm-devel "* ]]
	[[ "$WORDS" == *" jansson-devel "* ]]
	[[ "$WORDS" == *" zlib-devel "* ]]
	[[ "$WORDS" == *" gnuplot "* ]]
	[[ "$WORDS" == *" libcmocka-devel "* ]]
	[[ "$WORDS" == *" glibc-locale-source "* ]]
}

@test "deps --print --manager zypper: openSUSE's names" {
	printed zypper --runtimes
	[[ "$WORDS" == *"zypper --non-interactive install --no-recommends "* ]]
	[[ "$WORDS" == *" hwloc-devel "* ]]
	[[ "$WORDS" == *" libpfm-devel "* ]]
	[[ "$WORDS" == *" libjansson-devel "* ]]
	[[ "$WORDS" == *" gnuplot "* ]]
	[[ "$WORDS" == *" java-21-openjdk-devel "* ]]
	[[ "$WORDS" != *" libcmocka-devel "* ]]
}

@test "deps --print --manager pacman: Arch's names" {
	printed pacman --kernels
	[[ "$WORDS" == *"pacman -S --needed --noconfirm "* ]]
	[[ "$WORDS" == *" hwloc "* ]]
	[[ "$WORDS" == *" libpfm4 "* ]]
	[[ "$WORDS" == *" jansson "* ]]
	[[ "$WORDS" == *" gnuplot "* ]]
	[[ "$WORDS" == *" qemu-system-x86 "* ]]
	[[ "$WORDS" == *" cpio "* ]]
}

@test "deps --print: each group adds its packages once; --build is the build alone" {
	printed apt --all --runtimes
	[[ "$WORDS" == *" bats "* ]]
	[[ "$WORDS" == *" golang-go "* ]]
	[[ "$WORDS" == *" busybox-static "* ]]
	[[ "$WORDS" == *" ansible "* ]]
	[ "$(tr ' ' '\n' <<< "$WORDS" | grep -cx golang-go)" -eq 1 ]
	printed apt --build
	[[ "$WORDS" == *" libhwloc-dev "* ]]
	[[ "$WORDS" != *" gnuplot-nox "* ]]
}

@test "deps installs through the manager it finds, by sudo when not root, only what is missing" {
	no_managers
	fake id 'echo 1000'
	fake sudo 'exec "$@"'
	fake dnf
	# rpm knows gcc and make
	fake rpm 'case $3 in gcc | make) exit 0 ;; *) exit 1 ;; esac'
	PATH="$BARE" run --separate-stderr "$DEPS"
	[ "$status" -eq 0 ]
	[ "$stderr" = "scripts/deps: installing glibc-devel hwloc-devel libpfm-devel jansson-devel zlib-devel gnuplot" ]
	grep -qx 'sudo dnf install -y glibc-devel hwloc-devel libpfm-devel jansson-devel zlib-devel gnuplot' calls
	grep -qx 'dnf install -y glibc-devel hwloc-devel libpfm-devel jansson-devel zlib-devel gnuplot' calls
}

@test "deps with apt: the lists refreshed, then only what dpkg lacks, non-interactively" {
	no_managers
	fake id 'echo 0'
	fake apt-get 'echo "DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}" >> '"$SCRATCH/calls"
	fake dpkg-query 'case $3 in libhwloc-dev | zlib1g-dev) exit 1 ;; *) echo "install ok installed" ;; esac'
	PATH="$BARE" run --separate-stderr "$DEPS" --manager apt
	[ "$status" -eq 0 ]
	grep -A 1 '^apt-get ' calls > apt
	[ "$(sed -n 1p apt)" = "apt-get update -qq" ]
	[ "$(sed -n 3p apt)" = "apt-get install -y -qq --no-install-recommends libhwloc-dev zlib1g-dev" ]
	[ "$(sed -n 4p apt)" = "DEBIAN_FRONTEND=noninteractive" ]
	# --check names them and installs nothing
	rm calls
	PATH="$BARE" run --separate-stderr "$DEPS" --manager apt --check
	[ "$status" -eq 1 ]
	[ "$output" = "missing: libhwloc-dev zlib1g-dev" ]
	refute grep -q "^apt-get" calls
}

@test "deps with everything installed runs no manager" {
	no_managers
	fake id 'echo 0'
	fake pacman 'case $1 in -T) exit 0 ;; *) exit 1 ;; esac'
	PATH="$BARE" run --separate-stderr "$DEPS" --manager pacman --tests
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	refute grep -q -- '-S' calls
}

@test "deps with no package manager it knows: the generic list, one line, exit 2" {
	no_managers
	PATH="$BARE" run --separate-stderr "$DEPS" --tests
	[ "$status" -eq 2 ]
	printf '%s\n' "$output" | grep -qx 'hwloc-dev'
	printf '%s\n' "$output" | grep -qx 'gnuplot'
	printf '%s\n' "$output" | grep -qx 'bats'
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == "scripts/deps: no apt-get, dnf, zypper or pacman here: install the packages above by hand"* ]]
	# a manager named that is not here: said, nothing run
	fake id 'echo 0'
	PATH="$BARE" run --separate-stderr "$DEPS" --manager zypper
	[ "$status" -eq 2 ]
	[ "$stderr" = "scripts/deps: zypper is not here (--manager zypper)" ]
}

@test "deps: a bad option is one line and exit 2" {
	run --separate-stderr "$DEPS" --bogus
	[ "$status" -eq 2 ]
	[[ "$stderr" == "scripts/deps: unknown option --bogus ("* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run --separate-stderr "$DEPS" --manager yum
	[ "$status" -eq 2 ]
	[ "$stderr" = "scripts/deps: --manager yum: not apt, dnf, zypper or pacman" ]
	run --separate-stderr "$DEPS" --manager
	[ "$status" -eq 2 ]
	[ "$stderr" = "scripts/deps: --manager needs one of apt, dnf, zypper, pacman" ]
	run --separate-stderr "$DEPS" --check --print
	[ "$status" -eq 2 ]
	[ "$stderr" = "scripts/deps: --check and --print: one at a time" ]
	run --separate-stderr "$DEPS" --build --runtimes
	[ "$status" -eq 2 ]
	[ "$stderr" = "scripts/deps: --build and --runtimes: one at a time" ]
}

@test "docs/setup.md's table names what scripts/deps --print installs, manager by manager" {
	local doc="$BATS_TEST_DIRNAME/../../docs/setup.md" col=2
	for m in apt dnf zypper pacman; do
		col=$((col + 1))
		awk -F'|' -v c="$col" '/^## The packages/ { on = 1 } on && /^\| [a-z]+ \| `/ { print $c }' \
			"$doc" | tr -d '`' | tr ' ' '\n' | sed '/^$/d' | sort > doc
		# the packages: the words after the command's last option
		"$DEPS" --print --manager "$m" --all |
			awk '{ for (i = NF; $i !~ /^-/; i--) ; for (i++; i <= NF; i++) print $i }' |
			sed 's/^libclang-rt-[0-9]*-dev$/libclang-rt-N-dev/' | sort > printed
		[ "$(wc -l < doc)" -gt 20 ]
		diff doc printed
	done
}
