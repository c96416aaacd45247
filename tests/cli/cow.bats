#!/usr/bin/env bats
# Copy-on-write and the memory dimensions of fork: ballast kinds, VMA
# count, huge pages, the per-page costs and the fit.
load helpers

@test "page methods report per_page_ns and pages, and skip the 0 MiB cell" {
	run --separate-stderr "$SC" run -m cow -r 0,16 -n 30 -o out
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"0 MiB cells are left out"* ]]
	[ "$(tail -n +2 out/summary.csv | wc -l)" -eq 4 ]
	for m in cow-child cow-parent first-touch rewrite; do
		[ "$(col out/summary.csv pages $m 16)" -eq 4096 ]
		p=$(col out/summary.csv per_page_ns $m 16)
		awk -v p="$p" 'BEGIN { exit !(p > 0) }'
	done
	# per_page_ns is the median over the pages
	awk -F, "$BY_NAME"'
		field("pages") != "" { d = field("median_us") * 1000 / field("pages") - field("per_page_ns");
			if (d > 0.01 || d < -0.01) exit 1 }' out/summary.csv
}

@test "rewrite costs far less per page than first-touch; cow-child more than rewrite" {
	run "$SC" run -m cow -r 64 --thp off --min-time 0.2 -o out
	[ "$status" -eq 0 ]
	rewrite=$(col out/summary.csv per_page_ns rewrite 64)
	first=$(col out/summary.csv per_page_ns first-touch 64)
	cow=$(col out/summary.csv per_page_ns cow-child 64)
	echo "rewrite=$rewrite first-touch=$first cow-child=$cow"
	awk -v r="$rewrite" -v f="$first" 'BEGIN { exit !(r * 5 < f) }'
	awk -v r="$rewrite" -v c="$cow" 'BEGIN { exit !(c > r) }'
}

@test "ballast kinds are a column, and fork under dontfork does not grow with RSS" {
	run "$SC" run -m fork-exit -r 0,256 --ballast anon,dontfork --min-time 0.2 -o out
	[ "$status" -eq 0 ]
	by() { awk -F, -v k="$1" -v r="$2" "$BY_NAME"'
		field("ballast") == k && field("rss_mib") == r { print field("median_us") }' out/summary.csv; }
	a0=$(by anon 0); a256=$(by anon 256); d0=$(by dontfork 0); d256=$(by dontfork 256)
	echo "anon $a0 -> $a256; dontfork $d0 -> $d256"
	awk -v a="$a0" -v b="$a256" 'BEGIN { exit !(b > 3 * a) }'
	awk -v a="$d0" -v b="$d256" 'BEGIN { exit !(b < 2 * a) }'
	[ "$(awk -F, "$BY_NAME"' { print field("vmas") }' "$(samples_csv out)" | sort -u | tr '\n' ' ')" = "1 " ]
}

@test "every ballast kind runs, and each is resident or not as it says" {
	run "$SC" run -m fork-exit -r 64 --ballast anon,anon-untouched,shared-file,dontfork,wipeonfork -n 30 -o out
	[ "$status" -eq 0 ]
	rss() { awk -F, -v k="$1" "$BY_NAME"'
		field("ballast") == k { print field("rss_kib") }' out/summary.csv; }
	[ "$(rss anon)" -ge 65536 ]
	[ "$(rss shared-file)" -ge 65536 ]
	[ "$(rss dontfork)" -ge 65536 ]
	[ "$(rss anon-untouched)" -lt 16384 ]
}

@test "--vmas splits the ballast into that many mappings" {
	run "$SC" run -m fork-exit -r 64 --vmas 1000 -n 30 -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv vmas fork-exit 64)" -eq 1000 ]
	[ "$(col out/summary.csv rss_kib fork-exit 64)" -ge 60000 ]
}

@test "fit.csv has a line per method and ballast through the sweep" {
	run "$SC" run -m fork-exit,vfork-exit -r 0,16,64 -n 30 -o out
	[ "$status" -eq 0 ]
	[ "$(head -1 out/fit.csv | cut -d, -f1-7)" = "method,target,thp,ballast,fixed_us,us_per_gib,r2" ]
	[ "$(tail -n +2 out/fit.csv | wc -l)" -eq 2 ]
	slope=$(awk -F, '$1 == "fork-exit" { print $6 }' out/fit.csv)
	awk -v s="$slope" 'BEGIN { exit !(s > 0) }'
	[[ "$output" == *"fit over the sweep"* ]]
}

@test "a line through two sizes is no fit: the console says so, fit.csv has no r2, report copes" {
	run "$SC" run -m fork-exit,vfork-exit -r 0,16 -n 20 --rounds 2 -e none -o out
	[ "$status" -eq 0 ]
	[[ "$output" == *"fit over the sweep"* ]]
	[ "$(grep -c '2 points: no fit' <<< "$output")" -eq 2 ]
	refute grep -q 'r2 1.0000' <<< "$output"
	[ "$(cell out/fit.csv points method=vfork-exit)" -eq 2 ]
	[ -z "$(cell out/fit.csv r2 method=vfork-exit)" ]
	[ -z "$(cell out/fit.csv r2 method=fork-exit)" ]
	[ -n "$(cell out/fit.csv us_per_gib method=fork-exit)" ]
	[ "$(cell out/fit.csv x method=fork-exit)" = ballast_gib ]
	run "$SC" report out
	[ "$status" -eq 0 ]
	grep -q "fork's cost per GiB of ballast: .*(fit.csv: " out/report.md
	refute grep -q 'r²' out/report.md
}

@test "with three sizes or more the line has an r2, in fit.csv and on the console" {
	run "$SC" run -m fork-exit -r 0,16,64 -n 20 --rounds 2 -e none -o out
	[ "$status" -eq 0 ]
	[[ "$output" == *"(r2 "*", 3 sizes)"* ]]
	[ -n "$(cell out/fit.csv r2 method=fork-exit)" ]
}

@test "fork-exit is cheaper with huge pages, when the kernel gives them" {
	run "$SC" run -m fork-exit -r 256 --thp off,on --min-time 0.2 -o out
	[ "$status" -eq 0 ]
	by() { awk -F, -v t="$1" -v want="$2" "$BY_NAME"'
		field("thp") == t { print field(want) }' out/summary.csv; }
	huge=$(by on thp_kib)
	# fork copies a PMD for each huge page, 512 PTEs for each small one:
	# with half the ballast huge it copies half the PTEs or fewer (here it
	# is all of it, and 40 times cheaper). With a few huge pages, as a
	# kernel short of free 2 MiB blocks gives, the two cost about the same
	# and which reads cheaper is the machine's noise.
	[ "$huge" -ge $((256 * 1024 / 2)) ] || skip "the kernel backed $huge KiB of the 256 MiB ballast with huge pages, less than half"
	[ "$(by off thp_kib)" -lt 4096 ]
	off=$(by off median_us); on=$(by on median_us)
	echo "thp off $off us, on $on us ($huge KiB huge)"
	awk -v a="$off" -v b="$on" 'BEGIN { exit !(b < a) }'
}

@test "cow-child under a dontfork ballast says why it cannot run" {
	run "$SC" run -m cow-child -r 16 --ballast dontfork -n 30 -o out
	[ "$status" -eq 1 ]
	[[ "$(col out/summary.csv error cow-child 16)" == *"dontfork ballast is not in the child"* ]]
}

@test "the copy-on-write methods need room for two ballasts" {
	limit=$(awk '/MemAvailable/ { print int($2 / 1024 * 0.7) }' /proc/meminfo)
	expect_bad "does not fit twice" run -m cow-child -r "$limit"
}
