package org.jsgx.host.kselftest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jsgx.cpu.EnclaveEngine;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.host.EnclaveImage;
import org.jsgx.host.elf.ElfEnclave;
import org.jsgx.kernel.Mman;

/**
 * A test enclave binary in the kernel selftest ELF convention (test_encl.elf), run by a machine
 * code engine. Segments come from {@link ElfEnclave} (load.c's rules), symbols from the ELF's
 * {@code .symtab} as encl_get_entry reads them.
 */
public final class ElfTestEncl implements KselftestEnclave {
    private final Path file;
    private final List<Part> parts;
    private final long dynEntry;
    private final Supplier<? extends EnclaveEngine> engines;

    private ElfTestEncl(Path file, List<Part> parts, long dynEntry, Supplier<? extends EnclaveEngine> engines) {
        this.file = file;
        this.parts = parts;
        this.dynEntry = dynEntry;
        this.engines = engines;
    }

    /** Reads {@code file}; {@code encl_dyn_entry} must be in its symbol table. */
    public static ElfTestEncl read(Path file, Supplier<? extends EnclaveEngine> engines) {
        try {
            byte[] data = Files.readAllBytes(file);
            ElfEnclave e = ElfEnclave.parse(data, ElfEnclave.DEFAULT_HEAP);
            List<EnclaveImage.Segment> segs = e.image().segments();
            List<Part> parts = new ArrayList<>();
            for (EnclaveImage.Segment s : segs.subList(0, segs.size() - 1)) { // the last is ElfEnclave's heap
                EnclaveImage.Bytes src = (EnclaveImage.Bytes) s.source();
                byte[] content = Arrays.copyOf(Arrays.copyOfRange(src.data(), src.from(), src.from() + src.length()),
                        (int) s.size());
                parts.add(new Part(s.offset(), s.size(), prot(s.secinfoFlags()), s.secinfoFlags(), content));
            }
            long dyn = e.elf().symbol("encl_dyn_entry").orElseThrow(() -> new IllegalArgumentException(
                    file + ": no symbol encl_dyn_entry in .symtab"));
            return new ElfTestEncl(file, List.copyOf(parts), dyn, engines);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** load.c: the TCS segment is mapped RW, the others with their R/W/X. */
    private static int prot(long flags) {
        if (((flags >>> 8) & 0xFF) == PageType.PT_TCS.value()) {
            return Mman.PROT_READ | Mman.PROT_WRITE;
        }
        return ((flags & SecInfo.R) != 0 ? Mman.PROT_READ : 0) | ((flags & SecInfo.W) != 0 ? Mman.PROT_WRITE : 0)
                | ((flags & SecInfo.X) != 0 ? Mman.PROT_EXEC : 0);
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public List<Part> parts() {
        return parts;
    }

    @Override
    public EnclaveEngine newEngine() {
        return engines.get();
    }

    @Override
    public long dynEntry() {
        return dynEntry;
    }
}
