package org.jsgx.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsgx.host.sgxs.SgxsFormatException;
import org.jsgx.host.sgxs.SgxsInspection;
import org.jsgx.host.sgxs.SgxsInspector;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsTag;

/**
 * {@code jsgx info} for an SGXS stream (recognised by a leading ECREATE or UNSIZED tag): pages
 * by type and permission, how they are measured, the holes inside SIZE, and the pages the
 * upstream Linux driver could not load with this MRENCLAVE. That last point is reported, not
 * a failure: the model loads such enclaves.
 */
final class SgxsInfo implements InfoKind {
    @Override
    public String name() {
        return "SGXS";
    }

    @Override
    public boolean accepts(byte[] data) {
        if (data.length < 8) {
            return false;
        }
        long tag = ByteBufferLe.u64(data, 0);
        return tag == SgxsTag.ECREATE.value() || tag == SgxsTag.UNSIZED.value();
    }

    @Override
    public String mismatch(byte[] data) {
        return "offset 0x0: does not start with an ECREATE or UNSIZED record";
    }

    @Override
    public Decoded decode(byte[] data) {
        SgxsInspection in;
        try {
            in = SgxsInspector.inspect(data, SgxsMode.STRICT);
        } catch (SgxsFormatException e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mrenclave", in.mrenclaveHex() != null ? in.mrenclaveHex() : "- (UNSIZED)");
        m.put("size", in.size());
        m.put("ssaFrameSize", Integer.toUnsignedLong(in.ssaFrameSize()));
        m.put("pages", in.pages());
        m.put("pagesByKind", new LinkedHashMap<String, Object>(new java.util.TreeMap<>(in.pagesByKind())));
        m.put("measuredPages", in.measuredPages());
        m.put("partiallyMeasuredPages", in.partialPages());
        m.put("unorderedPages", in.unorderedPages());
        m.put("unmeasuredPages", in.unmeasuredPages());
        List<Object> holes = new ArrayList<>();
        for (SgxsInspection.Hole h : in.holes()) {
            holes.add(String.format("0x%x-0x%x", h.start(), h.end()));
        }
        m.put("holes", holes);
        m.put("holeCount", in.holeCount());
        m.put("upstreamDriverLoadable", in.upstreamDriverLoadable());
        List<Object> problems = new ArrayList<>();
        for (SgxsInspection.DriverProblem p : in.driverProblems()) {
            problems.add(String.format("0x%x: %s (mask 0x%04x)", p.offset(), p.reason(), p.measuredMask()));
        }
        m.put("driverProblems", problems);
        m.put("driverProblemCount", in.driverProblemCount());
        return new Decoded(m, List.of());
    }

    /** Little-endian reads without a ByteBuffer allocation per call site. */
    private static final class ByteBufferLe {
        static long u64(byte[] b, int off) {
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (b[off + i] & 0xff);
            }
            return v;
        }
    }
}
