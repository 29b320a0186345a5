package org.jsgx.host.kselftest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario of tools/testing/selftests/sgx against the driver model, scaled to a 2 MiB
 * EPC (see {@link KernelSelftests.Scale}); the full sizes run with -Djsgx.selftest.full=true.
 */
class KernelSelftestsTest {
    static final KernelSelftests.Scale SCALE = KernelSelftests.Scale.fromSystemProperties();

    static List<String> names() {
        return KernelSelftests.names();
    }

    @Test
    void allKernelScenariosArePorted() {
        assertThat(KernelSelftests.names()).containsExactly("unclobbered_vdso", "unclobbered_vdso_oversubscribed",
                "unclobbered_vdso_oversubscribed_remove", "clobbered_vdso", "clobbered_vdso_and_user_function",
                "tcs_entry", "pte_permissions", "tcs_permissions", "epcm_permissions", "augment",
                "augment_via_eaccept", "augment_via_eaccept_long", "tcs_create", "remove_added_page_no_eaccept",
                "remove_added_page_invalid_access", "remove_added_page_invalid_access_after_eaccept",
                "remove_untouched_page");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void passes(String name) {
        assertThat(KernelSelftests.run(name, SCALE)).isEqualTo(KernelSelftests.Status.PASS);
    }

    /** Without SGX2 the EDMM scenarios skip (their probe ioctl sees ENODEV); the others still pass. */
    @ParameterizedTest(name = "{0} on SGX1")
    @MethodSource("names")
    void sgx1(String name) {
        KernelSelftests.Status s = KernelSelftests.run(name, SCALE, false);
        boolean edmm = name.startsWith("augment") || name.startsWith("remove") || name.equals("tcs_create")
                || name.equals("tcs_permissions") || name.equals("epcm_permissions")
                || name.equals("unclobbered_vdso_oversubscribed_remove");
        assertThat(s).isEqualTo(edmm ? KernelSelftests.Status.SKIP : KernelSelftests.Status.PASS);
    }
}
