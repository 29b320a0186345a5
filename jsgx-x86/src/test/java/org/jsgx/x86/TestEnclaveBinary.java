package org.jsgx.x86;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The committed enclave binaries of test-enclave/, found from the module directory. */
final class TestEnclaveBinary {
    private TestEnclaveBinary() {
    }

    static Path of(String relative) {
        for (Path p : new Path[] {Path.of("..", relative), Path.of(relative)}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Assumptions.abort("skipped: " + relative + " not found");
        return null;
    }

    /** test-enclave/test_encl.elf (C + assembly, kernel selftest convention). */
    static Path testEncl() {
        return of("test-enclave/test_encl.elf");
    }
}
