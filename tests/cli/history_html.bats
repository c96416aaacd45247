#!/usr/bin/env bats
# spawncost history --html: the page of the step fixture (20 real runs, a
# step at run-11: history.bats), loaded in a real browser, headless Chromium
# from the distribution (scripts/deps --tests), and read back from the DOM
# it built (xmllint's XPath); and the folder it is written to: whole or not
# at all, never over someone else's files.
load helpers

FX="$BATS_TEST_DIRNAME/../fixtures/history"

# Chromium as the distributions name it (Fedora's starts as
# chromium-browser); the test skips, saying so, where there is none.
need_chromium() {
	CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
		skip "no chromium here (scripts/deps --tests installs it): the page is not loaded"
	command -v xmllint >/dev/null ||
		skip "no xmllint here (scripts/deps --tests installs it): the DOM cannot be read"
}

# XPath expression $1 over the DOM Chromium built (dom.html).
xp() {
	xmllint --html --xpath "$1" dom.html 2>/dev/null
}

# What page folder $1 shows in Chromium: every chart there and drawn, no
# link that leads nowhere, the step at run-11 in the change-point table
# for each series it changed, and the 20 runs. Says what is wrong, first.
shows_the_step() {
	local page="$1" n=0 ref
	# a profile and a home of its own: nothing left in $HOME (it keeps
	# folders in ~/.cache and ~/.config), no lock shared with another
	HOME="$BATS_TEST_TMPDIR" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config" \
		XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache" "$CHROMIUM" --headless --disable-gpu \
		--no-sandbox --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
		--dump-dom "file://$page/index.html" > dom.html 2>/dev/null ||
		{ echo "chromium could not load $page"; return 1; }
	[ "$(xp 'string(//h1)')" = "spawncost history" ] || { echo "no page in the DOM"; return 1; }
	# a chart per series, each drawn: an SVG that is there
	[ "$(xp 'count(//figure/img)')" -eq 18 ] ||
		{ echo "$(xp 'count(//figure/img)') charts, not 18"; return 1; }
	# every link and source: a file of the page, or an id on it; none
	# from the network
	xp '//@id' | sed 's/^ *id="\(.*\)"$/\1/' > ids
	for ref in $(xp '//@src | //@href' | sed 's/^ *[a-z]*="\(.*\)"$/\1/'); do
		n=$((n + 1))
		case $ref in
		\#*) grep -qxF -- "${ref#\#}" ids || { echo "$ref: no such id"; return 1; } ;;
		*:* | /*) echo "$ref: not a file of the page"; return 1 ;;
		*) [ -s "$page/$ref" ] || { echo "$ref: no such file in the page"; return 1; } ;;
		esac
	done
	[ "$n" -gt 18 ] || { echo "only $n links and sources"; return 1; }
	grep -q '<svg' "$page/charts/s1.svg" || { echo "charts/s1.svg is no SVG"; return 1; }
	# the change points: the ten series, each stepping up at run 11, the
	# first heavy-parent run
	xp '//table[@id="changes-table"]/tbody/tr/td[2]' | sed 's/<[^>]*>//g' > changed
	# the series the step changed (history.bats), a row each
	cmp -s changed "$FX/step-changed.txt" || { echo "change points in: $(cat changed)"; return 1; }
	[ "$(xp 'count(//table[@id="changes-table"]/tbody/tr[td[6]="11"][td[7]="heavy-parent [run-11]"])')" -eq 10 ] ||
		{ echo "not every change at run 11, heavy-parent [run-11]"; return 1; }
	# the runs, each with its kernel, host and commit
	[ "$(xp 'count(//table[@id="runs-table"]/tbody/tr)')" -eq 20 ] ||
		{ echo "$(xp 'count(//table[@id="runs-table"]/tbody/tr)') runs, not 20"; return 1; }
	[ "$(xp 'string(//table[@id="runs-table"]/tbody/tr[11]/td[3])')" = heavy-parent ] ||
		{ echo "run 11 is not labelled heavy-parent"; return 1; }
	[ "$(xp 'string(//table[@id="runs-table"]/tbody/tr[20]/td[4])')" = 6.18.44-fc-v1272 ] ||
		{ echo "run 20 has no kernel"; return 1; }
}

@test "history --html: the step fixture's page in Chromium: every chart, the step at run-11, 20 runs, no broken link" {
	need_chromium
	run --separate-stderr "$SC" history --html page "$FX/step"
	# the exit status of the listing: a change point was found
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	[ "$output" = "page/index.html" ]
	[ ! -e page.tmp ]
	shows_the_step "$SCRATCH/page"
	# the latest run against the one before, a row per series
	[ "$(xp 'count(//table[@id="latest-table"]/tbody/tr)')" -eq 18 ]
	# each claim ratio against its band run by run: fork-exit/vfork-exit
	# at 0 MiB within 4-5x or undecided before the step, above it after
	xp '//table[@id="claims-table"]/tbody/tr[1]/td/@class' | tr -d ' "' | sed 's/class=//' > sides
	[ "$(sed -n '1,10p' sides | sort -u | tr '\n' ' ')" = "across within " ]
	[ "$(sed -n '11,20p' sides | sort -u)" = above ]
	[ "$(xp 'count(//table[@id="claims-table"]/tbody/tr)')" -eq 10 ]
}

@test "history --html: the check fails on a page without a chart or without its table of change points" {
	need_chromium
	"$SC" history --html page "$FX/step" > /dev/null || true
	cp -R page nochart
	rm nochart/charts/s4.svg
	run shows_the_step "$SCRATCH/nochart"
	[ "$status" -eq 1 ]
	[ "$output" = "charts/s4.svg: no such file in the page" ]
	cp -R page notable
	sed -i '/<table id=changes-table>/,/<\/table>/d' notable/index.html
	run shows_the_step "$SCRATCH/notable"
	[ "$status" -eq 1 ]
	[[ "$output" == "change points in: "* ]]
}

@test "history --html: no change, a page that says so; a page written before is replaced whole" {
	run --separate-stderr "$SC" history "$FX/nochange" --html page
	[ "$status" -eq 0 ]
	grep -q '<tr><td colspan=9>no change point</td></tr>' page/index.html
	[ "$(ls page/charts | wc -l)" -eq 18 ]
	touch page/charts/stale.svg
	run --separate-stderr "$SC" history "$FX/step" --html page
	[ "$status" -eq 1 ]
	[ ! -e page/charts/stale.svg ]
	[ ! -e page.tmp ]
	grep -q 'heavy-parent \[run-11\]' page/index.html
	# an empty folder is taken too, named with a slash or not
	mkdir empty
	run --separate-stderr "$SC" history "$FX/step" --html empty/
	[ "$status" -eq 1 ]
	[ "$output" = "empty/index.html" ]
	[ -s empty/index.html ]
	[ "$(ls -A)" = "$(printf 'empty\npage')" ]
}

@test "history --html: a folder of other files, a file, a missing parent: one line, exit 2, nothing written" {
	mkdir theirs
	echo keep > theirs/notes.txt
	run --separate-stderr "$SC" history "$FX/step" --html theirs
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --html: theirs: holds files that are not a history page (give a new or an empty folder)" ]
	[ "$(ls -A theirs)" = notes.txt ]
	[ ! -e theirs.tmp ]
	rm -r theirs
	touch afile
	run --separate-stderr "$SC" history "$FX/step" --html afile
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --html: afile: exists and is not a folder" ]
	rm afile
	expect_bad "no/such: no such folder" history "$FX/step" --html no/such/page
	# . or .. as the folder: OUT.tmp, made beside OUT, would be inside it
	"$SC" history "$FX/nochange" --html page
	run --separate-stderr "$SC" history "$FX/step" --html page/.
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --html: page/.: name the folder itself, not . or .." ]
	grep -q 'no change point' page/index.html
	[ "$(ls -A)" = page ]
	cd page
	run --separate-stderr "$SC" history "$FX/step" --html ..
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --html: ..: name the folder itself, not . or .." ]
	rm -r ./* .spawncost-history
	run --separate-stderr "$SC" history "$FX/step" --html .
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --html: .: name the folder itself, not . or .." ]
	[ -z "$(ls -A)" ]
	cd "$SCRATCH"
	rm -r page
	expect_bad "--html: an empty folder name" history "$FX/step" --html ""
	expect_bad "/nonexistent: No such file or directory" history /nonexistent --html page
	expect_bad "--html: writes the page alone" history "$FX/step" --html page --report 1
	expect_bad "--html: writes the page alone" history "$FX/step" --html page --format json
}

@test "history --html: a folder the user cannot write in: one line, exit 2" {
	stranger
	mkdir locked
	chmod 755 locked
	run --separate-stderr "${STRANGER[@]}" "$STRANGER_SC" history "$FX/step" --html locked
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --html: locked: is not writable" ]
	run --separate-stderr "${STRANGER[@]}" "$STRANGER_SC" history "$FX/step" --html locked/page
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --html: locked: is not writable (the page is made beside it, then renamed)" ]
	[ -z "$(ls -A locked)" ]
}

@test "history --html: when gnuplot fails, no page and no OUT.tmp; a page already there stays" {
	mkdir bin
	printf '#!/bin/sh\necho "gnuplot: broken on purpose" >&2\nexit 1\n' > bin/gnuplot
	chmod +x bin/gnuplot
	PATH="$SCRATCH/bin:$PATH" run --separate-stderr "$SC" history "$FX/step" --html page
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | tail -n 1)" = "spawncost history: --html: gnuplot could not draw the charts (its messages are above)" ]
	[ ! -e page ]
	[ ! -e page.tmp ]
	"$SC" history "$FX/nochange" --html page
	PATH="$SCRATCH/bin:$PATH" run --separate-stderr "$SC" history "$FX/step" --html page
	[ "$status" -eq 2 ]
	grep -q 'no change point' page/index.html
	[ ! -e page.tmp ]
}
