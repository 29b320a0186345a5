package org.jsgx.host.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of an ELF64 little-endian x86-64 file an enclave loader reads: the file header, the
 * program headers and (on demand) the symbol table. Every field is checked before it is used:
 * identification bytes, machine, table entry sizes, and that every table and segment lies
 * inside the file without unsigned overflow. Failures name the offset of the field at fault.
 */
public final class ElfFile {
    public static final int EHDR_SIZE = 64;
    public static final int PHDR_SIZE = 56;
    public static final int SHDR_SIZE = 64;
    public static final int SYM_SIZE = 24;
    public static final int EM_X86_64 = 62;
    public static final int PT_LOAD = 1;
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;
    private static final int SHT_SYMTAB = 2;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;

    private final ByteBuffer b;
    private final int type;
    private final List<ProgramHeader> programHeaders;

    /**
     * One program header.
     *
     * @param headerOffset file offset of the header itself (for error messages)
     */
    public record ProgramHeader(int index, long headerOffset, int type, int flags, long offset, long vaddr,
            long filesz, long memsz) {
    }

    private ElfFile(byte[] data) throws ElfFormatException {
        this.b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < EHDR_SIZE) {
            throw new ElfFormatException(0, "file is " + data.length + " bytes, shorter than the 64-byte ELF64 header");
        }
        if (b.getInt(0) != 0x464C457F) {
            throw new ElfFormatException(0, String.format("bad magic %02x %02x %02x %02x (an ELF file starts with 7f 45 4c 46)",
                    data[0], data[1], data[2], data[3]));
        }
        expect(4, 2, "EI_CLASS", "ELFCLASS64");
        expect(5, 1, "EI_DATA", "ELFDATA2LSB (little-endian)");
        expect(6, 1, "EI_VERSION", "EV_CURRENT");
        type = u16(16);
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ElfFormatException(16, "e_type " + type + " is not ET_EXEC (2) or ET_DYN (3)");
        }
        int machine = u16(18);
        if (machine != EM_X86_64) {
            throw new ElfFormatException(18, "e_machine " + machine + " is not EM_X86_64 (62)");
        }
        long phoff = b.getLong(32);
        int phentsize = u16(54);
        int phnum = u16(56);
        if (phnum == 0xFFFF) {
            throw new ElfFormatException(56, "e_phnum PN_XNUM (extended numbering) is not supported");
        }
        if (phnum > 0 && phentsize != PHDR_SIZE) {
            throw new ElfFormatException(54, "e_phentsize " + phentsize + " is not " + PHDR_SIZE);
        }
        requireInFile(32, "program header table (e_phoff, e_phnum)", phoff, (long) phnum * PHDR_SIZE);
        List<ProgramHeader> phs = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int at = (int) phoff + i * PHDR_SIZE;
            ProgramHeader ph = new ProgramHeader(i, at, b.getInt(at), b.getInt(at + 4), b.getLong(at + 8),
                    b.getLong(at + 16), b.getLong(at + 32), b.getLong(at + 40));
            if (ph.type() == PT_LOAD) {
                requireInFile(at + 8, "PT_LOAD program header " + i + " (p_offset, p_filesz)", ph.offset(), ph.filesz());
            }
            phs.add(ph);
        }
        programHeaders = List.copyOf(phs);
    }

    /** Parses and checks the header and program headers of {@code data} (not copied). */
    public static ElfFile parse(byte[] data) throws ElfFormatException {
        return new ElfFile(data);
    }

    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    public List<ProgramHeader> loadSegments() {
        return programHeaders.stream().filter(p -> p.type() == PT_LOAD).toList();
    }

    public int length() {
        return b.capacity();
    }

    /** The raw file (shared, not copied). */
    public byte[] bytes() {
        return b.array();
    }

    /**
     * The value of the symbol {@code name} from {@code .symtab} (= its enclave offset for an
     * enclave linked at 0), as the selftest's {@code encl_get_entry} finds it.
     */
    public Optional<Long> symbol(String name) throws ElfFormatException {
        long shoff = b.getLong(40);
        int shentsize = u16(58);
        int shnum = u16(60);
        if (shnum == 0) {
            return Optional.empty();
        }
        if (shentsize != SHDR_SIZE) {
            throw new ElfFormatException(58, "e_shentsize " + shentsize + " is not " + SHDR_SIZE);
        }
        requireInFile(40, "section header table (e_shoff, e_shnum)", shoff, (long) shnum * SHDR_SIZE);
        for (int i = 0; i < shnum; i++) {
            int sh = (int) shoff + i * SHDR_SIZE;
            if (b.getInt(sh + 4) != SHT_SYMTAB) {
                continue;
            }
            long off = b.getLong(sh + 24);
            long size = b.getLong(sh + 32);
            long entsize = b.getLong(sh + 56);
            int link = b.getInt(sh + 40);
            if (entsize != SYM_SIZE) {
                throw new ElfFormatException(sh + 56, ".symtab sh_entsize " + entsize + " is not " + SYM_SIZE);
            }
            requireInFile(sh + 24, ".symtab (sh_offset, sh_size)", off, size);
            if (link < 0 || link >= shnum) {
                throw new ElfFormatException(sh + 40, ".symtab sh_link " + Integer.toUnsignedString(link)
                        + " is not a section index (e_shnum " + shnum + ")");
            }
            int str = (int) shoff + link * SHDR_SIZE;
            long stroff = b.getLong(str + 24);
            long strsize = b.getLong(str + 32);
            requireInFile(str + 24, "string table (sh_offset, sh_size)", stroff, strsize);
            byte[] want = name.getBytes(StandardCharsets.UTF_8);
            for (long s = off; s + SYM_SIZE <= off + size; s += SYM_SIZE) {
                long nameOff = Integer.toUnsignedLong(b.getInt((int) s));
                if (nameOff + want.length < strsize && matches((int) (stroff + nameOff), want)) {
                    return Optional.of(b.getLong((int) s + 8));
                }
            }
        }
        return Optional.empty();
    }

    private boolean matches(int at, byte[] want) {
        for (int i = 0; i < want.length; i++) {
            if (b.get(at + i) != want[i]) {
                return false;
            }
        }
        return b.get(at + want.length) == 0;
    }

    private void expect(int at, int want, String field, String meaning) throws ElfFormatException {
        int got = b.get(at) & 0xff;
        if (got != want) {
            throw new ElfFormatException(at, field + " is " + got + ", expected " + want + " (" + meaning + ")");
        }
    }

    private int u16(int at) {
        return b.getShort(at) & 0xffff;
    }

    /** [off, off + len) must lie inside the file, computed without overflow. */
    private void requireInFile(long fieldOffset, String what, long off, long len) throws ElfFormatException {
        long size = b.capacity();
        if (Long.compareUnsigned(off, size) > 0 || Long.compareUnsigned(len, size - off) > 0) {
            throw new ElfFormatException(fieldOffset, String.format(
                    "%s [0x%s, +0x%s) lies outside the %d-byte file", what, Long.toUnsignedString(off, 16),
                    Long.toUnsignedString(len, 16), size));
        }
    }
}
