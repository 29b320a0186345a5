package org.jsgx.host.sgxs;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Builds SGXS byte streams for tests from records (and raw bytes for broken streams). */
final class SgxsStreams {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static SgxsStreams stream() {
        return new SgxsStreams();
    }

    SgxsStreams add(SgxsRecord r) {
        out.writeBytes(r.bytes());
        return this;
    }

    SgxsStreams ecreate(int ssa, long size) {
        return add(new SgxsRecord.Ecreate(ssa, size));
    }

    SgxsStreams eadd(long offset, long flags) {
        return add(new SgxsRecord.Eadd(offset, flags));
    }

    SgxsStreams eextend(long offset, byte[] data) {
        return add(new SgxsRecord.Eextend(offset, data));
    }

    /** EADD and 16 EEXTENDs of the page's data. */
    SgxsStreams page(long offset, long flags, byte[] page) {
        eadd(offset, flags);
        for (int c = 0; c < 16; c++) {
            eextend(offset + c * 256L, Arrays.copyOfRange(page, c * 256, c * 256 + 256));
        }
        return this;
    }

    SgxsStreams raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    int length() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
