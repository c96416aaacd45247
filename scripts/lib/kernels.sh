# What scripts/kernels checks before any guest boots: its options, the
# kernels (fetched from the distribution when named by package), the tools,
# the accelerator and where the vCPUs go. Sourced by scripts/kernels.

EMULATED_NOTE="emulated under QEMU TCG: figures are not hardware figures"
# What a guest takes besides the ballast: the kernel and the unpacked
# initramfs (some 100 MiB with 6.x), and the margin the engine keeps out of
# the ballast (harness/common/memory.c: max(10% of MemTotal, 256 MiB)).
GUEST_OVERHEAD_MIB=384

die() {
	echo "scripts/kernels: $*" >&2
	exit 2
}

note() {
	echo "scripts/kernels: $*" >&2
}

# count OPTION VALUE MIN MAX: VALUE, a whole number in [MIN, MAX], or die.
count() {
	case $2 in
	"" | *[!0-9]*) die "$1 $2: not a whole number" ;;
	esac
	[ "${#2}" -le 9 ] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
		die "$1 $2: out of range ($3 to $4)"
	echo "$2"
}

# --- kernels ---------------------------------------------------------------

# resolve_kernel KERNEL BASE: BASE.image (the image's path) and BASE.what
# (what guest_kernel= says of it), fetching a package into the cache.
resolve_kernel() {
	if [ -f "$1" ]; then
		[ -r "$1" ] || die "$1: cannot read it"
		printf '%s\n' "$1" > "$2.image"
		printf '%s\n' "$1" > "$2.what"
		return
	fi
	case $1 in
	linux-image-*) fetch_package "$1" "$2" ;;
	*) die "$1: no such kernel image (nor a linux-image-* package name)" ;;
	esac
}

# fetch_package NAME BASE: the image of the package NAME (or of the image
# package a meta-package such as linux-image-amd64 depends on), downloaded
# once into the cache and unpacked there, boot/ only.
fetch_package() {
	command -v apt-get >/dev/null 2>&1 ||
		die "$1: a package name needs apt-get (Debian, Ubuntu); give the image's path instead"
	pkg=$1
	apt-cache show "$pkg" >/dev/null 2>&1 ||
		die "$pkg: no such package here (apt-cache search linux-image lists them; apt-get update?)"
	# a meta-package depends on the image package of its version
	while dep=$(apt-cache depends "$pkg" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n 1) && [ -n "$dep" ]; do
		pkg=$dep
	done
	ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
	cache=${SPAWNCOST_KERNEL_CACHE:-$root/build/kernels}
	dir="$cache/${pkg}_$ver"
	if [ ! -d "$dir/boot" ]; then
		note "fetching $pkg $ver"
		mkdir -p "$cache" || die "cannot make $cache"
		tmp=$(mktemp -d "$cache/.fetch-XXXXXX") || die "cannot write in $cache"
		if ! (cd "$tmp" && apt-get download "$pkg=$ver") > "$tmp/log" 2>&1; then
			why=$(grep -m 1 '^E:' "$tmp/log" || tail -n 1 "$tmp/log")
			rm -rf "$tmp"
			die "$pkg: cannot download it: $why"
		fi
		mkdir "$tmp/x"
		if ! dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp/x" ./boot 2>/dev/null; then
			rm -rf "$tmp"
			die "$pkg: its package holds no boot/ folder"
		fi
		rm -rf "$dir"
		mv "$tmp/x" "$dir"
		rm -rf "$tmp"
	fi
	image=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$image" ] || die "$pkg: its package holds no boot/vmlinuz-*"
	printf '%s\n' "$image" > "$2.image"
	if [ "$pkg" = "$1" ]; then
		printf '%s %s\n' "$pkg" "$ver" > "$2.what"
	else
		printf '%s (%s %s)\n' "$1" "$pkg" "$ver" > "$2.what"
	fi
}

# --- the run's options -------------------------------------------------------

