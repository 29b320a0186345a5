package org.jsgx.cli.lab;

import java.util.SplittableRandom;

/**
 * The lab's access traces (page numbers; several enclaves use disjoint ranges), sized relative
 * to the EPC so that every trace oversubscribes it. All are seeded.
 */
public enum Trace {
    /** A sequential scan over 1.5x the EPC, repeated: LRU's worst case. */
    SEQ("sequential scan of 1.5x EPC"),
    /** Uniform random over 2x the EPC. */
    UNIFORM("uniform random over 2x EPC"),
    /** Zipf(0.99) over 4x the EPC: a hot core and a long tail. */
    ZIPF("Zipf s=0.99 over 4x EPC"),
    /** A working set of 0.75x the EPC that moves to fresh pages four times. */
    SHIFT("working set 0.75x EPC shifting 4 times"),
    /** Four enclaves of 1x the EPC each competing, each Zipf-distributed, interleaved. */
    MULTI("4 enclaves x 1x EPC, Zipf each, interleaved");

    public final String description;

    Trace(String description) {
        this.description = description;
    }

    public int[] generate(int epc, int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ ordinal() * 0x9E3779B97F4A7C15L);
        int[] t = new int[length];
        switch (this) {
            case SEQ -> {
                int span = epc * 3 / 2;
                for (int i = 0; i < length; i++) {
                    t[i] = i % span;
                }
            }
            case UNIFORM -> {
                for (int i = 0; i < length; i++) {
                    t[i] = r.nextInt(2 * epc);
                }
            }
            case ZIPF -> {
                double[] cdf = zipfCdf(4 * epc, 0.99);
                for (int i = 0; i < length; i++) {
                    t[i] = sample(cdf, r);
                }
            }
            case SHIFT -> {
                int ws = epc * 3 / 4;
                int phase = Math.max(1, length / 4);
                for (int i = 0; i < length; i++) {
                    t[i] = (i / phase) * ws + r.nextInt(ws);
                }
            }
            case MULTI -> {
                double[] cdf = zipfCdf(epc, 0.99);
                for (int i = 0; i < length; i++) {
                    int encl = (i / 64) % 4; // each enclave runs a quantum of 64 accesses
                    t[i] = encl * epc + sample(cdf, r);
                }
            }
            default -> throw new IllegalStateException();
        }
        return t;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, s);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    /** Inverse CDF; ranks are scattered over the range so hot pages are not adjacent. */
    private static int sample(double[] cdf, SplittableRandom r) {
        int i = java.util.Arrays.binarySearch(cdf, r.nextDouble());
        int rank = i >= 0 ? i : Math.min(-i - 1, cdf.length - 1);
        return (int) ((rank * 2654435761L) % cdf.length);
    }
}
