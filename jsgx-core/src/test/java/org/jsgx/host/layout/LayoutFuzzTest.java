package org.jsgx.host.layout;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jsgx.host.EnclaveImage;

/**
 * Fuzzes the layout parser and validator. Bad input may only raise {@link LayoutException}.
 * Accepted layouts of up to 256 pages are built, and must measure the same through SGXS as
 * directly. Files named by the fuzzer resolve in a scratch folder holding {@code a.bin}.
 */
class LayoutFuzzTest {
    private static Path dir;

    private static synchronized Path dir() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("jsgx-layout-fuzz");
            dir.toFile().deleteOnExit();
            Path f = Files.write(dir.resolve("a.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            f.toFile().deleteOnExit();
        }
        return dir;
    }

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) throws Exception {
        EnclaveLayout l;
        try {
            l = EnclaveLayout.parse(new String(data, StandardCharsets.UTF_8), dir());
        } catch (LayoutException expected) {
            return;
        }
        EnclaveImage img = l.image();
        if (img.pages() > 256) {
            return;
        }
        byte[] a = img.writeSgxs(OutputStream.nullOutputStream(), null);
        if (!Arrays.equals(a, img.mrenclaveDirect())) {
            throw new AssertionError("SGXS and direct measurement differ");
        }
    }
}
