# One guest of scripts/kernels: its initramfs, its boot, its run folder
# brought back. Sourced by scripts/kernels after scripts/lib/kernels.sh.

# stage_root DIR: what every guest's initramfs holds. The engine is the
# host's own binary, with the libc it was linked against (and the dynamic
# no-op's), so that the parent a guest's fork copies maps what it maps on
# the host; busybox is the shell, sysprep's tools and the init's.
stage_root() {
	r=$1
	mkdir -p "$r/bin" "$r/dev" "$r/proc" "$r/sys" "$r/tmp" "$r/etc/spawncost" "$r/spawncost"
	cp "$busybox" "$r/bin/busybox"
	for a in $("$busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	for f in spawncost-measure spawncost-noop spawncost-chain spawncost-noop-dyn \
		spawncost-stamp sysprep; do
		cp "$bin/$f" "$r/spawncost/$f"
	done
	# the loader and libraries, where ldd finds them on the host
	for f in "$bin/spawncost-measure" "$bin/spawncost-noop-dyn"; do
		ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
	done | sort -u | while IFS= read -r lib; do
		mkdir -p "$r$(dirname "$lib")"
		cp -L "$lib" "$r$lib"
	done
	cp "$root/scripts/lib/guest-init" "$r/init"
	chmod 755 "$r/init"
}

# sh_quote ARG: ARG in single quotes, for the guest's shell.
sh_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# guest_files N RUN-OPTIONS: the guest's /etc/spawncost/guest and facts
# for kernel N. The facts go into env.txt after the engine's own (the
# kernel, its command line, THP and the other knobs, read in the guest).
guest_files() {
	k=$1
	shift
	{
		printf 'guest_host=%s\npin_guest=%s\nset --' "$(sh_quote "$guest_host")" "$pin_guest"
		for a in "$@"; do
			printf ' %s' "$(sh_quote "$a")"
		done
		echo
	} > "$work/root/etc/spawncost/guest"
	{
		echo "emulated=$([ "$accel" = kvm ] && echo no || echo yes)"
		echo "accelerator=$accel"
		echo "vm_host=$(hostname | cut -d. -f1)"
		echo "vm_host_kernel=$(uname -r)"
		echo "vm_host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
		echo "qemu_version=$qemu_version"
		echo "qemu_cpu=$qemu_cpu"
		echo "guest_kernel=$(cat "$work/kernel-$k.what")"
		echo "guest_cpus=$cpus"
		echo "guest_mem_mib=$mem"
		echo "vcpu_pins=$pins"
	} > "$work/root/etc/spawncost/facts"
}

# pin_vcpus PID: each vCPU thread of QEMU (named "CPU i/KVM" or "CPU
# i/TCG") onto its host CPU, the other threads onto the rest. The threads
# are made before the guest runs its first instruction, so they are pinned
# long before the sweep starts.
# A QEMU that ends (a kernel it cannot load, memory it cannot have) is no
# pinning problem: boot_guest says why it ended.
pin_vcpus() {
	t=0
	while [ "$(cat /proc/"$1"/task/*/comm 2>/dev/null | grep -c '^CPU [0-9]*/')" -lt "$cpus" ]; do
		! ended "$1" || return 0
		[ "$t" -lt 100 ] || die "QEMU made no vCPU threads in 10 s"
		sleep 0.1
		t=$((t + 1))
	done
	[ -z "$rest" ] || taskset -a -p -c "$rest" "$1" >/dev/null 2>&1 ||
		ended "$1" || die "cannot pin QEMU's threads to CPUs $rest"
	for task in /proc/"$1"/task/*; do
		comm=$(cat "$task/comm" 2>/dev/null) || continue
		case $comm in
		"CPU "[0-9]*/*)
			v=${comm#CPU }
			v=${v%%/*}
			c=$(printf '%s\n' $pins | sed -n "s/^$v://p")
			taskset -p -c "$c" "${task##*/}" >/dev/null 2>&1 ||
				ended "$1" || die "cannot pin vCPU $v to CPU $c" ;;
		esac
	done
}

# Has process $1 ended? A child of ours that ended stays a zombie, which
# kill -0 still finds, until it is waited for.
ended() {
	case $(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) in
	"" | Z | X) return 0 ;;
	esac
	return 1
}

