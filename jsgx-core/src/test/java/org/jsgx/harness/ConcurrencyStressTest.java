package org.jsgx.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConcurrencyStressTest {
    @Test
    void concurrentEvictAndReloadOnSharedEnclavesKeepsEveryPage() throws Exception {
        ConcurrencyStress.Result r = ConcurrencyStress.run(11, 4, 8, 1500, 10_000);
        assertThat(r.operations()).isGreaterThan(1000);
        assertThat(r.pagesChecked()).isEqualTo(32);
    }
}
