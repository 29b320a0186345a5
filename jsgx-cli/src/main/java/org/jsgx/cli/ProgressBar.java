package org.jsgx.cli;

import java.io.PrintStream;
import java.util.function.LongConsumer;

/**
 * A one-line progress bar on stderr for long work. Shown only on a terminal (System.console()),
 * never with --json (scripts read stdout, and a bar in a captured stderr is noise), and only
 * once the work has run for a second, so quick commands print nothing extra.
 */
final class ProgressBar implements LongConsumer, AutoCloseable {
    private static final long DELAY_NANOS = 1_000_000_000L;
    private static final long REPAINT_NANOS = 100_000_000L;
    private static final int WIDTH = 40;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastPaint;
    private boolean shown;

    private ProgressBar(PrintStream err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    /** A bar for {@code total} units, or null when no bar should be shown. */
    static ProgressBar start(String label, long total, boolean json) {
        if (json || System.console() == null || total <= 0) {
            return null;
        }
        return new ProgressBar(System.err, label, total);
    }

    @Override
    public void accept(long done) {
        long now = System.nanoTime();
        if (now - start < DELAY_NANOS || (shown && now - lastPaint < REPAINT_NANOS && done < total)) {
            return;
        }
        lastPaint = now;
        shown = true;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + (100 * Math.min(done, total) / total) + "%");
        err.flush();
    }

    @Override
    public void close() {
        if (shown) {
            err.print("\r" + " ".repeat(label.length() + WIDTH + 10) + "\r");
            err.flush();
        }
    }
}
