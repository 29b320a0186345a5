package org.jsgx.host.policylab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jsgx.lsm.Policy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of the lab's matrix, run through the driver: the expected verdict and, for denials, the rule. */
class PolicyMatrixTest {
    // columns: upstream selinux apparmor source-vma segments mprotect-ioctl edmm-policy
    private static final String[] EXPECTED = {
        "STATIC          + + + + + + +",
        "GENERATED       + - - - + + +",
        "JIT             + + + + + + +",
        "DYNAMIC_LOADER  + - + + + + -",
        "HEAP            + + + + + + +",
        "ATTACKER_RWX    + - - - + + +",
        "NOEXEC          - - - - - - -",
    };

    static List<Arguments> cells() {
        List<Arguments> l = new ArrayList<>();
        for (String row : EXPECTED) {
            String[] w = row.trim().split("\\s+");
            for (int i = 0; i < Policy.values().length; i++) {
                l.add(Arguments.of(Scenario.valueOf(w[0]), Policy.values()[i], w[i + 1].equals("+")));
            }
        }
        return l;
    }

    @ParameterizedTest(name = "{0} under {1}: allowed={2}")
    @MethodSource("cells")
    void cell(Scenario s, Policy p, boolean allowed) {
        Outcome o = s.run(p);
        assertThat(o.allowed()).as(o.cell()).isEqualTo(allowed);
        if (!allowed) {
            String why = switch (p) {
                case SELINUX -> s == Scenario.NOEXEC ? "noexec" : "avc: denied { write }";
                case APPARMOR -> s == Scenario.NOEXEC ? "noexec" : "W+X";
                case SOURCE_VMA -> s == Scenario.NOEXEC ? "noexec" : "anonymous memory";
                case EDMM -> s == Scenario.NOEXEC ? "noexec" : "vm_max_prot_bits";
                default -> "noexec";
            };
            assertThat(o.reason()).contains(why);
        }
    }
}
