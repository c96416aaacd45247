// spawncost's Java driver: spawn the no-op from a heap of MIB MiB.
//
// usage: java -Xmx<MIB+256>m -cp DIR Driver NOOP MIB COUNT SECONDS API
// API: processbuilder (new ProcessBuilder(noop).start().waitFor()).
// The protocol is in bench/runtimes/README.md; stdout carries only it.
// The engine gives -Xmx, so the ballast fits on the heap.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

public final class Driver {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Pattern WHOLE = Pattern.compile("[0-9]+");
    private static final double MAX_MIB = 1 << 20; // 1 TiB
    private static final long MAX_COUNT = 1_000_000_000L;
    private static final double MAX_SECONDS = 1e6;
    private static final int WARMUP = 5;
    private static final int MIN_TIMED = 30; // a time limit never stops a window with fewer samples
    private static final int PAGE = 4096;
    // a Java array holds at most 2^31-1 elements: the ballast is chunks of this
    private static final int CHUNK = 64 << 20;

    private Driver() {}

    private static void fail(int status, String why) {
        System.out.println("error " + why);
        System.out.flush();
        System.exit(status);
    }

    private static String noop;
    private static long bytes;
    private static long count;
    private static long limitNs;

    private static void parse(String[] argv) {
        if (argv.length != 5) {
            fail(2, "usage: Driver NOOP MIB COUNT SECONDS API (got " + argv.length + " arguments)");
        }
        noop = argv[0];
        Path p = Path.of(noop);
        if (!p.isAbsolute()) {
            fail(2, "NOOP " + noop + ": not an absolute path");
        }
        if (!Files.exists(p)) {
            fail(2, "NOOP " + noop + ": no such file");
        }
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            fail(2, "NOOP " + noop + ": not an executable file");
        }
        if (!DECIMAL.matcher(argv[1]).matches() || Double.parseDouble(argv[1]) > MAX_MIB) {
            fail(2, "MIB " + argv[1] + ": not a decimal number of MiB from 0 to " + (long) MAX_MIB);
        }
        bytes = (long) (Double.parseDouble(argv[1]) * 1024 * 1024);
        // at most 10 digits: MAX_COUNT has 10, and Long.parseLong cannot overflow
        if (!WHOLE.matcher(argv[2]).matches() || argv[2].length() > 10
                || (count = Long.parseLong(argv[2])) < 1 || count > MAX_COUNT) {
            fail(2, "COUNT " + argv[2] + ": not a whole number from 1 to " + MAX_COUNT);
        }
        if (!DECIMAL.matcher(argv[3]).matches() || Double.parseDouble(argv[3]) > MAX_SECONDS) {
            fail(2, "SECONDS " + argv[3] + ": not a decimal number of seconds from 0 to "
                    + (long) MAX_SECONDS);
        }
        limitNs = (long) (Double.parseDouble(argv[3]) * 1e9);
        if (!argv[4].equals("processbuilder")) {
            fail(2, "API " + argv[4] + ": not one of processbuilder");
        }
    }

    // MemTotal from /proc/meminfo, in bytes; Long.MAX_VALUE when unknown.
    private static long memTotal() {
        try (var lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(Long.MAX_VALUE);
        } catch (IOException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    // The ballast: byte arrays on the Java heap, one byte written in every page.
    // The JVM commits its heap as it grows, so a ballast beyond the machine's
    // memory would meet the OOM killer rather than an OutOfMemoryError:
    // it is refused first.
    private static byte[][] ballast(long size) {
        if (size > memTotal()) {
            fail(1, "ENOMEM: cannot allocate a ballast of " + size
                    + " bytes (more than this machine's memory)");
        }
        try {
            byte[][] chunks = new byte[(int) ((size + CHUNK - 1) / CHUNK)][];
            for (int c = 0; c < chunks.length; c++) {
                chunks[c] = new byte[(int) Math.min(CHUNK, size - (long) c * CHUNK)];
                for (int i = 0; i < chunks[c].length; i += PAGE) {
                    chunks[c][i] = 1;
                }
            }
            return chunks;
        } catch (OutOfMemoryError e) {
            fail(1, "ENOMEM: cannot allocate a ballast of " + size + " bytes (" + e.getMessage()
                    + "; is -Xmx large enough?)");
            return null;
        }
    }

    // One round trip: start() spawns (stdio piped, the default), waitFor() reaps.
    private static void once() {
        int status = -1;
        try {
            status = new ProcessBuilder(noop).start().waitFor();
        } catch (IOException e) {
            fail(1, "ProcessBuilder(" + noop + ").start(): " + e.getMessage());
        } catch (InterruptedException e) {
            fail(1, "EINTR: waitFor() interrupted");
        }
        if (status != 0) {
            // the JDK reports a child killed by signal N as 128+N
            fail(1, noop + ": exit status " + status);
        }
    }

    public static void main(String[] argv) throws IOException {
        parse(argv);
        byte[][] heap = ballast(bytes);
        System.out.println("version java " + System.getProperty("java.version"));

        for (int i = 0; i < WARMUP; i++) {
            once();
        }
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            return;
        }

        long[] samples = new long[(int) Math.min(count, 1 << 16)];
        int n = 0;
        long first = 0;
        for (long i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            once();
            long t1 = System.nanoTime();
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, n * 2);
            }
            samples[n++] = t1 - t0;
            if (n == 1) {
                first = t0;
            }
            if (limitNs > 0 && n >= MIN_TIMED && t1 - first >= limitNs) {
                break;
            }
        }

        StringBuilder out = new StringBuilder(n * 10 + 8);
        for (int i = 0; i < n; i++) {
            out.append(samples[i]).append('\n');
        }
        System.out.print(out.append("done\n"));
        System.out.flush();
        Reference.reachabilityFence(heap); // alive until the samples are out
    }
}
