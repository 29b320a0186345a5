package org.jsgx.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.security.interfaces.RSAPrivateCrtKey;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.PageType;
import org.jsgx.host.RsaKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fixed-seed runs of the model-based workload (the CI share; `jsgx soak` runs it longer). */
class CpuWorkloadTest {
    static RSAPrivateCrtKey key;

    @BeforeAll
    static void key() {
        key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
    }

    @Test
    void fixedSeedsRunCleanAndExerciseEveryStep() {
        long steps = 0;
        java.util.Map<CpuWorkload.Op, Long> total = new java.util.EnumMap<>(CpuWorkload.Op.class);
        for (long seed = 1; seed <= 12; seed++) {
            CpuWorkload w = new CpuWorkload(Choices.random(seed), seed, key);
            w.run(400);
            steps += w.steps();
            assertThat(w.invariantChecks()).isEqualTo(w.steps());
            w.counts().forEach((op, n) -> total.merge(op, n, Long::sum));
        }
        assertThat(steps).isGreaterThan(2500);
        assertThat(total.keySet()).containsExactlyInAnyOrder(CpuWorkload.Op.values());
    }

    @Test
    void theSameChoicesReplayTheSameRun() {
        CpuWorkload a = new CpuWorkload(Choices.random(77), 5, key);
        CpuWorkload b = new CpuWorkload(Choices.random(77), 5, key);
        a.run(200);
        b.run(200);
        assertThat(Fingerprint.of(a.platform())).isEqualTo(Fingerprint.of(b.platform()));
        assertThat(a.counts()).isEqualTo(b.counts());
    }

    /** A run stepped until it holds a resident regular page. */
    private static CpuWorkload grown(long seed) {
        CpuWorkload w = new CpuWorkload(Choices.random(seed), seed, key);
        for (int i = 0; i < 10_000; i++) {
            w.step();
            if (w.platform().epc().touchedPages().stream()
                    .anyMatch(p -> p.epcm().valid() && p.epcm().pageType() == PageType.PT_REG)) {
                return w;
            }
        }
        throw new AssertionError("no resident page after 10000 steps");
    }

    @Test
    void theInvariantsCatchACorruptedPage() {
        CpuWorkload w = grown(3);
        EpcPage victim = w.platform().epc().touchedPages().stream()
                .filter(p -> p.epcm().valid() && p.epcm().pageType() == PageType.PT_REG).findFirst().orElseThrow();
        byte b = victim.data().get(ValueLayout.JAVA_BYTE, 5);
        victim.data().set(ValueLayout.JAVA_BYTE, 5, (byte) (b ^ 1));
        assertThatThrownBy(() -> CpuInvariants.check(w)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("contents");
    }

    @Test
    void theInvariantsCatchAWrongChildCount() {
        CpuWorkload w = grown(4);
        CpuWorkload.ShadowEnclave e = w.enclaves.stream().filter(x -> x.pages.stream()
                .anyMatch(CpuWorkload.ShadowPage::resident)).findFirst().orElseThrow();
        CpuWorkload.ShadowPage p = e.pages.stream().filter(CpuWorkload.ShadowPage::resident).findFirst().orElseThrow();
        e.pages.remove(p); // the shadow forgets a page the EPC still holds
        assertThatThrownBy(() -> CpuInvariants.check(w)).isInstanceOf(AssertionError.class);
    }
}
