package org.jsgx.harness;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.jsgx.host.RsaKeys;

/**
 * jqwik drives the workload with a list of choices; when an invariant fails, jqwik shrinks the
 * list to a minimal failing sequence of leaves (the workload's trace names them). A fixed seed
 * keeps the CI run reproducible; {@code -Djqwik.tries.default=N} or `jsgx soak` run longer.
 */
class CpuModelProperties {
    private static RSAPrivateCrtKey key;

    @BeforeProperty
    void key() {
        if (key == null) {
            key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        }
    }

    @Property(tries = 60, seed = "20261122")
    void everySequenceOfLeavesKeepsTheInvariants(
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 1 << 20) Integer> choices) {
        new CpuWorkload(Choices.of(choices), 1, key).run(choices.size());
    }
}
