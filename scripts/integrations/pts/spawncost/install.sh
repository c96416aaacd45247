#!/bin/sh
# The Phoronix Test Suite's install step for spawncost. PTS runs it in the
# test's install folder; it copies spawncost's source there, builds it, and
# writes ./spawncost, which PTS runs with the chosen options and whose
# result lines ($LOG_FILE) results-definition.xml reads.
#
# SPAWNCOST_SRC names the source: a spawncost checkout (its committed HEAD
# is taken when it is a git repository) or a URL git can clone. What
# building needs must be installed already: scripts/deps --build, as root,
# installs it; this step only says what is missing.
export LC_ALL=C	# figures for machines: a decimal point, whatever the locale
src=${SPAWNCOST_SRC:-}
here=$(pwd)

fail() {
	echo "spawncost install: $*" >&2
	echo 1 > "$HOME/install-exit-status"
	exit 1
}

[ -n "$src" ] || fail "set SPAWNCOST_SRC to a spawncost checkout or a git URL"
rm -rf spawncost-src
if [ -d "$src/.git" ]; then
	mkdir spawncost-src || fail "cannot make spawncost-src"
	git -C "$src" archive HEAD | tar -x -C spawncost-src || fail "cannot copy $src"
elif [ -d "$src" ]; then
	cp -R "$src" spawncost-src || fail "cannot copy $src"
	rm -rf spawncost-src/build spawncost-src/results
else
	git clone -q --depth 1 "$src" spawncost-src || fail "cannot clone $src"
fi
missing=$(spawncost-src/scripts/deps --check --build) ||
	fail "not installed: ${missing#missing: } (scripts/deps --build installs them)"
make -s -C spawncost-src all >&2 || fail "the build failed"

# PTS runs this with the options it chose, e.g. --pin same -m fork-exit -r 64.
cat > spawncost <<EOT
#!/bin/sh
export LC_ALL=C	# figures for machines: a decimal point, whatever the locale
dir=\$(mktemp -d) || exit 1
"$here/spawncost-src/build/spawncost" run "\$@" -o "\$dir/run" > "\$dir/log" 2>&1
rc=\$?
if [ \$rc -le 1 ]; then
	"$here/spawncost-src/scripts/integrations/pts/spawncost/result-lines" "\$dir/run" \\
		> "\${LOG_FILE:-/dev/stdout}" 2>> "\$dir/log"
	rc=\$?
fi
[ \$rc -eq 0 ] || cat "\$dir/log" >&2
rm -rf "\$dir"
echo \$rc > "\$HOME/test-exit-status"
exit \$rc
EOT
chmod +x spawncost
echo 0 > "$HOME/install-exit-status"
