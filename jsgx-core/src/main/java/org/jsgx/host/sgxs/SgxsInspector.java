package org.jsgx.host.sgxs;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;

/**
 * Summarises an SGXS stream in one pass: pages by type and permission, how each page is
 * measured, the holes inside SIZE, and the pages the upstream Linux driver cannot load. The
 * driver's SGX_IOC_ENCLAVE_ADD_PAGES either EEXTENDs all 16 chunks of a page in ascending order
 * (SGX_PAGE_MEASURE) or none, so a page with a partial measurement, or with its chunks
 * measured out of order, has no driver equivalent that gives the same MRENCLAVE (user need 15:
 * such enclaves are accepted here and the incompatibility is reported, not hidden).
 *
 * <p>Memory: 8 bytes per page (the page offsets, for the holes), nothing per chunk.
 */
public final class SgxsInspector {
    /** Holes and driver problems listed individually; the counts cover all of them. */
    public static final int MAX_LISTED = 64;
    private static final int ALL_CHUNKS = 0xFFFF;

    private final MessageDigest md = Crypto.sha256();
    private final TreeMap<String, Long> byKind = new TreeMap<>();
    private final List<SgxsInspection.DriverProblem> problems = new ArrayList<>();
    private long problemCount;
    private long[] offsets = new long[64];
    private int pageCount;
    private long measured;
    private long partial;
    private long unordered;
    private long unmeasured;
    // the page being read
    private long pageOffset = -1;
    private int mask;
    private boolean ascending;
    private int lastChunk;

    private SgxsInspector() {
    }

    public static SgxsInspection inspect(Path file, SgxsMode mode) throws IOException {
        try (SgxsReader r = SgxsReader.open(file, mode)) {
            return inspect(r);
        }
    }

    public static SgxsInspection inspect(byte[] data, SgxsMode mode) throws IOException {
        return inspect(SgxsReader.of(data, 0, data.length, mode));
    }

    /** Reads the reader to its end. */
    public static SgxsInspection inspect(SgxsReader r) throws IOException {
        return new SgxsInspector().run(r);
    }

    private SgxsInspection run(SgxsReader r) throws IOException {
        boolean created = false;
        boolean sized = false;
        long size = 0;
        int ssa = 0;
        for (SgxsTag t; (t = r.next()) != null; ) {
            if (t.measured()) {
                md.update(r.buffer(), r.recordPosition(), t.length());
            }
            switch (t) {
                case ECREATE, UNSIZED -> {
                    if (!created) {
                        created = true;
                        sized = t == SgxsTag.ECREATE;
                        size = r.sizeField();
                        ssa = r.ssaFrameSize();
                    }
                }
                case EADD -> {
                    endPage();
                    startPage(r.offset(), r.secinfoFlags());
                }
                case EEXTEND -> chunk(r.offset(), r.recordOffset());
                case UNMEASRD -> {
                    // loaded, not measured: the page's mask is unchanged
                }
            }
        }
        endPage();
        if (!created) {
            throw new SgxsFormatException(r.bytesRead(), "no ECREATE record: nothing to inspect");
        }
        List<SgxsInspection.Hole> holes = new ArrayList<>();
        long holeCount = sized ? holes(size, holes) : 0;
        return new SgxsInspection(sized ? md.digest() : null, size, ssa, pageCount, byKind, measured, partial,
                unordered, unmeasured, holes, holeCount, problems, problemCount);
    }

    private void startPage(long offset, long flags) {
        if (pageCount == offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[pageCount++] = offset;
        byKind.merge(kind(flags), 1L, Long::sum);
        pageOffset = offset;
        mask = 0;
        ascending = true;
        lastChunk = -1;
    }

    private void chunk(long offset, long fileOffset) throws SgxsFormatException {
        if (pageOffset == -1) {
            throw new SgxsFormatException(fileOffset, "EEXTEND before any EADD");
        }
        int i = (int) ((offset - pageOffset) >>> 8);
        if (offset - pageOffset < 0 || offset - pageOffset >= 4096) {
            // lenient streams may extend elsewhere; count it against no page
            return;
        }
        ascending &= i > lastChunk;
        lastChunk = i;
        mask |= 1 << i;
    }

    private void endPage() {
        if (pageOffset == -1) {
            return;
        }
        if (mask == 0) {
            unmeasured++;
        } else if (mask != ALL_CHUNKS) {
            partial++;
            problem(String.format("partially measured (%d of 16 chunks): the upstream driver EEXTENDs all or none",
                    Integer.bitCount(mask)));
        } else if (!ascending) {
            unordered++;
            problem("chunks measured out of order: the upstream driver EEXTENDs them in ascending order");
        } else {
            measured++;
        }
        pageOffset = -1;
    }

    private void problem(String reason) {
        if (problems.size() < MAX_LISTED) {
            problems.add(new SgxsInspection.DriverProblem(pageOffset, mask, reason));
        }
        problemCount++;
    }

    /** Ranges of [0, size) no page covers; returns how many there are. */
    private long holes(long size, List<SgxsInspection.Hole> out) {
        long[] pages = Arrays.copyOf(offsets, pageCount);
        Arrays.sort(pages);
        long count = 0;
        long next = 0;
        for (long p : pages) {
            if (Long.compareUnsigned(p, next) > 0) {
                count += hole(out, next, Long.compareUnsigned(p, size) < 0 ? p : size);
            }
            if (Long.compareUnsigned(p + 4096, next) > 0) {
                next = p + 4096;
            }
        }
        if (Long.compareUnsigned(next, size) < 0) {
            count += hole(out, next, size);
        }
        return count;
    }

    private static int hole(List<SgxsInspection.Hole> out, long start, long end) {
        if (Long.compareUnsigned(start, end) >= 0) {
            return 0;
        }
        if (out.size() < MAX_LISTED) {
            out.add(new SgxsInspection.Hole(start, end));
        }
        return 1;
    }

    /** "TCS", "REG r-x", or the type's name / number for pages a build stream should not hold. */
    static String kind(long flags) {
        int type = (int) (flags >>> 8) & 0xff;
        PageType pt = PageType.ofValue(type);
        String name = pt == null ? "type 0x" + Integer.toHexString(type) : pt.name().replace("PT_", "");
        if (pt == PageType.PT_TCS) {
            return name;
        }
        return name + " " + ((flags & SecInfo.R) != 0 ? "r" : "-") + ((flags & SecInfo.W) != 0 ? "w" : "-")
                + ((flags & SecInfo.X) != 0 ? "x" : "-");
    }
}
