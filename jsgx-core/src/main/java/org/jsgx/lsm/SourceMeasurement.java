package org.jsgx.lsm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jsgx.cpu.PageType;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxEnclave;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vma;

/**
 * The file checks Cedric's design (seed 000) relies on, with the SOURCE_VMA driver: an
 * executable enclave page must be copied from a file mapping (the enclave file mapped like a
 * shared object), whose file an IMA-like hook records in its measurement list; executable
 * contents from anonymous memory have no file to measure and are refused (EXECMEM-like).
 * noexec mounts need no code here: such a mapping never has VM_MAYEXEC.
 * [MODEL] only the file's path is measured; IMA appraisal of signatures is not modelled.
 */
public final class SourceMeasurement implements SecurityModule {
    private final List<String> measurements = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "ima";
    }

    /** The measurement list (one entry per file an executable enclave page came from). */
    public List<String> measurements() {
        return List.copyOf(measurements);
    }

    @Override
    public void enclaveAddPage(Task task, SgxEnclave encl, long address, PageType type, long secinfoPerms,
            long maxProt, Vma source) {
        if ((maxProt & Mman.VM_EXEC) == 0) {
            return;
        }
        if (source == null || source.file() == null) {
            throw SecurityDenial.deny(this, Errno.EACCES,
                    "executable enclave page 0x%x comes from anonymous memory: no file to measure", address);
        }
        String path = source.file().node().path();
        if (!measurements.contains(path)) {
            measurements.add(path);
        }
    }
}
