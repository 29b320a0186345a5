package org.jsgx.host.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Fuzzes the ELF parser and the selftest loader. Bad input may only raise
 * {@link ElfFormatException}; an accepted ELF must measure the same through its SGXS stream as
 * directly (sigstruct.c's way).
 */
class ElfFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) throws Exception {
        ElfEnclave e;
        try {
            e = ElfEnclave.parse(data, 4096);
            e.elf().symbol("encl_entry");
        } catch (ElfFormatException expected) {
            return;
        }
        byte[] viaSgxs = e.image().writeSgxs(OutputStream.nullOutputStream(), null);
        if (!Arrays.equals(viaSgxs, e.image().mrenclaveDirect())) {
            throw new AssertionError("SGXS and direct measurement differ");
        }
    }
}
