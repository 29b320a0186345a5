package org.jsgx.lsm;

import java.util.List;
import java.util.Map;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxEnclave;
import org.jsgx.kernel.Task;

/**
 * Seed 001's "user space policy" for pages added after EINIT: the highest rights
 * (vm_max_prot_bits) a domain's dynamic pages may have — RW only, RX, or RWX. Asking for more
 * is EPERM. With EAUG on fault the driver asks for its default; with
 * SGX_IOC_ENCLAVE_AUGMENT_PAGES the SECINFO says what is asked for.
 */
public final class EdmmUserPolicy implements SecurityModule {
    private final Map<String, List<Long>> capsByDomain;

    /** @param capsByDomain the VM_READ/WRITE/EXEC caps each domain may ask for; others get RW only */
    public EdmmUserPolicy(Map<String, List<Long>> capsByDomain) {
        this.capsByDomain = Map.copyOf(capsByDomain);
    }

    @Override
    public String name() {
        return "edmm-policy";
    }

    @Override
    public long enclaveAugmentPage(Task task, SgxEnclave encl, long address, long requested) {
        String d = task.securityContext() == null ? "unconfined_t" : task.securityContext();
        List<Long> caps = capsByDomain.getOrDefault(d, List.of(Mman.VM_READ | Mman.VM_WRITE));
        for (long cap : caps) {
            if ((requested & ~cap) == 0) {
                return requested;
            }
        }
        throw SecurityDenial.deny(this, Errno.EPERM, "dynamic page 0x%x: %s may add pages with %s, not %s",
                address, d, caps.stream().map(EdmmUserPolicy::protString).toList(), protString(requested));
    }

    static String protString(long p) {
        return ((p & Mman.VM_READ) != 0 ? "r" : "-") + ((p & Mman.VM_WRITE) != 0 ? "w" : "-")
                + ((p & Mman.VM_EXEC) != 0 ? "x" : "-");
    }
}
