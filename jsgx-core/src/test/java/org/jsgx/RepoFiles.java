package org.jsgx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Files committed in the repository (test enclave, examples), found from any module directory. */
public final class RepoFiles {
    private RepoFiles() {
    }

    /** The repository root: the nearest ancestor holding {@code test-enclave/}. */
    public static Path root() {
        String r = System.getProperty("jsgx.root");
        Path start = r != null ? Paths.get(r) : Paths.get("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("test-enclave")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root (with test-enclave/) not found above " + start);
    }

    public static Path get(String relative) {
        return root().resolve(relative);
    }

    /** The project's own test enclave, built from test-enclave/ and committed. */
    public static Path testEnclave() {
        return get("test-enclave/test_encl.elf");
    }
}
