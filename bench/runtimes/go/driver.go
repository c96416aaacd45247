// spawncost's Go driver: spawn the no-op from a heap of MIB MiB.
//
// usage: driver NOOP MIB COUNT SECONDS API
// API: exec (exec.Command(noop).Run()).
// The protocol is in bench/runtimes/README.md; stdout carries only it.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

const (
	maxMiB     = 1 << 20 // 1 TiB
	maxCount   = 1000000000
	maxSeconds = 1000000
	warmup     = 5
	minTimed   = 30 // a time limit never stops a window with fewer samples
	page       = 4096
)

var (
	decimal = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	whole   = regexp.MustCompile(`^[0-9]+$`)
	out     = bufio.NewWriter(os.Stdout)
)

func fail(status int, format string, a ...interface{}) {
	fmt.Fprintf(out, "error "+format+"\n", a...)
	out.Flush()
	os.Exit(status)
}

type args struct {
	noop  string
	bytes int
	count int
	limit time.Duration
	api   string
}

func parse(argv []string) args {
	if len(argv) != 5 {
		fail(2, "usage: driver NOOP MIB COUNT SECONDS API (got %d arguments)", len(argv))
	}
	a := args{noop: argv[0], api: argv[4]}
	if a.noop == "" || a.noop[0] != '/' {
		fail(2, "NOOP %s: not an absolute path", a.noop)
	}
	st, err := os.Stat(a.noop)
	if os.IsNotExist(err) {
		fail(2, "NOOP %s: no such file", a.noop)
	}
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0111 == 0 {
		fail(2, "NOOP %s: not an executable file", a.noop)
	}
	mib, err := strconv.ParseFloat(argv[1], 64)
	if !decimal.MatchString(argv[1]) || err != nil || mib > maxMiB {
		fail(2, "MIB %s: not a decimal number of MiB from 0 to %d", argv[1], maxMiB)
	}
	a.count, err = strconv.Atoi(argv[2])
	if !whole.MatchString(argv[2]) || err != nil || a.count < 1 || a.count > maxCount {
		fail(2, "COUNT %s: not a whole number from 1 to %d", argv[2], maxCount)
	}
	seconds, err := strconv.ParseFloat(argv[3], 64)
	if !decimal.MatchString(argv[3]) || err != nil || seconds > maxSeconds {
		fail(2, "SECONDS %s: not a decimal number of seconds from 0 to %d", argv[3], maxSeconds)
	}
	if a.api != "exec" {
		fail(2, "API %s: not one of exec", a.api)
	}
	a.bytes = int(mib * 1024 * 1024)
	a.limit = time.Duration(seconds * 1e9)
	return a
}

// once is one round trip: exec.Command starts the child (with /dev/null
// for its stdio, as Go does when none is given) and Run waits for it.
func once(noop string) {
	err := exec.Command(noop).Run()
	if err == nil {
		return
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			fail(1, "%s: killed by signal %d", noop, ws.Signal())
		}
		fail(1, "%s: exit status %d", noop, ee.ExitCode())
	}
	// a failed start names the call that failed and its errno's text
	fail(1, "exec.Command(%s).Run(): %v", noop, err)
}

func main() {
	a := parse(os.Args[1:])

	// the ballast: a []byte on Go's heap, one byte written in every page.
	// Go cannot recover from failing to allocate it: ask the kernel first.
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil && uint64(a.bytes) > uint64(si.Totalram)*uint64(si.Unit) {
		fail(1, "ENOMEM: cannot allocate a ballast of %d bytes (more than this machine's memory)", a.bytes)
	}
	ballast := make([]byte, a.bytes)
	for i := 0; i < len(ballast); i += page {
		ballast[i] = 1
	}
	fmt.Fprintf(out, "version %s\n", runtime.Version())

	for i := 0; i < warmup; i++ {
		once(a.noop)
	}
	fmt.Fprintln(out, "ready")
	out.Flush()
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if line != "go\n" && line != "go" {
		return
	}

	room := a.count // grown by append past 64 Ki samples
	if room > 1<<16 {
		room = 1 << 16
	}
	samples := make([]int64, 0, room)
	var first time.Time
	for i := 0; i < a.count; i++ {
		t0 := time.Now()
		once(a.noop)
		t1 := time.Now()
		samples = append(samples, t1.Sub(t0).Nanoseconds())
		if i == 0 {
			first = t0
		}
		if a.limit > 0 && len(samples) >= minTimed && t1.Sub(first) >= a.limit {
			break
		}
	}

	for _, ns := range samples {
		fmt.Fprintln(out, ns)
	}
	fmt.Fprintln(out, "done")
	out.Flush()
	runtime.KeepAlive(ballast) // alive until the samples are out
}
