package org.jsgx.cli.lab;

/** A page-replacement policy replayed over a trace of page numbers with a fixed EPC size. */
public interface ReplacementPolicy {
    String name();

    /** Replays {@code trace} on an EPC of {@code capacity} pages; returns the faults (loads). */
    long faults(int[] trace, int capacity);
}
