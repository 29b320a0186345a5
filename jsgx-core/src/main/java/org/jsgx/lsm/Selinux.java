package org.jsgx.lsm;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jsgx.kernel.DeviceNode;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxDriver;
import org.jsgx.kernel.SgxEnclave;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vma;
import org.jsgx.cpu.SigStruct;

/**
 * SELinux's file checks on /dev/sgx_enclave as the May 2019 proposal (seed 004) uses them:
 * FILE__READ and FILE__EXECUTE to run an enclave, FILE__WRITE as "may execute modified memory"
 * (with the MPROTECT_IOCTL driver it is asked only for pages that may be both W and X).
 * Rules, one per line: {@code allow DOMAIN TYPE:file { read write execute };} and
 * {@code label PATH TYPE;}; unlabelled tasks are {@code unconfined_t}, which may do anything.
 */
public final class Selinux implements SecurityModule {
    private final Map<String, Set<String>> allowed = new HashMap<>();
    private final Map<String, String> labels = new HashMap<>(Map.of(SgxDriver.SGX_ENCLAVE, "sgx_enclave_device_t"));

    public Selinux(String rules) {
        for (String raw : rules.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.replace(";", "").replace("{", " ").replace("}", " ").trim().split("\\s+");
            if (w[0].equals("label") && w.length == 3) {
                labels.put(w[1], w[2]);
            } else if (w[0].equals("allow") && w.length >= 4 && w[2].endsWith(":file")) {
                String key = w[1] + " " + w[2].substring(0, w[2].length() - 5);
                for (int i = 3; i < w.length; i++) {
                    allowed.computeIfAbsent(key, k -> new HashSet<>()).add(w[i]);
                }
            } else {
                throw new IllegalArgumentException("selinux rule not understood: " + line);
            }
        }
    }

    @Override
    public String name() {
        return "selinux";
    }

    private void check(Task task, String path, String perm) {
        String type = labels.get(path);
        String domain = task.securityContext();
        if (type == null || domain == null || domain.equals("unconfined_t")) {
            return;
        }
        if (!allowed.getOrDefault(domain + " " + type, Set.of()).contains(perm)) {
            throw SecurityDenial.deny(this, Errno.EACCES, "avc: denied { %s } for scontext=%s tcontext=%s tclass=file",
                    perm, domain, type);
        }
    }

    /** file_map_prot_check: READ for PROT_READ, WRITE for shared PROT_WRITE, EXECUTE for PROT_EXEC. */
    private void checkProt(Task task, String path, long vmProt, boolean shared) {
        if ((vmProt & Mman.VM_READ) != 0) {
            check(task, path, "read");
        }
        if (shared && (vmProt & Mman.VM_WRITE) != 0) {
            check(task, path, "write");
        }
        if ((vmProt & Mman.VM_EXEC) != 0) {
            check(task, path, "execute");
        }
    }

    @Override
    public void fileOpen(Task task, DeviceNode node, boolean read, boolean write) {
        if (read) {
            check(task, node.path(), "read");
        }
        if (write) {
            check(task, node.path(), "write");
        }
    }

    @Override
    public void mmapFile(Task task, DeviceNode node, int prot, boolean shared) {
        checkProt(task, node.path(), Mman.vmProtBits(prot), shared);
    }

    @Override
    public void fileMprotect(Task task, Vma vma, long vmProt) {
        checkProt(task, vma.file().node().path(), vmProt, (vma.flags() & Mman.VM_SHARED) != 0);
    }

    /** Andy: EXECUTE is what it takes to run an enclave. */
    @Override
    public void enclaveInit(Task task, SgxEnclave encl, SigStruct sigstruct, long attributes) {
        check(task, SgxDriver.SGX_ENCLAVE, "execute");
    }
}