# check_run_options RUN-OPTIONS: refuse what cannot go to a guest; set
# largest_rss (the largest ballast asked for, MiB) and pin_guest (1 when the
# run gives no --pin or --cpus of its own: the guest pins it).
check_run_options() {
	largest_rss="" pin_guest=1 profile=default
	while [ $# -gt 0 ]; do
		opt=$1 val=""
		case $1 in
		--*=*) opt=${1%%=*} val=${1#*=} ;;
		-[rmnwoe]?*) opt=$(printf '%s' "$1" | cut -c1-2) val=${1#??} ;;
		-r | --rss | --profile | -o | --output | -e | --events | --pin | --cpus)
			[ $# -ge 2 ] || die "run option $1 needs a value"
			val=$2
			shift ;;
		esac
		case $opt in
		-r | --rss) largest_rss=$(largest "$val") ;;
		--profile) profile=$val ;;
		-o | --output) die "run option $opt: the run folders are --out's (DIR/<kernel release>)" ;;
		-e | --events)
			[ "$val" = none ] ||
				die "run option $opt: no counters in a guest (libpfm4 names them on the host); -e none" ;;
		--pin)
			case $val in
			same) ;;
			none) pin_guest="" ;;
			*) die "run option --pin $val: hwloc is not in the guest; --pin same, none, or --cpus" ;;
			esac ;;
		--cpus) pin_guest="" ;;
		esac
		shift
	done
	if [ -z "$largest_rss" ]; then
		case $profile in
		quick) largest_rss=64 ;;
		*) largest_rss=1024 ;;	# full adds 4096 only where it fits
		esac
	fi
}

# The largest number of a comma list of sizes in MiB (0 when none is one:
# the engine says what is wrong with the list).
largest() {
	printf '%s\n' "$1" | tr ',' '\n' |
		awk '/^[0-9]+(\.[0-9]+)?$/ && $1 > m { m = $1 } END { printf "%d\n", m + 0.999 }'
}

# --- tools and the accelerator ------------------------------------------------

