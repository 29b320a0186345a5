package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jsgx.host.kselftest.ElfTestEncl;
import org.jsgx.host.kselftest.KernelSelftests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel selftest scenario against the real test enclave binary: loaded like load.c
 * through the ioctls, signed like sigstruct.c, entered through the vDSO model, executed by the
 * x86 engine.
 */
class KernelSelftestsX86Test {
    private static ElfTestEncl encl;

    @BeforeAll
    static void load() {
        X86Available.assume();
        encl = ElfTestEncl.read(TestEnclaveBinary.testEncl(), X86Engine::new);
    }

    static List<String> names() {
        return KernelSelftests.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void passesOnTheBinary(String name) {
        assertThat(KernelSelftests.run(name, new KernelSelftests.Scale(1L << 20, 2L << 20), true, encl))
                .isEqualTo(KernelSelftests.Status.PASS);
    }

    @org.junit.jupiter.api.Test
    void dynEntryComesFromTheSymbolTable() {
        // readelf -s test_encl.elf: encl_dyn_entry = 0x22ea
        assertThat(encl.dynEntry()).isEqualTo(0x22eaL);
        assertThat(encl.parts()).hasSize(3);
        assertThat(encl.parts().get(0).flags()).isEqualTo(0x100L);
        assertThat(encl.parts().get(1).flags()).isEqualTo(0x205L);
        assertThat(encl.parts().get(2).flags()).isEqualTo(0x203L);
    }
}
