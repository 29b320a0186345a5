package org.jsgx.host.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.host.EnclaveImage;
import org.jsgx.host.SigStructFields;

/**
 * An ELF enclave in the Linux kernel selftest convention ({@code tools/testing/selftests/sgx},
 * {@code load.c} and {@code sigstruct.c}), turned into an {@link EnclaveImage} exactly as the
 * selftest loads and measures it:
 * <ul>
 * <li>PT_LOAD segments in program-header order; the first holds the TCS pages and must be
 *     exactly PF_R|PF_W; flags other than R/W/X are rejected;</li>
 * <li>segment 0 is EADDed as PT_TCS (SECINFO 0x100), the others as PT_REG with R/W/X from
 *     p_flags; each at {@code (p_offset & ~0xFFF) - (first p_offset & ~0xFFF)}, with
 *     {@code p_filesz} rounded up to a page, all of it measured (p_vaddr and p_memsz are not
 *     used, as in load.c);</li>
 * <li>then an unmeasured RW heap right after the last segment (default one page);</li>
 * <li>ELRANGE = the smallest power of two ≥ 4096 covering the heap; SSAFRAMESIZE 1.</li>
 * </ul>
 * Layouts the driver would refuse (overlapping or out-of-order segments, pages past the end of
 * the file, empty segments) are rejected here rather than half-loaded.
 */
public final class ElfEnclave {
    /** {@code ENCL_HEAP_SIZE_DEFAULT} of the selftest. */
    public static final long DEFAULT_HEAP = 4096;
    private static final long PAGE = 4096;
    private static final long PAGE_MASK = ~(PAGE - 1);

    private final ElfFile elf;
    private final EnclaveImage image;

    private ElfEnclave(ElfFile elf, EnclaveImage image) {
        this.elf = elf;
        this.image = image;
    }

    public static ElfEnclave read(Path file, long heapSize) throws IOException {
        return parse(Files.readAllBytes(file), heapSize);
    }

    /**
     * @param heapSize bytes of unmeasured heap after the last segment: a positive multiple of
     *                 4096 (load.c always adds one, and ADD_PAGES refuses a zero length)
     */
    public static ElfEnclave parse(byte[] data, long heapSize) throws ElfFormatException {
        if (heapSize <= 0 || (heapSize & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "heap size 0x%x is not a positive multiple of 4096", heapSize));
        }
        ElfFile elf = ElfFile.parse(data);
        List<ElfFile.ProgramHeader> loads = elf.loadSegments();
        if (loads.isEmpty()) {
            throw new ElfFormatException(32, "no PT_LOAD program header: an enclave needs at least the TCS segment");
        }
        List<EnclaveImage.Segment> segs = new ArrayList<>();
        long srcOffset = 0;
        long end = 0;
        long fileEnd = (data.length + PAGE - 1) & PAGE_MASK;
        for (int j = 0; j < loads.size(); j++) {
            ElfFile.ProgramHeader ph = loads.get(j);
            long flagsAt = ph.headerOffset() + 4;
            if ((ph.flags() & ~(ElfFile.PF_R | ElfFile.PF_W | ElfFile.PF_X)) != 0) {
                throw new ElfFormatException(flagsAt, String.format(
                        "PT_LOAD %d: p_flags 0x%x has bits other than PF_R, PF_W, PF_X", ph.index(), ph.flags()));
            }
            long secinfo;
            if (j == 0) {
                if (ph.flags() != (ElfFile.PF_R | ElfFile.PF_W)) {
                    throw new ElfFormatException(flagsAt, String.format(
                            "first PT_LOAD (the TCS pages) has p_flags 0x%x, must be exactly PF_R|PF_W (0x6)",
                            ph.flags()));
                }
                srcOffset = ph.offset() & PAGE_MASK;
                secinfo = SecInfo.flags(PageType.PT_TCS, 0);
            } else {
                secinfo = SecInfo.flags(PageType.PT_REG, perms(ph.flags()));
            }
            long pageStart = ph.offset() & PAGE_MASK;
            if (Long.compareUnsigned(pageStart, srcOffset) < 0) {
                throw new ElfFormatException(ph.headerOffset() + 8, String.format(
                        "PT_LOAD %d: p_offset 0x%x lies before the TCS segment's page 0x%x", ph.index(),
                        ph.offset(), srcOffset));
            }
            if (ph.filesz() == 0) {
                throw new ElfFormatException(ph.headerOffset() + 32, String.format(
                        "PT_LOAD %d: p_filesz 0 (SGX_IOC_ENCLAVE_ADD_PAGES refuses a zero length)", ph.index()));
            }
            long offset = pageStart - srcOffset;
            long size = (ph.filesz() + PAGE - 1) & PAGE_MASK;
            if (Long.compareUnsigned(size, fileEnd - pageStart) > 0) {
                throw new ElfFormatException(ph.headerOffset() + 32, String.format(
                        "PT_LOAD %d: pages [0x%x, +0x%x) extend past the end of the file (0x%x), where mmap has no data",
                        ph.index(), pageStart, size, data.length));
            }
            if (offset < end) {
                throw new ElfFormatException(ph.headerOffset() + 8, String.format(
                        "PT_LOAD %d: enclave offset 0x%x lies below the end 0x%x of the previous segment"
                                + " (the driver refuses a page added twice)", ph.index(), offset, end));
            }
            int len = (int) Math.min(size, data.length - pageStart);
            segs.add(new EnclaveImage.Segment(j == 0 ? "tcs" : "segment " + j, offset, size, secinfo, true,
                    new EnclaveImage.Bytes(data, (int) pageStart, len)));
            end = offset + size;
        }
        if (Long.compareUnsigned(heapSize, -1L - end) > 0) {
            throw new IllegalArgumentException(String.format("heap size 0x%x overflows the enclave", heapSize));
        }
        segs.add(new EnclaveImage.Segment("heap", end, heapSize,
                SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), false, new EnclaveImage.Zero()));
        long encl = EnclaveImage.elrangeFor(end + heapSize);
        return new ElfEnclave(elf, new EnclaveImage(encl, 1, segs));
    }

    /** PF_R/PF_W/PF_X (4/2/1) → SECINFO R/W/X (1/2/4). */
    private static long perms(int pf) {
        return ((pf & ElfFile.PF_R) != 0 ? SecInfo.R : 0) | ((pf & ElfFile.PF_W) != 0 ? SecInfo.W : 0)
                | ((pf & ElfFile.PF_X) != 0 ? SecInfo.X : 0);
    }

    public ElfFile elf() {
        return elf;
    }

    public EnclaveImage image() {
        return image;
    }

    /**
     * The SIGSTRUCT fields the selftest's {@code encl_measure} signs: vendor 0, date 0, SWDEFINED
     * 0, ATTRIBUTES = MODE64BIT with XFRM 3, every mask 0, MISCSELECT 0, ISVPRODID and ISVSVN 0.
     */
    public static SigStructFields selftestSigStructFields(byte[] mrenclave) {
        return new SigStructFields(mrenclave, 0, 0, 0, false, 0, 0,
                new Attributes(Attributes.MODE64BIT, Attributes.XFRM_LEGACY), Attributes.ZERO, 0, 0, null, null);
    }

    /** The SECS attributes the selftest passes to SGX_IOC_ENCLAVE_CREATE (not DEBUG). */
    public static Attributes selftestAttributes() {
        return new Attributes(Attributes.MODE64BIT, Attributes.XFRM_LEGACY);
    }
}
