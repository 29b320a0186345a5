package org.jsgx.kernel;

import java.util.HashMap;
import java.util.Map;

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
    private final Map<Long, Long> pages = new HashMap<>();

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

    private long frame(long fileIndex) {
        return pages.computeIfAbsent(fileIndex, k -> ram.alloc());
    }

    /** Drops the contents page of {@code index} (sgx_encl_truncate_backing_page). */
    synchronized void truncate(long index) {
        Long pa = pages.remove(index);
        if (pa != null) {
            ram.free(pa);
        }
    }

    /** Frees every backing frame (fput of the backing file on release). */
    synchronized void release() {
        pages.values().forEach(ram::free);
        pages.clear();
    }

    synchronized int framesInUse() {
        return pages.size();
    }
}
