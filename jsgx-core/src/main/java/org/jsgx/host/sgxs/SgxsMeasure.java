package org.jsgx.host.sgxs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.jsgx.cpu.Crypto;

/**
 * MRENCLAVE of an SGXS stream: SHA-256 over every ECREATE and EADD record and every EEXTEND
 * record (header and data) in stream order; UNMEASRD records are skipped entirely and UNSIZED
 * cannot be measured. Consecutive measured records are hashed as one range straight from the
 * reader's buffer, so the cost is close to that of SHA-256 alone.
 */
public final class SgxsMeasure {
    /**
     * Longest range passed to one MessageDigest.update: SHA-256 runs at full speed only once
     * its multi-block method is JIT-compiled, which takes many calls, not a few huge ones.
     */
    static final int MAX_RUN = 64 << 10;

    private SgxsMeasure() {
    }

    public static SgxsSummary measure(Path file) throws IOException {
        return measure(file, SgxsMode.STRICT);
    }

    public static SgxsSummary measure(Path file, SgxsMode mode) throws IOException {
        try (SgxsReader r = SgxsReader.open(file, mode)) {
            return measure(r);
        }
    }

    /** Measures the stream to its end; the stream is not closed. */
    public static SgxsSummary measure(InputStream in) throws IOException {
        return measure(in, SgxsMode.STRICT);
    }

    public static SgxsSummary measure(InputStream in, SgxsMode mode) throws IOException {
        return measure(SgxsReader.of(in, mode));
    }

    /** Measures an SGXS stream held in memory, hashing it in place. */
    public static SgxsSummary measure(byte[] data, SgxsMode mode) throws IOException {
        return measure(SgxsReader.of(data, 0, data.length, mode));
    }

    /** Measures the remaining records of a reader. */
    public static SgxsSummary measure(SgxsReader r) throws IOException {
        MessageDigest md = Crypto.sha256();
        byte[] buf = r.buffer();
        // [runStart, runEnd): measured records read but not yet hashed, contiguous in buf
        int runStart = 0;
        int runEnd = -1;
        long measured = 0;
        long eadds = 0;
        long eextends = 0;
        long unmeasured = 0;
        boolean created = false;
        int ssaFrameSize = 0;
        long size = 0;
        for (SgxsTag t; (t = r.next()) != null; ) {
            switch (t) {
                case EEXTEND -> eextends++;
                case EADD -> eadds++;
                case UNMEASRD -> unmeasured++;
                case ECREATE -> {
                    if (!created) {
                        created = true;
                        ssaFrameSize = r.ssaFrameSize();
                        size = r.sizeField();
                    }
                }
                case UNSIZED -> throw new SgxsFormatException(r.recordOffset(),
                        "UNSIZED record: the enclave size is not final, the stream cannot be measured");
            }
            if (t.measured()) {
                int p = r.recordPosition();
                if (p != runEnd || runEnd - runStart >= MAX_RUN) {
                    hash(md, buf, runStart, runEnd);
                    runStart = p;
                }
                runEnd = p + t.length();
                measured += t.length();
            }
            if (r.nextMayMoveBuffer()) {
                hash(md, buf, runStart, runEnd);
                runEnd = -1;
            }
        }
        hash(md, buf, runStart, runEnd);
        if (!created) {
            throw new SgxsFormatException(r.bytesRead(), "no ECREATE record: nothing to measure");
        }
        return new SgxsSummary(md.digest(), size, ssaFrameSize, eadds, eextends, unmeasured,
                r.bytesRead(), measured, r.mode());
    }

    private static void hash(MessageDigest md, byte[] buf, int start, int end) {
        if (end > start) {
            md.update(buf, start, end - start);
        }
    }
}
