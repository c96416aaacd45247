# How a script of spawncost ends, sourced by each: one habit, not one per
# script.
#
#   cleanup_on_exit NAME 'rm -rf "$work"'
#
# runs the command however the script ends. A signal that would end it
# (HUP, INT, QUIT, PIPE, ALRM, TERM, USR1, USR2) ends it there: one line on
# stderr, "NAME: interrupted by TERM", then the command, and the status is
# 128 + the signal's number, as a shell gives for a child a signal killed.
# A trap that only cleans up (trap '...' EXIT INT TERM) lets the script go
# on after the signal, its work half done and its temporaries gone, and
# exit 0: scripts/plots did, with 6 of 8 charts missing. (A shell runs a
# trap once its foreground command is done: a signal sent to the script
# alone waits for that command.)

cleanup_on_exit() {
	cleanup_name=$1
	trap "$2" EXIT
	for cleanup_sig in HUP INT QUIT PIPE ALRM TERM USR1 USR2; do
		trap "cleanup_interrupted $cleanup_sig" "$cleanup_sig"
	done
}

cleanup_interrupted() {
	# a second signal does not cut the cleanup short; stderr may be the
	# pipe that is gone
	trap '' HUP INT QUIT PIPE ALRM TERM USR1 USR2
	echo "$cleanup_name: interrupted by $1" >&2 || :
	cleanup_n=1
	while [ "$cleanup_n" -lt 128 ] && [ "$(kill -l "$cleanup_n" 2>/dev/null)" != "$1" ]; do
		cleanup_n=$((cleanup_n + 1))
	done
	exit $((128 + cleanup_n))
}

# The work the command cleans up after is done: no cleanup, and signals end
# the script as they would have.
cleanup_done() {
	trap - EXIT HUP INT QUIT PIPE ALRM TERM USR1 USR2
}
