package org.jsgx.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConcurrencyStressTest {
    @Test
    void concurrentEvictAndReloadOnSharedEnclavesKeepsEveryPage() throws Exception {
        // at least 1.5 s and 2000 leaves (on a loaded machine the time alone may see few)
        ConcurrencyStress.Result r = ConcurrencyStress.run(11, 4, 8, 1500, 2000, 10_000);
        assertThat(r.operations()).isGreaterThanOrEqualTo(2000);
        assertThat(r.pagesChecked()).isEqualTo(32);
    }
}
