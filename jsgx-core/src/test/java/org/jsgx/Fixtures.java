package org.jsgx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates ../shared/fixtures (relative to the repository root). Conformance tests call
 * {@link #require(String)}, which skips the test with a message naming the missing folder.
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path root() {
        String r = System.getProperty("jsgx.root");
        Path repo = r != null ? Paths.get(r) : Paths.get("").toAbsolutePath();
        // tests may run from a module directory
        for (Path p = repo.toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("../shared/fixtures").normalize();
            if (Files.isDirectory(f)) {
                return f;
            }
        }
        return repo.resolve("../shared/fixtures").normalize();
    }

    public static boolean present() {
        return Files.isDirectory(root());
    }

    /** The fixture file, or a skipped test that says the fixtures folder is missing. */
    public static Path require(String name) {
        Path dir = root();
        Assumptions.assumeTrue(Files.isDirectory(dir),
                "SKIPPED: conformance fixtures folder " + dir + " not found (../shared/fixtures)");
        Path f = dir.resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(f), "SKIPPED: fixture " + f + " not found");
        return f;
    }
}
