package org.jsgx.host.sgxs;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What an SGXS stream builds, page by page: see {@link SgxsInspector}.
 *
 * @param mrenclave        MRENCLAVE of the stream (null if it starts with UNSIZED)
 * @param size             ECREATE SIZE (UNSIZED: the offset where SIZE goes)
 * @param ssaFrameSize     ECREATE SSAFRAMESIZE
 * @param pages            EADD records
 * @param pagesByKind      page count per kind, e.g. "TCS", "REG r-x" (sorted by kind)
 * @param measuredPages    pages with all 16 chunks EEXTENDed in ascending order
 * @param partialPages     pages with 1 to 15 chunks EEXTENDed
 * @param unorderedPages   pages with all 16 chunks EEXTENDed, but not in ascending order
 * @param unmeasuredPages  pages with no EEXTEND (zero-filled or UNMEASRD data only)
 * @param holes            [start, end) enclave offset ranges inside SIZE that no EADD covers,
 *                         at most {@link SgxsInspector#MAX_LISTED} listed
 * @param holeCount        number of holes (all of them)
 * @param driverProblems   pages the upstream Linux driver cannot load with this MRENCLAVE (it
 *                         can only EEXTEND all 16 chunks in order, or none), at most
 *                         {@link SgxsInspector#MAX_LISTED} listed
 * @param driverProblemCount number of such pages (all of them)
 */
public record SgxsInspection(byte[] mrenclave, long size, int ssaFrameSize, long pages,
        Map<String, Long> pagesByKind, long measuredPages, long partialPages, long unorderedPages,
        long unmeasuredPages, List<Hole> holes, long holeCount, List<DriverProblem> driverProblems,
        long driverProblemCount) {

    /** Enclave offsets [start, end) not covered by any EADD. */
    public record Hole(long start, long end) {
    }

    /** A page the upstream driver cannot reproduce; {@code measuredMask} bit i = chunk i measured. */
    public record DriverProblem(long offset, int measuredMask, String reason) {
    }

    public SgxsInspection {
        mrenclave = mrenclave == null ? null : mrenclave.clone();
        pagesByKind = Map.copyOf(pagesByKind);
        holes = List.copyOf(holes);
        driverProblems = List.copyOf(driverProblems);
    }

    @Override
    public byte[] mrenclave() {
        return mrenclave == null ? null : mrenclave.clone();
    }

    public String mrenclaveHex() {
        return mrenclave == null ? null : HexFormat.of().formatHex(mrenclave);
    }

    /** Whether the upstream Linux driver (SGX_PAGE_MEASURE all-or-nothing) can load it. */
    public boolean upstreamDriverLoadable() {
        return driverProblemCount == 0;
    }
}
