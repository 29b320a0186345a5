package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * Base of the architectural structures: a typed, little-endian view over bytes (a flyweight).
 * The same bytes can sit in an EPC page, a file buffer or a test vector; nothing is copied.
 */
public abstract class Struct {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /*
     * Field accessors through constant VarHandles: seg.get(layout, off) reaches the layout's
     * handle through a parameter, which C2 resolves only when the whole chain inlines into a
     * caller; deep leaves (ERESUME's 18 GPRSGX reads) missed that and took the generic path.
     */
    private static final VarHandle U16_VH = U16.varHandle();
    private static final VarHandle U32_VH = U32.varHandle();
    private static final VarHandle U64_VH = U64.varHandle();

    protected final MemorySegment seg;

    /** Views the first {@code size} bytes of {@code seg}; fails if it is shorter. */
    protected Struct(MemorySegment seg, long size) {
        if (seg.byteSize() < size) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs " + size
                    + " bytes, got " + seg.byteSize());
        }
        this.seg = seg.asSlice(0, size);
    }

    /** The bytes this view covers. */
    public MemorySegment segment() {
        return seg;
    }

    public byte[] toByteArray() {
        return seg.toArray(ValueLayout.JAVA_BYTE);
    }

    public int u8(long off) {
        return seg.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    public void u8(long off, int v) {
        seg.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    public int u16(long off) {
        return (short) U16_VH.get(seg, off) & 0xffff;
    }

    public void u16(long off, int v) {
        U16_VH.set(seg, off, (short) v);
    }

    public int u32(long off) {
        return (int) U32_VH.get(seg, off);
    }

    public void u32(long off, int v) {
        U32_VH.set(seg, off, v);
    }

    public long u64(long off) {
        return (long) U64_VH.get(seg, off);
    }

    public void u64(long off, long v) {
        U64_VH.set(seg, off, v);
    }

    public byte[] bytes(long off, int len) {
        return seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
    }

    public void bytes(long off, byte[] v) {
        MemorySegment.copy(v, 0, seg, ValueLayout.JAVA_BYTE, off, v.length);
    }

    /** Writes {@code v} into a field of {@code len} bytes, zero-filling the rest. */
    public void bytes(long off, int len, byte[] v) {
        if (v.length > len) {
            throw new IllegalArgumentException("field is " + len + " bytes, value is " + v.length);
        }
        seg.asSlice(off, len).fill((byte) 0);
        bytes(off, v);
    }

    public Attributes attributes(long off) {
        return new Attributes(u64(off), u64(off + 8));
    }

    public void attributes(long off, Attributes a) {
        u64(off, a.flags());
        u64(off + 8, a.xfrm());
    }

    /** True when bytes [off, off+len) are all zero (reserved-field checks). */
    public boolean isZero(long off, long len) {
        return Bytes.isZero(seg, off, len);
    }

    public String hex(long off, int len) {
        return HexFormat.of().formatHex(bytes(off, len));
    }
}
