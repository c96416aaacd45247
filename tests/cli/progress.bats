#!/usr/bin/env bats
# Progress on stderr: on a terminal one line redrawn in place with the time
# left (harness/engine/progress.c); in a log a line per window, which
# scripts read, exactly as before.
load helpers

# "$@" on a pseudo-terminal (util-linux script(1)): what the terminal got,
# stdout and stderr together, in pty.txt, and its exit status in tty_status.
on_tty() {
	command -v script >/dev/null || skip "no script(1) (util-linux) to give the run a terminal"
	tty_status=0
	script -qfec "$(printf '%q ' "$@")" /dev/null > pty.txt || tty_status=$?
}

RUN=(run -m fork-exit,vfork-exit -r 0 -n 40 --rounds 4 -e none -o out)

@test "on a terminal: one line redrawn in place, with how far, the time spent and the time left" {
	on_tty "$SC" "${RUN[@]}"
	cat -A pty.txt
	[ "$tty_status" -eq 0 ]
	# redrawn: each window's line starts with a return and a clear to the end
	[ "$(grep -o $'\r\033\\[Kround [1-4]/4  cell [12]/2  ' pty.txt | wc -l)" -eq 8 ]
	grep -q $'\r\033\\[Kround 3/4  cell 1/2  fork-exit 0 MiB  .*%, 0:0[0-9] spent, 0:0[0-9] left' pty.txt
	grep -q $'\r\033\\[Kround 1/4  cell 1/2  fork-exit 0 MiB  .*0%, estimating' pty.txt
	# no line per window scrolls by
	refute grep -q 'window median' pty.txt
	# the line is cleared before the closing table
	grep -q $'\r\033\\[Kmethod  ' pty.txt
}

@test "the bar: blocks in a UTF-8 locale, ASCII in C or with NO_COLOR, no escapes with TERM=dumb" {
	on_tty env LC_ALL=C.UTF-8 "$SC" "${RUN[@]}"
	grep -qE 'round 2/4  cell 1/2  fork-exit 0 MiB +(█|░)+ +[0-9]+% · ' pty.txt
	rm -r out
	on_tty env LC_ALL=C.UTF-8 NO_COLOR=1 "$SC" "${RUN[@]}"
	grep -q 'round 2/4  cell 1/2  fork-exit 0 MiB  *\[##*\.*\]  *[0-9]*%, ' pty.txt
	refute grep -q '█' pty.txt
	rm -r out
	on_tty env TERM=dumb "$SC" "${RUN[@]}"
	grep -q $'\rround 2/4  cell 1/2  fork-exit 0 MiB  ' pty.txt
	refute grep -q $'\033' pty.txt
}

@test "on a terminal, a failed cell's line starts on a line of its own" {
	command -v prlimit || skip "no prlimit"
	skip_if_sanitized	# ASan reserves terabytes of address space
	on_tty prlimit --as=$((768 << 20)) "$SC" run -m vfork-exit -r 0,1024 -n 20 --rounds 2 -e none -o out
	cat -A pty.txt
	[ "$tty_status" -eq 1 ]
	grep -q $'\r\033\\[K\\[round 1/2, 2/2\\] vfork-exit rss=1024MiB thp=off: error: ENOMEM: ballast mmap failed\r$' pty.txt
}

@test "in a log: a line per window, as scripts read them, and no redrawing" {
	run --separate-stderr "$SC" run -m fork-exit,vfork-exit -r 0 -n 40 --rounds 2 -e none -o out
	[ "$status" -eq 0 ]
	[ "$(grep -cE '^\[round [12]/2, [12]/2\] v?fork-exit rss=0MiB thp=off: window median [0-9]+\.[0-9]{2} us \(n=20\)(, contended: .*)?$' <<< "$stderr")" -eq 4 ]
	refute grep -q $'\r' <<< "$stderr"
	refute grep -q ' left' <<< "$stderr"
}
