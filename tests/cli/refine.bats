#!/usr/bin/env bats
# run --refine: parent sizes measured where a claim's ratio crosses a band
# edge. Shape and behaviour, no absolute times.
load helpers

# A refined run of the -exit and -exec pairs at two sizes far apart, made once for the
# file (a refined search takes seconds).
setup_file() {
	export REFINED="$BATS_FILE_TMPDIR/refined"
	[ -z "${SPAWNCOST_SANITIZED:-}" ] || return 0
	"$SC" run -m fork-exit,vfork-exit,fork-exec,vfork-exec,posix-spawn -r 0,64 --refine \
		--refine-time 10 -n 300 --cpus 1 -e none -o "$REFINED" >/dev/null 2>"$BATS_FILE_TMPDIR/err"
}

@test "a refined run adds parent sizes between the swept ones, as ordinary rows" {
	skip_if_sanitized	# under ASan fork's ratios cross no edge in 0-64 MiB
	[ -s "$REFINED/summary.csv" ]
	[[ "$(head -1 "$REFINED/summary.csv")" == *,throughput_per_s,refined,windows,contended_windows ]]
	# fork-exec/vfork-exec crosses 4x and 5x between 0 and 64 MiB here
	[ "$(awk -F, "$BY_NAME"'
		field("refined") == "yes"' "$REFINED/summary.csv" | wc -l)" -ge 4 ]
	[ "$(awk -F, "$BY_NAME"'
		field("refined") == "no"' "$REFINED/summary.csv" | wc -l)" -eq 10 ]
	# every added size lies between the swept ones, on the quarter-MiB grid
	awk -F, "$BY_NAME"'
		field("refined") == "yes" && !(field("rss_mib") > 0 && field("rss_mib") < 64 &&
			field("rss_mib") * 4 == int(field("rss_mib") * 4)) { bad = 1 }
		END { exit bad }' "$REFINED/summary.csv"
	grep -q '^refine=yes$' "$REFINED/env.txt"
	grep -q '^refine_stopped=' "$REFINED/env.txt"
	grep -q 'spawncost: refine: .* sizes added in' "$BATS_FILE_TMPDIR/err"
}

@test "refine_sizes and the console count sizes, not the cells or pairs measured at them" {
	sizes=$(awk -F, "$BY_NAME"'field("refined") == "yes" { print field("rss_mib") }' \
		"$REFINED/summary.csv" | sort -u | wc -l)
	[ "$sizes" -gt 0 ]
	grep -qx "refine_sizes=$sizes" "$REFINED/env.txt"
	grep -q "spawncost: refine: $sizes sizes added in" "$BATS_FILE_TMPDIR/err"
}

@test "fractional rss_mib reads back through report, compare, export and plots" {
	skip_if_sanitized
	cp -r "$REFINED" run
	run "$SC" report run
	[ "$status" -eq 0 ]
	[[ "$output" == *"fork-exec / vfork-exec"*"crosses 4×"* ]]
	grep -q 'crosses 4× between [0-9.]* and [0-9.]* MiB (measured)\|crosses 4× at about' run/report.md
	run "$SC" compare run run
	[ "$status" -eq 0 ]
	[[ "$output" == *"fork-exec/rss_mib:"*"."*"/thp:off"* ]]
	run "$SC" export run --format github-action-benchmark
	[ "$status" -eq 0 ]
	[[ "$output" == *"rss_mib:"*"."* ]]
	run "$BATS_TEST_DIRNAME/../../scripts/plots" run
	[ "$status" -eq 0 ]
	[ -s run/claims.svg ]
	[ -s run/latency.svg ]
}

@test "a crossing with sizes close on either side is a measured bracket" {
	# two sizes a quarter MiB apart, decided on either side of 4x: measured
	mkdir run
	{
		echo "run_id,host,method,target,rss_mib,thp,pin,rss_kib,iterations,median_us,p10_us,p90_us,ci_lo_us,ci_hi_us,error,refined"
		echo "r,h,fork-exec,static,0,off,none,2000,100,100,90,110,99,101,,no"
		echo "r,h,vfork-exec,static,0,off,none,2000,100,30,28,32,29.9,30.1,,no"
		echo "r,h,fork-exec,static,5,off,none,7000,100,156,150,160,155,157,,yes"
		echo "r,h,vfork-exec,static,5,off,none,7000,100,40,38,42,39.9,40.1,,yes"
		echo "r,h,fork-exec,static,5.25,off,none,7200,100,164,160,170,163,165,,yes"
		echo "r,h,vfork-exec,static,5.25,off,none,7200,100,40,38,42,39.9,40.1,,yes"
		echo "r,h,fork-exec,static,16,off,none,18000,100,300,290,310,299,301,,no"
		echo "r,h,vfork-exec,static,16,off,none,18000,100,40,38,42,39.9,40.1,,no"
	} > run/summary.csv
	printf 'run_id=r\nrefine=yes\nrefine_stopped=converged\n' > run/env.txt
	run "$SC" report run
	[ "$status" -eq 0 ]
	[[ "$output" == *"crosses 4× between 5 and 5.25 MiB (measured)"* ]]
	# 5x is crossed between 5.25 and 16 MiB, far apart: interpolated, and why
	[[ "$output" == *"5× at about "*" MiB (interpolated between 5.25 and 16 MiB: the search stopped: converged)"* ]]
	# without the search, the reason says so
	printf 'run_id=r\nrefine=no\n' > run/env.txt
	run "$SC" report run
	[[ "$output" == *"(interpolated between 5.25 and 16 MiB: no size between was measured; run --refine does)"* ]]
}

@test "a claim --refine does not search never sends the reader to --refine" {
	# "fork copies nothing" (fork-exit against the smallest parent) crosses
	# 1.10x between 1 and 16 MiB; --refine searches only the bands' pairs
	mkdir run
	{
		echo "run_id,host,method,target,rss_mib,thp,pin,rss_kib,iterations,median_us,p10_us,p90_us,ci_lo_us,ci_hi_us,error,refined"
		echo "r,h,fork-exit,static,0,off,none,2000,100,100,90,110,99.9,100.1,,no"
		echo "r,h,fork-exit,static,1,off,none,3000,100,104,95,115,103.9,104.1,,no"
		echo "r,h,fork-exit,static,16,off,none,18000,100,300,290,310,299,301,,no"
	} > run/summary.csv
	for refine in 'refine=no' 'refine=yes\nrefine_stopped=converged'; do
		printf "run_id=r\n$refine\n" > run/env.txt
		run "$SC" report run
		[ "$status" -eq 0 ]
		[[ "$output" == *"(interpolated between 1 and 16 MiB: no size between was measured; --refine does not search this claim, sizes between in -r do)"* ]]
	done
}

@test "bad --refine and --refine-time are one line and exit 2" {
	expect_bad "--refine-time" run -m core -r 0,16 --refine --refine-time 0
	expect_bad "--refine-time" run -m core -r 0,16 --refine --refine-time -1
	expect_bad "--refine-time" run -m core -r 0,16 --refine --refine-time soon
	expect_bad "--refine: needs two parent sizes" run -m core -r 16 --refine
	expect_bad "--refine-time" run -m core -r 0,16 --no-refine --refine-time 5
}
