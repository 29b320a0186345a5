package org.jsgx.lsm;

import org.jsgx.kernel.DeviceNode;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxDriver;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vma;

/**
 * AppArmor as Sean argued it (seed 004): no EXECMOD/EXECMEM concepts, only its mmap_file and
 * file_mprotect hooks, so for enclaves it can detect W+X — a mapping of enclave memory that is
 * writable and executable at once — and nothing else. W then X in two steps passes.
 */
public final class AppArmor implements SecurityModule {
    @Override
    public String name() {
        return "apparmor";
    }

    private void wx(DeviceNode node, long vmProt) {
        if (node.path().equals(SgxDriver.SGX_ENCLAVE)
                && (vmProt & (Mman.VM_WRITE | Mman.VM_EXEC)) == (Mman.VM_WRITE | Mman.VM_EXEC)) {
            throw SecurityDenial.deny(this, Errno.EACCES, "W+X mapping of %s refused", node.path());
        }
    }

    @Override
    public void mmapFile(Task task, DeviceNode node, int prot, boolean shared) {
        wx(node, Mman.vmProtBits(prot));
    }

    @Override
    public void fileMprotect(Task task, Vma vma, long vmProt) {
        wx(vma.file().node(), vmProt);
    }
}
