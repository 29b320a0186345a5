package org.jsgx.host.sgxs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * A stream longer than 4 GiB, generated on the fly: the reader keeps constant memory and
 * reports 64-bit file offsets. Pages carry UNMEASRD chunks so that the test costs parsing,
 * not hashing.
 */
class SgxsLargeStreamTest {
    private static final int PAGE_BLOCK = 64 + 16 * 320;

    /** ECREATE, {@code pages} x (EADD + 16 UNMEASRD), then {@code tail} raw bytes. */
    private static final class Generator extends InputStream {
        private final long pages;
        private final byte[] tail;
        private final ByteBuffer block = ByteBuffer.allocate(PAGE_BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        private byte[] current = new SgxsRecord.Ecreate(1, 1L << 32).bytes();
        private int at;
        private long page = -1;

        Generator(long pages, byte[] tail) {
            this.pages = pages;
            this.tail = tail;
            for (int c = 0; c < 16; c++) {
                block.put(64 + c * 320, new SgxsRecord.Unmeasured(0, new byte[256]).bytes());
            }
            block.put(0, new SgxsRecord.Eadd(0, 0x203).bytes());
        }

        /** Moves to the next page block (only the offsets change) or to the tail. */
        private boolean advance() {
            page++;
            if (page < pages) {
                long off = page * 4096;
                block.putLong(8, off);
                for (int c = 0; c < 16; c++) {
                    block.putLong(64 + c * 320 + 8, off + c * 256L);
                }
                current = block.array();
            } else if (page == pages) {
                current = tail;
            } else {
                return false;
            }
            at = 0;
            return true;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                if (at == current.length && !advance()) {
                    break;
                }
                int k = Math.min(len - n, current.length - at);
                System.arraycopy(current, at, b, off + n, k);
                at += k;
                n += k;
            }
            return n == 0 && len > 0 ? -1 : n;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void truncationBeyond4GiBIsReportedAtItsFullOffset() throws IOException {
        long pages = ((1L << 32) + (1 << 20)) / PAGE_BLOCK; // just over 4 GiB of records
        byte[] tail = new byte[64 + 100];
        System.arraycopy(new SgxsRecord.Eextend(0, new byte[256]).bytes(), 0, tail, 0, tail.length);
        long tailOffset = 64 + pages * PAGE_BLOCK;
        assertThat(tailOffset).isGreaterThan(1L << 32);

        SgxsReader r = SgxsReader.of(new Generator(pages, tail), SgxsMode.STRICT);
        long[] counts = new long[SgxsTag.values().length];
        assertThatThrownBy(() -> {
            for (SgxsTag t; (t = r.next()) != null; ) {
                counts[t.ordinal()]++;
            }
        }).isInstanceOfSatisfying(SgxsFormatException.class, e -> {
            assertThat(e.fileOffset()).isEqualTo(tailOffset);
            assertThat(e.getMessage()).isEqualTo(String.format(
                    "offset 0x%x: EEXTEND record truncated (got 100 of 256 data bytes)", tailOffset));
        });
        assertThat(r.bytesRead()).isEqualTo(tailOffset);
        assertThat(counts[SgxsTag.EADD.ordinal()]).isEqualTo(pages);
        assertThat(counts[SgxsTag.UNMEASRD.ordinal()]).isEqualTo(16 * pages);
        assertThat(counts[SgxsTag.EEXTEND.ordinal()]).isZero();
    }
}
