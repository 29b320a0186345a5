package org.jsgx.host.sgxs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jsgx.cpu.Measurement;

/**
 * One SGXS record as a value, with the file offset it was read at. {@link #bytes()} gives the
 * exact record bytes (the ECREATE/EADD/EEXTEND layouts come from {@link Measurement}), so
 * records can also be used to build streams.
 */
public sealed interface SgxsRecord {
    /** File offset of the record's first byte (-1 for records not read from a file). */
    long fileOffset();

    SgxsTag tag();

    /** The record as it sits in an SGXS file. */
    byte[] bytes();

    /** ECREATE: SSAFRAMESIZE (4 KiB pages) and SIZE (bytes). */
    record Ecreate(long fileOffset, int ssaFrameSize, long size) implements SgxsRecord {
        public Ecreate(int ssaFrameSize, long size) {
            this(-1, ssaFrameSize, size);
        }

        @Override
        public SgxsTag tag() {
            return SgxsTag.ECREATE;
        }

        @Override
        public byte[] bytes() {
            return Measurement.ecreateRecord(ssaFrameSize, size);
        }
    }

    /** EADD: page offset in the enclave and SECINFO.FLAGS. */
    record Eadd(long fileOffset, long offset, long secinfoFlags) implements SgxsRecord {
        public Eadd(long offset, long secinfoFlags) {
            this(-1, offset, secinfoFlags);
        }

        @Override
        public SgxsTag tag() {
            return SgxsTag.EADD;
        }

        @Override
        public byte[] bytes() {
            return Measurement.eaddRecord(offset, secinfoFlags);
        }
    }

    /** EEXTEND: a measured 256-byte chunk at a 256-aligned enclave offset. */
    record Eextend(long fileOffset, long offset, byte[] data) implements SgxsRecord {
        public Eextend {
            requireChunk(data);
        }

        public Eextend(long offset, byte[] data) {
            this(-1, offset, data);
        }

        @Override
        public SgxsTag tag() {
            return SgxsTag.EEXTEND;
        }

        @Override
        public byte[] bytes() {
            return withData(Measurement.eextendHeader(offset), data);
        }
    }

    /** UNMEASRD (ESGXS): a 256-byte chunk loaded into the page but not measured. */
    record Unmeasured(long fileOffset, long offset, byte[] data) implements SgxsRecord {
        public Unmeasured {
            requireChunk(data);
        }

        public Unmeasured(long offset, byte[] data) {
            this(-1, offset, data);
        }

        @Override
        public SgxsTag tag() {
            return SgxsTag.UNMEASRD;
        }

        @Override
        public byte[] bytes() {
            return withData(header(SgxsTag.UNMEASRD, offset), data);
        }
    }

    /**
     * UNSIZED (ESGXS): ECREATE whose size is not final yet; {@code sizeOffset} is the enclave
     * offset where the writer will store the 64-bit SIZE once known.
     */
    record Unsized(long fileOffset, int ssaFrameSize, long sizeOffset) implements SgxsRecord {
        public Unsized(int ssaFrameSize, long sizeOffset) {
            this(-1, ssaFrameSize, sizeOffset);
        }

        @Override
        public SgxsTag tag() {
            return SgxsTag.UNSIZED;
        }

        @Override
        public byte[] bytes() {
            // same body as ECREATE: SSAFRAMESIZE at 8, the u64 at 12
            byte[] r = Measurement.ecreateRecord(ssaFrameSize, sizeOffset);
            ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).putLong(0, SgxsTag.UNSIZED.value());
            return r;
        }
    }

    private static void requireChunk(byte[] data) {
        if (data.length != Measurement.CHUNK) {
            throw new IllegalArgumentException("chunk must be " + Measurement.CHUNK + " bytes, got " + data.length);
        }
    }

    private static byte[] header(SgxsTag tag, long offset) {
        byte[] r = new byte[Measurement.RECORD];
        ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).putLong(0, tag.value()).putLong(8, offset);
        return r;
    }

    private static byte[] withData(byte[] header, byte[] data) {
        byte[] r = Arrays.copyOf(header, Measurement.RECORD + Measurement.CHUNK);
        System.arraycopy(data, 0, r, Measurement.RECORD, Measurement.CHUNK);
        return r;
    }
}
