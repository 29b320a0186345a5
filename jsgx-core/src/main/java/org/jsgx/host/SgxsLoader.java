package org.jsgx.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jsgx.cpu.Attributes;
import org.jsgx.host.sgxs.SgxsFormatException;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsReader;
import org.jsgx.host.sgxs.SgxsRecord;
import org.jsgx.kernel.EnclaveBuilder;

/**
 * Loads an SGXS stream into the model the way a loader drives the driver: ECREATE from the
 * first record, then per page one EADD with the page's whole content (chunks from the EEXTEND
 * and UNMEASRD records that follow it, zero elsewhere) and the EEXTENDs in stream order, so
 * the CPU's MRENCLAVE equals the stream's hash. Holds one page at a time.
 */
public final class SgxsLoader {
    private SgxsLoader() {
    }

    /** Loads {@code file} at {@code base}; the enclave is ready for EINIT. */
    public static void load(Path file, EnclaveBuilder b, long base, Attributes attributes, int miscSelect)
            throws IOException {
        try (SgxsReader r = SgxsReader.open(file, SgxsMode.STRICT)) {
            Page page = null;
            for (SgxsRecord rec = r.read(); rec != null; rec = r.read()) {
                switch (rec) {
                    case SgxsRecord.Ecreate e -> b.ecreate(base, e.size(), e.ssaFrameSize(), attributes, miscSelect);
                    case SgxsRecord.Eadd a -> {
                        flush(b, page);
                        page = new Page(a.offset(), a.secinfoFlags());
                    }
                    case SgxsRecord.Eextend x -> page.chunk(x.offset(), x.data(), true);
                    case SgxsRecord.Unmeasured u -> page.chunk(u.offset(), u.data(), false);
                    case SgxsRecord.Unsized u -> throw new SgxsFormatException(u.fileOffset(),
                            "UNSIZED record: the enclave size is not final, the stream cannot be loaded");
                }
            }
            flush(b, page);
        }
    }

    private static void flush(EnclaveBuilder b, Page p) {
        if (p == null) {
            return;
        }
        long epc = b.eadd(p.offset, p.flags, p.content);
        for (int i = 0; i < p.measuredCount; i++) {
            b.eextend(epc, p.measuredOrder[i]);
        }
    }

    /** One page being assembled: content and the measured chunk offsets in stream order. */
    private static final class Page {
        final long offset;
        final long flags;
        final byte[] content = new byte[4096];
        final int[] measuredOrder = new int[16];
        int measuredCount;

        Page(long offset, long flags) {
            this.offset = offset;
            this.flags = flags;
        }

        void chunk(long chunkOffset, byte[] data, boolean measured) {
            int in = (int) (chunkOffset - offset);
            System.arraycopy(data, 0, content, in, 256);
            if (measured) {
                measuredOrder[measuredCount++] = in;
            }
        }

        @Override
        public String toString() {
            return "page 0x" + Long.toHexString(offset) + Arrays.toString(measuredOrder);
        }
    }
}