# boot_guest IMAGE INITRD CONSOLE SERIAL: run the guest to its end. Dies
# when it does not reach the init within --boot-timeout, with the console's
# last lines.
boot_guest() {
	# read below, maybe before QEMU (or the shell's child) has made them, or
	# when QEMU ended before it opened them
	: > "$work/qemu.log"
	: > "$3"
	: > "$4"
	# shellcheck disable=SC2086 # qemu_accel is several options
	"$qemu" -name spawncost-guest,debug-threads=on -machine pc $qemu_accel \
		-smp "$cpus" -m "$mem" -nodefaults -no-reboot -display none \
		-kernel "$1" -initrd "$2" -append "console=ttyS0 panic=-1 quiet${append:+ $append}" \
		-serial "file:$3" -serial "file:$4" > "$work/qemu.log" 2>&1 &
	qpid=$!
	pin_vcpus "$qpid"
	t=0
	while ! grep -q '^spawncost-guest: up' "$3" 2>/dev/null; do
		kill -0 "$qpid" 2>/dev/null || break
		# KVM stops a guest it cannot run, and QEMU waits
		if grep -q 'KVM internal error' "$work/qemu.log"; then
			kill "$qpid" 2>/dev/null || :
			wait "$qpid" || :
			qpid=""
			die "$kernel_what: KVM stopped the guest (KVM internal error): KVM cannot run it here; --emulated runs it under QEMU's emulator"
		elif [ "$t" -ge "$boot_timeout" ]; then
			kill "$qpid" 2>/dev/null || :
			wait "$qpid" || :
			qpid=""
			console_tail "$3" >&2
			die "$kernel_what: did not start the init in $boot_timeout s (the console's last lines above)"
		fi
		sleep 1
		t=$((t + 1))
	done
	wait "$qpid" || {
		qpid=""
		sed 's/^/  qemu: /' "$work/qemu.log" >&2
		console_tail "$3" >&2
		die "$kernel_what: QEMU failed (its output and the console's last lines above)"
	}
	qpid=""
}

console_tail() {
	tr -d '\r' < "$1" 2>/dev/null | grep -v '^$' | tail -n 10 | sed 's/^/  console: /'
}

# run_kernel N RUN-OPTIONS: boot kernel N with the sweep; its run folder
# into $partial/<kernel release> (name), with meta.json and report.md.
run_kernel() {
	k=$1
	shift
	image=$(cat "$work/kernel-$k.image")
	kernel_what=$(cat "$work/kernel-$k.what")
	guest_host="$(hostname | cut -d. -f1)-$accel"
	guest_files "$k" "$@"
	(cd "$work/root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$work/initrd.gz"
	console="$work/console-$k.log" serial="$work/serial-$k.txt"
	note "$kernel_what: booting under $accel ($cpus vCPU, $mem MiB)"
	started=$(date +%s)
	boot_guest "$image" "$work/initrd.gz" "$console" "$serial"
	tr -d '\r' < "$console" > "$work/console.txt"
	status=$(sed -n 's/^spawncost-guest: status \([0-9]*\)$/\1/p' "$work/console.txt" | tail -n 1)
	if [ -z "$status" ]; then
		console_tail "$console" >&2
		die "$kernel_what: the guest stopped before the run ended (the console's last lines above)"
	fi
	if [ "$status" -ge 2 ]; then
		why=$(grep '^spawncost' "$work/console.txt" | grep -v '^spawncost-guest:' | tail -n 1)
		die "$kernel_what: ${why:-the run ended with status $status}"
	fi
	[ "$status" -eq 0 ] || rc=1
	name=$(sed -n 's/^spawncost-guest: up //p' "$work/console.txt" | head -n 1)
	# the warnings a run on a host gives: sysprep's noisy knobs, the engine's
	sed -n -e 's/^spawncost-guest: sysprep: /warning: /p' -e 's/^spawncost run: warning: /warning: /p' \
		"$work/console.txt" | while IFS= read -r line; do
		note "$name: $line"
	done
	[ ! -e "$partial/$name" ] || name="$name-$k"
	current=$name	# half-written until run_kernel returns
	unpack "$serial" "$partial/$name" ||
		die "$kernel_what: the run folder did not come back whole over the serial line"
	cp "$work/console.txt" "$partial/console/$name.log"
	"$sc" meta "$partial/$name" || die "$kernel_what: spawncost meta failed"
	"$sc" report "$partial/$name" > /dev/null 2>&1 || die "$kernel_what: spawncost report failed"
	note "$kernel_what: Linux $name, run in $(($(date +%s) - started)) s, into $out/$name"
}

# unpack SERIAL DIR: the tar between the begin and end lines, into DIR;
# gzip's CRC says whether it came back whole.
unpack() {
	tr -d '\r' < "$1" | sed -n '/^spawncost-guest: begin$/,/^spawncost-guest: end$/p' > "$work/b64"
	grep -q '^spawncost-guest: end$' "$work/b64" || return 1
	grep -v '^spawncost-guest: ' "$work/b64" | base64 -d > "$work/run.tar.gz" &&
		gzip -t "$work/run.tar.gz" 2>/dev/null || return 1
	mkdir "$work/unpack"
	tar -xzf "$work/run.tar.gz" -C "$work/unpack" && [ -d "$work/unpack/run" ] &&
		mv "$work/unpack/run" "$2" || return 1
	rm -rf "$work/unpack" "$work/run.tar.gz" "$work/b64"
}
