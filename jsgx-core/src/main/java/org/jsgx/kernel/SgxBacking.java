package org.jsgx.kernel;

import java.util.HashMap;

/**
 * The enclave's shmem backing file ("SGX backing") where EWB puts evicted pages: file page i
 * holds enclave page i, page size/4096 the SECS, and from byte size + 4096 on the PCMDs, 128
 * bytes per page (32 per backing page). Beyond upstream, evicted VA pages follow the PCMD area
 * (the VA area): groups of 32 VA pages, then one page with their 32 PCMDs. Pages are RAM frames
 * allocated on first use and dropped (truncated) once loaded back.
 */
final class SgxBacking {
    static final int PCMDS_PER_PAGE = 32;

    private final PhysRam ram;
    private final long size;
    /**
     * The shmem page cache: frames of the file's pages in chunks of {@link #CHUNK} indices, 0
     * where a page has none (RAM frames never sit at physical address 0). Every EWB and ELDU
     * looks up two pages (contents and PCMD), in runs within the same chunks, so a few recently
     * used chunks are kept in front of the map: no boxing or hashing per page.
     */
    private static final int CHUNK_SHIFT = 9, CHUNK = 1 << CHUNK_SHIFT, RECENT = 4;
    private final HashMap<Long, long[]> chunks = new HashMap<>();
    private final long[] recentKey = {-1, -1, -1, -1};
    private final long[][] recent = new long[RECENT][];
    private int framesInUse;

    SgxBacking(PhysRam ram, long enclSize) {
        this.ram = ram;
        this.size = enclSize;
    }

    /** The contents frame and PCMD address of page {@code index} (struct sgx_backing). */
    record Backing(long contents, long pcmd) {
    }

    synchronized Backing get(long index) {
        long contents = frame(index);
        long pcmdByte = size + 4096 + index * 128;
        long pcmd = frame(pcmdByte >>> 12) + (pcmdByte & 0xFFF);
        return new Backing(contents, pcmd);
    }

    /**
     * {@link #get} for the EWB that is about to write the page: a contents page created here is
     * not zeroed. shmem zeroes new pages, but EWB overwrites all 4096 bytes, and until it has
     * nothing reads the page — ELDU reads a backing page only for a page the reclaimer evicted
     * (the page stays resident until EWB succeeds), the file is mapped nowhere, and a failed
     * EWB clears the page ({@link #clear}). So nothing can tell the difference, and the zeroing
     * was a tenth of ksgxswapd's time. The PCMD page is shared by 32 pages and is zeroed as usual.
     */
    synchronized Backing getForEwb(long index) {
        long contents = frame(index, false);
        long pcmdByte = size + 4096 + index * 128;
        long pcmd = frame(pcmdByte >>> 12) + (pcmdByte & 0xFFF);
        return new Backing(contents, pcmd);
    }

    /** Zeroes a contents page an EWB did not write after {@link #getForEwb}. */
    void clear(long contents) {
        ram.frame(contents).fill((byte) 0);
    }

    /** The first file page of the VA area: after the PCMDs of the SECS and every enclave page. */
    private long vaArea() {
        long e = size + 4096;
        return (e + e / PCMDS_PER_PAGE + 4095) >>> 12;
    }

    /** The first file page of VA page {@code vaIndex}'s group (32 contents pages, then their PCMDs). */
    private long vaGroup(int vaIndex) {
        return vaArea() + (long) (vaIndex / PCMDS_PER_PAGE) * (PCMDS_PER_PAGE + 1);
    }

    /** The contents frame and PCMD address of VA page {@code vaIndex}. */
    synchronized Backing va(int vaIndex) {
        long group = vaGroup(vaIndex);
        long contents = frame(group + vaIndex % PCMDS_PER_PAGE);
        long pcmd = frame(group + PCMDS_PER_PAGE) + (vaIndex % PCMDS_PER_PAGE) * 128L;
        return new Backing(contents, pcmd);
    }

    /** Drops the contents page of VA page {@code vaIndex}. */
    synchronized void truncateVa(int vaIndex) {
        truncate(vaGroup(vaIndex) + vaIndex % PCMDS_PER_PAGE);
    }

    /** Zeroes the 128-byte PCMD at {@code pcmd} once its page is loaded back. */
    void clearPcmd(long pcmd) {
        ram.frame(pcmd).asSlice(pcmd & 0xFFF, 128).fill((byte) 0);
    }

    /** The chunk holding file page {@code fileIndex}; created when {@code create}, else may be null. */
    private long[] chunk(long fileIndex, boolean create) {
        long key = fileIndex >>> CHUNK_SHIFT;
        int slot = (int) key & (RECENT - 1);
        if (recentKey[slot] == key) {
            return recent[slot];
        }
        long[] c = chunks.get(key);
        if (c == null) {
            if (!create) {
                return null;
            }
            c = new long[CHUNK];
            chunks.put(key, c);
        }
        recentKey[slot] = key;
        recent[slot] = c;
        return c;
    }

    private long frame(long fileIndex) {
        return frame(fileIndex, true);
    }

    /** The frame of a file page, allocated on first use (zeroed when {@code zero}). */
    private long frame(long fileIndex, boolean zero) {
        long[] c = chunk(fileIndex, true);
        int i = (int) fileIndex & (CHUNK - 1);
        if (c[i] == 0) {
            c[i] = zero ? ram.alloc() : ram.allocForOverwrite();
            framesInUse++;
        }
        return c[i];
    }

    /** Drops the contents page of {@code index} (sgx_encl_truncate_backing_page). */
    synchronized void truncate(long index) {
        long[] c = chunk(index, false);
        int i = (int) index & (CHUNK - 1);
        if (c != null && c[i] != 0) {
            ram.free(c[i]);
            c[i] = 0;
            framesInUse--;
        }
    }

    /** Frees every backing frame (fput of the backing file on release). */
    synchronized void release() {
        for (long[] c : chunks.values()) {
            for (int i = 0; i < CHUNK; i++) {
                if (c[i] != 0) {
                    ram.free(c[i]);
                    c[i] = 0;
                }
            }
        }
        framesInUse = 0;
    }

    synchronized int framesInUse() {
        return framesInUse;
    }
}
