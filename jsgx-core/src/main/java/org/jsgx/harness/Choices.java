package org.jsgx.harness;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The source of every decision a workload makes. A seeded random source drives soak runs; a
 * list of integers drives property tests, so that jqwik can shrink a failing run to the
 * shortest list of choices that still fails.
 */
public interface Choices {
    /** A value in [0, bound). */
    int next(int bound);

    /** True while the source has choices left (a list runs out; a random source never does). */
    boolean hasNext();

    static Choices random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Choices() {
            @Override
            public int next(int bound) {
                return r.nextInt(bound);
            }

            @Override
            public boolean hasNext() {
                return true;
            }
        };
    }

    static Choices of(List<Integer> values) {
        return new Choices() {
            private int i;

            @Override
            public int next(int bound) {
                return i < values.size() ? Math.floorMod(values.get(i++), bound) : 0;
            }

            @Override
            public boolean hasNext() {
                return i < values.size();
            }
        };
    }
}
