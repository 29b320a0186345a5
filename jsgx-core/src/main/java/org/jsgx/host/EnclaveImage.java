package org.jsgx.host;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongConsumer;
import org.jsgx.cpu.Measurement;
import org.jsgx.host.sgxs.SgxsWriter;

/**
 * An enclave described as segments of whole pages, before it is built: what ELF enclaves and
 * layout files both turn into. Each segment is EADDed page by page in ascending offset order
 * with one SECINFO.FLAGS value and is either fully measured (16 EEXTENDs per page, chunks in
 * ascending order, as the Linux driver's SGX_PAGE_MEASURE does) or not at all. The SGXS stream
 * and the MRENCLAVE are produced from the same walk, so {@code convert} writes exactly what
 * {@code measure} hashes.
 *
 * @param size         ECREATE SIZE
 * @param ssaFrameSize ECREATE SSAFRAMESIZE (pages)
 * @param segments     in ascending, non-overlapping enclave offset order
 */
public record EnclaveImage(long size, int ssaFrameSize, List<Segment> segments) {
    public static final int PAGE = 4096;

    public EnclaveImage {
        segments = List.copyOf(segments);
    }

    /**
     * Pages [offset, offset + size) with one SECINFO.FLAGS, filled from {@code source} (bytes
     * past the source's length are zero).
     */
    public record Segment(String name, long offset, long size, long secinfoFlags, boolean measured,
            Source source) {
        public long pages() {
            return size / PAGE;
        }
    }

    /** Where a segment's bytes come from. */
    public sealed interface Source {
        /** Opens the source for one pass over its pages. */
        PageReader open() throws IOException;
    }

    /** Reads the pages of one source; closed after the segment. */
    public interface PageReader extends java.io.Closeable {
        /** Copies up to 4096 bytes of page {@code index} into {@code page} (already zeroed). */
        void read(long index, byte[] page) throws IOException;

        @Override
        default void close() throws IOException {
        }
    }

    /** Zero-filled pages (heap, stack, SSA). */
    public record Zero() implements Source {
        @Override
        public PageReader open() {
            return (index, page) -> { };
        }
    }

    /** {@code length} bytes of an array from {@code from}. */
    public record Bytes(byte[] data, int from, int length) implements Source {
        public Bytes {
            java.util.Objects.checkFromIndexSize(from, length, data.length);
        }

        @Override
        public PageReader open() {
            return (index, page) -> {
                long start = index * PAGE;
                if (start < length) {
                    System.arraycopy(data, from + (int) start, page, 0, (int) Math.min(PAGE, length - start));
                }
            };
        }
    }

    /** {@code length} bytes of a file from {@code from}, read one page at a time. */
    public record FileRange(Path file, long from, long length) implements Source {
        @Override
        public PageReader open() throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            return new PageReader() {
                @Override
                public void read(long index, byte[] page) throws IOException {
                    long start = index * PAGE;
                    if (start >= length) {
                        return;
                    }
                    ByteBuffer b = ByteBuffer.wrap(page, 0, (int) Math.min(PAGE, length - start));
                    while (b.hasRemaining()) {
                        if (ch.read(b, from + start + b.position()) < 0) {
                            throw new IOException(file + ": ends at offset 0x" + Long.toHexString(
                                    from + start + b.position()) + ", inside the range the layout names");
                        }
                    }
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }
    }

    public long pages() {
        return segments.stream().mapToLong(Segment::pages).sum();
    }

    /**
     * Writes the SGXS stream and returns its MRENCLAVE.
     *
     * @param progress told the number of pages written so far, after each page (may be null)
     */
    public byte[] writeSgxs(OutputStream out, LongConsumer progress) throws IOException {
        SgxsWriter w = SgxsWriter.of(out);
        w.ecreate(ssaFrameSize, size);
        byte[] page = new byte[PAGE];
        long done = 0;
        for (Segment s : segments) {
            int mask = s.measured() ? 0xFFFF : 0;
            try (PageReader in = s.source().open()) {
                for (long i = 0; i < s.pages(); i++) {
                    java.util.Arrays.fill(page, (byte) 0);
                    in.read(i, page);
                    w.page(s.offset() + i * PAGE, s.secinfoFlags(), page, 0, mask);
                    if (progress != null) {
                        progress.accept(++done);
                    }
                }
            }
        }
        w.flush();
        return w.mrenclave();
    }

    /** MRENCLAVE, by writing the SGXS stream to nowhere. */
    public byte[] mrenclave(LongConsumer progress) throws IOException {
        return writeSgxs(OutputStream.nullOutputStream(), progress);
    }

    /**
     * MRENCLAVE computed the way the kernel selftest's {@code sigstruct.c} does, straight from
     * the segments with the CPU's record layouts and no SGXS in between: an independent check
     * of {@link #writeSgxs}.
     */
    public byte[] mrenclaveDirect() throws IOException {
        Measurement m = new Measurement(ssaFrameSize, size);
        byte[] page = new byte[PAGE];
        for (Segment s : segments) {
            try (PageReader in = s.source().open()) {
                for (long i = 0; i < s.pages(); i++) {
                    long off = s.offset() + i * PAGE;
                    m.eadd(off, s.secinfoFlags());
                    if (s.measured()) {
                        java.util.Arrays.fill(page, (byte) 0);
                        in.read(i, page);
                        for (int k = 0; k < 16; k++) {
                            m.eextend(off + k * 256L, page, k * 256);
                        }
                    }
                }
            }
        }
        return m.peekFinal();
    }

    /** Smallest power of two ≥ 4096 that is ≥ {@code end}, as load.c sizes ELRANGE. */
    public static long elrangeFor(long end) {
        long s = PAGE;
        while (Long.compareUnsigned(s, end) < 0) {
            if (s == 1L << 62) {
                throw new IllegalArgumentException(String.format("enclave end 0x%x needs an ELRANGE above 2^62", end));
            }
            s <<= 1;
        }
        return s;
    }
}
