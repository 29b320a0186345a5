package org.jsgx.host.layout;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.EnclaveImage;

/**
 * A layout file: JSON that says how to build an enclave from raw files (a "flat image"):
 * which file bytes go at which enclave offset with which page type and permissions, whether
 * they are measured, where the TCSs are and what they hold, and the zero-filled regions (heap,
 * stacks, SSA frames). Validation is strict and names the JSON path and the rule: unknown
 * keys, misaligned offsets, overlapping regions, anything outside ELRANGE, files too short.
 *
 * <pre>{@code
 * {
 *   "size": "auto",                      // ELRANGE: "auto" (default) or a power of two
 *   "ssaFrameSize": 1,                   // SECS.SSAFRAMESIZE in pages (default 1)
 *   "attributes": "0x4", "xfrm": "0x3",  // SECS values a signer/loader uses (defaults shown)
 *   "miscselect": 0,
 *   "regions": [
 *     {"name": "tcs0", "offset": "0x0",
 *      "tcs": {"ossa": "0x6000", "nssa": 1, "oentry": "0x22d1",
 *              "ofsbase": 0, "ogsbase": 0, "fslimit": "0xffffffff", "gslimit": "0xffffffff"}},
 *     {"name": "text", "offset": "0x2000", "file": "text.bin", "fileOffset": 0, "length": 4096,
 *      "permissions": "rx"},
 *     {"name": "heap", "offset": "0xa000", "size": "0x1000", "permissions": "rw", "measured": false}
 *   ]
 * }
 * }</pre>
 * Integers are JSON integers or strings ({@code "0x..."} hex or decimal). A region is a file
 * region ({@code file}: measured by default; {@code size} defaults to {@code length} rounded up
 * to a page, the rest zero), a TCS ({@code tcs}: one page, measured by default) or a zero region
 * ({@code size} required, unmeasured by default). Files are relative to the layout file.
 */
public final class EnclaveLayout {
    private static final long PAGE = 4096;
    private static final Set<String> TOP = Set.of("size", "ssaFrameSize", "attributes", "xfrm", "miscselect",
            "regions", "comment");
    private static final Set<String> REGION = Set.of("name", "offset", "size", "file", "fileOffset", "length",
            "permissions", "measured", "tcs", "comment");
    private static final Set<String> TCS = Set.of("ossa", "nssa", "oentry", "ofsbase", "ogsbase", "fslimit",
            "gslimit", "flags");

    private final EnclaveImage image;
    private final Attributes attributes;
    private final int miscSelect;

    private EnclaveLayout(EnclaveImage image, Attributes attributes, int miscSelect) {
        this.image = image;
        this.attributes = attributes;
        this.miscSelect = miscSelect;
    }

    public EnclaveImage image() {
        return image;
    }

    /** SECS.ATTRIBUTES the layout asks for (default MODE64BIT, XFRM 3). */
    public Attributes attributes() {
        return attributes;
    }

    public int miscSelect() {
        return miscSelect;
    }