check_tools() {
	[ "$(uname -m)" = x86_64 ] || die "an x86-64 host only, for now (this is $(uname -m))"
	qemu=${SPAWNCOST_QEMU:-qemu-system-x86_64}
	command -v "$qemu" >/dev/null 2>&1 ||
		die "no QEMU here ($qemu): scripts/deps --kernels installs it"
	busybox=$(command -v busybox 2>/dev/null) ||
		die "no busybox here: scripts/deps --kernels installs busybox-static"
	! ldd "$busybox" >/dev/null 2>&1 ||
		die "$busybox is not static: scripts/deps --kernels installs busybox-static"
	command -v cpio >/dev/null 2>&1 || die "no cpio here: scripts/deps --kernels installs it"
	# in every distribution's base, and so not in scripts/deps
	for t in gzip:gzip taskset:util-linux; do
		command -v "${t%:*}" >/dev/null 2>&1 ||
			die "no ${t%:*} here: install the distribution's ${t#*:} package"
	done
	for f in spawncost spawncost-measure spawncost-noop spawncost-chain spawncost-noop-dyn \
		spawncost-stamp sysprep; do
		[ -x "$bin/$f" ] || die "$bin/$f is not built (make)"
	done
	qemu_version=$("$qemu" --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
}

# pick_accelerator: accel (kvm or tcg) and qemu_accel (QEMU's options). KVM
# unless --emulated asks for QEMU's emulator; KVM that cannot run a guest
# here is one line and exit 2.
pick_accelerator() {
	if [ -z "$emulated" ]; then
		kvm_runs ||
			die "KVM cannot run guests here ($kvm_why): --emulated runs them under QEMU's emulator, whose figures are not hardware figures"
		accel=kvm qemu_cpu=host
		qemu_accel="-accel kvm -cpu host"
		return
	fi
	# every x86-64 CPU of the last 15 years has rdtscp (the engine reads the
	# child's CPU with it), which qemu64 lacks; max is all TCG can do but
	# 5-level page tables, which few machines use and which change fork
	accel=tcg qemu_cpu=max,la57=off
	qemu_accel="-accel tcg -cpu max,la57=off"
}

# Does a guest run under KVM? /dev/kvm can be there and open while KVM
# cannot run a guest (nested KVM here: the host CPU's MSRs cannot be set,
# or the guest stops at "KVM internal error"), so a firmware of five bytes
# is run as the guests are: at the reset vector, write 1 to isa-debug-exit's
# port, which ends QEMU with status 3. kvm_why: why not.
kvm_runs() {
	if [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		kvm_why="no /dev/kvm that this user may open"
		return 1
	fi
	# mov al, 1; out 0xf4, al; hlt - at 0xffff0 of a 64 KiB BIOS
	{ head -c 65520 /dev/zero; printf '\260\001\346\364\364'; head -c 11 /dev/zero; } \
		> "$work/probe.bin"
	# the log is made here: QEMU's own redirection comes when the shell's
	# child gets to it, maybe after the first grep below
	: > "$work/probe.log"
	"$qemu" -accel kvm -cpu host -nodefaults -display none -no-reboot -bios "$work/probe.bin" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 > "$work/probe.log" 2>&1 &
	qpid=$!	# the cleanup's to kill, should the script be stopped now
	t=0
	# a KVM internal error pauses the guest, and QEMU waits: 5 s at most
	while kill -0 "$qpid" 2>/dev/null && [ "$t" -lt 50 ] &&
		! grep -q 'KVM internal error' "$work/probe.log"; do
		sleep 0.1
		t=$((t + 1))
	done
	kill "$qpid" 2>/dev/null || :
	status=0
	wait "$qpid" || status=$?
	qpid=""
	[ "$status" -ne 3 ] || return 0
	if grep -q 'KVM internal error' "$work/probe.log"; then
		kvm_why="/dev/kvm opens, but a guest stops at \"KVM internal error\" (nested KVM?)"
	else
		kvm_why=$(grep -m 1 . "$work/probe.log" | sed 's/^qemu-system-[^:]*: //')
		[ -n "$kvm_why" ] || kvm_why="a guest did not run under it in 5 s"
	fi
	return 1
}

# plan_pins: pins ("0:3 1:2": vCPU i on host CPU c) and rest (the host CPUs
# left to QEMU's other threads, "" when none is).
plan_pins() {
	allowed=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | cpu_list) ||
		die "cannot read the CPUs this process may use (/proc/self/status)"
	if [ -n "$host_cpus" ]; then
		case $host_cpus in
		*[!0-9,-]* | "" | ,* | *, | *,,* | -* | *-) die "--host-cpus $host_cpus: not a CPU list (as 0-3,6)" ;;
		esac
		chosen=$(printf '%s\n' "$host_cpus" | cpu_list) ||
			die "--host-cpus $host_cpus: not a CPU list (as 0-3,6)"
		for c in $chosen; do
			case " $(echo $allowed) " in *" $c "*) ;; *) die "--host-cpus $host_cpus: CPU $c is not one this process may use ($(echo $allowed))" ;; esac
		done
	else
		chosen=$(printf '%s\n' "$allowed" | tail -n "$cpus")
	fi
	[ "$(printf '%s\n' "$chosen" | grep -c .)" -ge "$cpus" ] ||
		die "--guest-cpus $cpus: one host CPU per vCPU, and $(printf '%s\n' "$chosen" | grep -c .) are given or allowed"
	pins="" v=0
	for c in $(printf '%s\n' "$chosen" | head -n "$cpus"); do
		pins="$pins${pins:+ }$v:$c"
		v=$((v + 1))
	done
	rest=""
	for c in $allowed; do
		case " $pins " in *":$c "*) ;; *) rest="$rest${rest:+,}$c" ;; esac
	done
}

# A CPU list ("0-3,6") on stdin as one CPU a line; status 1 when it is not
# one (a range downwards, 3-1, too).
cpu_list() {
	tr ',' '\n' | awk -F- '
		/^[0-9]+(-[0-9]+)?$/ && (NF == 1 || $2 + 0 >= $1 + 0) {
			hi = NF > 1 ? $2 : $1
			for (c = $1; c <= hi; c++) print c
			next
		}
		NF { bad = 1 }
		END { exit bad }'
}
