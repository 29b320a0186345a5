package org.jsgx.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files shipped in the source tree (the launcher passes its root as -Djsgx.root). */
final class BundledFiles {
    private BundledFiles() {
    }

    /** {@code relative} under -Djsgx.root, else under the working directory. */
    static Path resolve(String relative) {
        String root = System.getProperty("jsgx.root");
        if (root != null) {
            Path p = Path.of(root).resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
        }
        return Path.of(relative);
    }

    /** The project's test enclave binary (kernel selftest convention). */
    static Path testEnclave() {
        return resolve("test-enclave/test_encl.elf");
    }
}