    public static EnclaveLayout read(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new LayoutException("$", "not UTF-8 text");
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, dir);
    }

    /** Parses layout JSON; file regions are resolved against {@code baseDir}. */
    public static EnclaveLayout parse(String json, Path baseDir) throws LayoutException {
        return new Parser(baseDir).layout(JsonText.parse(json));
    }

    /** One region after validation, before the enclave size is known. */
    private record Region(String path, String name, long offset, long size, long flags, boolean measured,
            EnclaveImage.Source source, long[] tcsRefs) {
        long end() {
            return offset + size;
        }
    }

    private static final class Parser {
        private final Path baseDir;

        Parser(Path baseDir) {
            this.baseDir = baseDir;
        }

        EnclaveLayout layout(Object root) throws LayoutException {
            Map<String, Object> top = object("$", root, TOP);
            int ssa = (int) integer("$.ssaFrameSize", top.getOrDefault("ssaFrameSize", BigInteger.ONE), 1, 0xFFFF_FFFFL);
            long flags = integer("$.attributes", top.getOrDefault("attributes", BigInteger.valueOf(Attributes.MODE64BIT)),
                    0, -1L);
            long xfrm = integer("$.xfrm", top.getOrDefault("xfrm", BigInteger.valueOf(Attributes.XFRM_LEGACY)), 0, -1L);
            int misc = (int) integer("$.miscselect", top.getOrDefault("miscselect", BigInteger.ZERO), 0, 0xFFFF_FFFFL);
            if (!top.containsKey("regions")) {
                throw new LayoutException("$", "\"regions\" is required");
            }
            if (!(top.get("regions") instanceof List<?> list)) {
                throw new LayoutException("$.regions", "must be an array of regions");
            }
            if (list.isEmpty()) {
                throw new LayoutException("$.regions", "must hold at least one region");
            }
            List<Region> regions = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                regions.add(region("$.regions[" + i + "]", list.get(i)));
            }
            regions.sort(Comparator.comparingLong(Region::offset));
            for (int i = 1; i < regions.size(); i++) {
                Region a = regions.get(i - 1);
                Region b = regions.get(i);
                if (b.offset() < a.end()) {
                    throw new LayoutException(b.path(), String.format(
                            "pages [0x%x, 0x%x) overlap %s [0x%x, 0x%x)", b.offset(), b.end(), a.path(), a.offset(), a.end()));
                }
            }
            long end = regions.getLast().end();
            long size;
            Object sz = top.getOrDefault("size", "auto");
            if ("auto".equals(sz)) {
                size = Math.max(EnclaveImage.elrangeFor(end), 2 * PAGE);
            } else {
                size = integer("$.size", sz, 2 * PAGE, 1L << 62);
                if (Long.bitCount(size) != 1) {
                    throw new LayoutException("$.size", String.format(
                            "0x%x is not a power of two (ECREATE requires one)", size));
                }
                for (Region r : regions) {
                    if (r.end() > size) {
                        throw new LayoutException(r.path(), String.format(
                                "pages [0x%x, 0x%x) lie outside ELRANGE (size 0x%x)", r.offset(), r.end(), size));
                    }
                }
            }
            List<EnclaveImage.Segment> segs = new ArrayList<>();
            for (Region r : regions) {
                if (r.tcsRefs() != null) {
                    checkTcs(r, size, ssa);
                }
                segs.add(new EnclaveImage.Segment(r.name(), r.offset(), r.size(), r.flags(), r.measured(), r.source()));
            }
            return new EnclaveLayout(new EnclaveImage(size, ssa, segs), new Attributes(flags, xfrm), misc);
        }

        private Region region(String path, Object v) throws LayoutException {
            Map<String, Object> m = object(path, v, REGION);
            String name = m.containsKey("name") ? string(path + ".name", m.get("name")) : path;
            if (!m.containsKey("offset")) {
                throw new LayoutException(path, "\"offset\" is required");
            }
            long offset = integer(path + ".offset", m.get("offset"), 0, 1L << 62);
            if ((offset & (PAGE - 1)) != 0) {
                throw new LayoutException(path + ".offset", String.format("0x%x is not page-aligned", offset));
            }
            boolean isFile = m.containsKey("file");
            boolean isTcs = m.containsKey("tcs");
            if (isFile && isTcs) {
                throw new LayoutException(path, "a region has \"file\" or \"tcs\", not both");
            }
            if (isTcs) {
                for (String k : List.of("size", "fileOffset", "length", "permissions")) {
                    if (m.containsKey(k)) {
                        throw new LayoutException(path + "." + k, "not allowed for a TCS region"
                                + (k.equals("permissions") ? " (SECINFO of a TCS page has no R/W/X)" : " (a TCS is one page)"));
                    }
                }
                boolean measured = bool(path + ".measured", m.getOrDefault("measured", Boolean.TRUE));
                long[] refs = new long[3];
                byte[] page = tcs(path + ".tcs", m.get("tcs"), refs);
                return new Region(path, name, offset, PAGE, SecInfo.flags(PageType.PT_TCS, 0), measured,
                        new EnclaveImage.Bytes(page, 0, page.length), refs);
            }
            if (!isFile) {
                for (String k : List.of("fileOffset", "length")) {
                    if (m.containsKey(k)) {
                        throw new LayoutException(path + "." + k, "only allowed with \"file\"");
                    }
                }
            }
            if (!m.containsKey("permissions")) {
                throw new LayoutException(path, "\"permissions\" is required (e.g. \"rx\", \"rw\")");
            }
            long perms = permissions(path + ".permissions", m.get("permissions"));
            long flags = SecInfo.flags(PageType.PT_REG, perms);
            if (isFile) {
                String fname = string(path + ".file", m.get("file"));
                Path f = baseDir.resolve(fname);
                if (!Files.isRegularFile(f)) {
                    throw new LayoutException(path + ".file", "\"" + fname + "\": no such file (relative to " + baseDir + ")");
                }
                long fileSize;
                try {
                    fileSize = Files.size(f);
                } catch (IOException e) {
                    throw new LayoutException(path + ".file", "\"" + fname + "\": " + e.getMessage());
                }
                long from = integer(path + ".fileOffset", m.getOrDefault("fileOffset", BigInteger.ZERO), 0, fileSize);
                long length = m.containsKey("length")
                        ? integer(path + ".length", m.get("length"), 1, 1L << 62) : fileSize - from;
                if (length == 0) {
                    throw new LayoutException(path + ".fileOffset", "no file bytes left at this offset");
                }
                if (length > fileSize - from) {
                    throw new LayoutException(path + ".length", String.format(
                            "0x%x bytes from file offset 0x%x run past the end of \"%s\" (0x%x bytes)",
                            length, from, fname, fileSize));
                }
                long rounded = (length + PAGE - 1) & ~(PAGE - 1);
                long size = m.containsKey("size") ? pages(path + ".size", m.get("size")) : rounded;
                if (size < length) {
                    throw new LayoutException(path + ".size", String.format(
                            "0x%x is smaller than the 0x%x file bytes it must hold", size, length));
                }
                boolean measured = bool(path + ".measured", m.getOrDefault("measured", Boolean.TRUE));
                return new Region(path, name, offset, checkEnd(path, offset, size), flags, measured,
                        new EnclaveImage.FileRange(f, from, length), null);
            }
            if (!m.containsKey("size")) {
                throw new LayoutException(path, "\"size\" is required for a region without \"file\" or \"tcs\"");
            }
            long size = pages(path + ".size", m.get("size"));
            boolean measured = bool(path + ".measured", m.getOrDefault("measured", Boolean.FALSE));
            return new Region(path, name, offset, checkEnd(path, offset, size), flags, measured,
                    new EnclaveImage.Zero(), null);
        }

        private static long checkEnd(String path, long offset, long size) throws LayoutException {
            if (size > (1L << 62) - offset) {
                throw new LayoutException(path + ".size", String.format("offset 0x%x + size 0x%x passes 2^62", offset, size));
            }
            return size;
        }

        /** The TCS page; refs receives OSSA, NSSA and OENTRY for the checks that need SIZE. */
        private byte[] tcs(String path, Object v, long[] refs) throws LayoutException {
            Map<String, Object> m = object(path, v, TCS);
            for (String k : List.of("ossa", "oentry")) {
                if (!m.containsKey(k)) {
                    throw new LayoutException(path, "\"" + k + "\" is required");
                }
            }
            long ossa = integer(path + ".ossa", m.get("ossa"), 0, 1L << 62);
            if ((ossa & (PAGE - 1)) != 0) {
                throw new LayoutException(path + ".ossa", String.format("0x%x is not page-aligned (EADD of a TCS checks it)", ossa));
            }
            long nssa = integer(path + ".nssa", m.getOrDefault("nssa", BigInteger.ONE), 1, 0xFFFF_FFFFL);
            long oentry = integer(path + ".oentry", m.get("oentry"), 0, 1L << 62);
            long fs = integer(path + ".ofsbase", m.getOrDefault("ofsbase", BigInteger.ZERO), 0, 1L << 62);
            long gs = integer(path + ".ogsbase", m.getOrDefault("ogsbase", BigInteger.ZERO), 0, 1L << 62);
            if ((fs & (PAGE - 1)) != 0 || (gs & (PAGE - 1)) != 0) {
                throw new LayoutException(path + ((fs & (PAGE - 1)) != 0 ? ".ofsbase" : ".ogsbase"),
                        "not page-aligned (EADD of a TCS checks OFSBASE and OGSBASE)");
            }
            long fsl = integer(path + ".fslimit", m.getOrDefault("fslimit", BigInteger.valueOf(0xFFFF_FFFFL)), 0, 0xFFFF_FFFFL);
            long gsl = integer(path + ".gslimit", m.getOrDefault("gslimit", BigInteger.valueOf(0xFFFF_FFFFL)), 0, 0xFFFF_FFFFL);
            long flags = integer(path + ".flags", m.getOrDefault("flags", BigInteger.ZERO), 0, 3);
            refs[0] = ossa;
            refs[1] = nssa;
            refs[2] = oentry;
            Tcs t = Tcs.allocate();
            t.flags(flags).ossa(ossa).nssa((int) nssa).oentry(oentry).ofsbasgx(fs).ogsbasgx(gs)
                    .fslimit((int) fsl).gslimit((int) gsl);
            return t.toByteArray();
        }

        private static void checkTcs(Region r, long size, int ssaFrameSize) throws LayoutException {
            long ossa = r.tcsRefs()[0];
            long frames = r.tcsRefs()[1] * ssaFrameSize * PAGE;
            if (ossa >= size || frames > size - ossa) {
                throw new LayoutException(r.path() + ".tcs.ossa", String.format(
                        "SSA frames [0x%x, +0x%x) lie outside ELRANGE (size 0x%x)", ossa, frames, size));
            }
            if (r.tcsRefs()[2] >= size) {
                throw new LayoutException(r.path() + ".tcs.oentry", String.format(
                        "0x%x lies outside ELRANGE (size 0x%x)", r.tcsRefs()[2], size));
            }
        }

        private static long pages(String path, Object v) throws LayoutException {
            long size = integer(path, v, PAGE, 1L << 62);
            if ((size & (PAGE - 1)) != 0) {
                throw new LayoutException(path, String.format("0x%x is not a multiple of 4096", size));
            }
            return size;
        }

        private static long permissions(String path, Object v) throws LayoutException {
            String s = string(path, v);
            long p = 0;
            for (char c : s.toCharArray()) {
                long bit = switch (c) {
                    case 'r' -> SecInfo.R;
                    case 'w' -> SecInfo.W;
                    case 'x' -> SecInfo.X;
                    case '-' -> 0;
                    default -> throw new LayoutException(path, "\"" + s + "\": only r, w, x and - are allowed");
                };
                if ((p & bit) != 0) {
                    throw new LayoutException(path, "\"" + s + "\": '" + c + "' given twice");
                }
                p |= bit;
            }
            if ((p & SecInfo.W) != 0 && (p & SecInfo.R) == 0) {
                throw new LayoutException(path, "\"" + s + "\": W without R (EADD rejects write-only pages)");
            }
            return p;
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> object(String path, Object v, Set<String> allowed) throws LayoutException {
            if (!(v instanceof Map<?, ?> m)) {
                throw new LayoutException(path, "must be an object");
            }
            for (Object k : m.keySet()) {
                if (!allowed.contains(k)) {
                    throw new LayoutException(path + "." + k, "unknown key (allowed: "
                            + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
            return (Map<String, Object>) m;
        }

        private static String string(String path, Object v) throws LayoutException {
            if (!(v instanceof String s)) {
                throw new LayoutException(path, "must be a string");
            }
            return s;
        }

        private static boolean bool(String path, Object v) throws LayoutException {
            if (!(v instanceof Boolean b)) {
                throw new LayoutException(path, "must be true or false");
            }
            return b;
        }

        /** An integer in [min, max] (max -1 = any u64), from a JSON integer or a "0x"/decimal string. */
        private static long integer(String path, Object v, long min, long max) throws LayoutException {
            BigInteger n;
            if (v instanceof BigInteger b) {
                n = b;
            } else if (v instanceof String s) {
                try {
                    String t = s.trim().replace("_", "");
                    n = t.startsWith("0x") || t.startsWith("0X") ? new BigInteger(t.substring(2), 16) : new BigInteger(t);
                } catch (NumberFormatException e) {
                    throw new LayoutException(path, "\"" + s + "\" is not an integer (decimal or 0x-hex)");
                }
            } else {
                throw new LayoutException(path, "must be an integer");
            }
            BigInteger hi = max == -1L ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(max);
            if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(hi) > 0) {
                throw new LayoutException(path, String.format("%s is outside [0x%x, 0x%s]", n, min, hi.toString(16)));
            }
            return n.longValue();
        }
    }
}
