package org.jsgx.lsm;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxUapi;

/**
 * The policies of the lab: a driver design ({@link SgxUapi}) with the security module that goes
 * with it. Domains used by the lab's rules: {@code app_t} runs enclaves, {@code jit_t} may also
 * run enclaves that execute modified memory.
 */
public enum Policy {
    UPSTREAM("upstream", SgxUapi.UPSTREAM, () -> SecurityModule.NONE),
    SELINUX("selinux", SgxUapi.MPROTECT_IOCTL, () -> new Selinux(Rules.SELINUX)),
    APPARMOR("apparmor", SgxUapi.UPSTREAM, AppArmor::new),
    SOURCE_VMA("source-vma", SgxUapi.SOURCE_VMA, SourceMeasurement::new),
    SEGMENTS("segments", SgxUapi.SEGMENTS, () -> SecurityModule.NONE),
    MPROTECT_IOCTL("mprotect-ioctl", SgxUapi.MPROTECT_IOCTL, () -> SecurityModule.NONE),
    EDMM("edmm-policy", SgxUapi.AUGMENT_IOCTL, () -> new EdmmUserPolicy(Map.of(
            "app_t", List.of(Mman.VM_READ | Mman.VM_WRITE, Mman.VM_READ | Mman.VM_EXEC),
            "jit_t", List.of(Mman.VM_ACCESS_FLAGS))));

    /** The lab's SELinux rules. */
    public static String selinuxRules() {
        return Rules.SELINUX;
    }

    private static final class Rules {
        static final String SELINUX = """
                label /dev/sgx_enclave sgx_enclave_device_t;
                allow app_t sgx_enclave_device_t:file { read execute };
                allow jit_t sgx_enclave_device_t:file { read write execute };
                """;
    }

    private final String id;
    private final SgxUapi uapi;
    private final Supplier<SecurityModule> module;

    Policy(String id, SgxUapi uapi, Supplier<SecurityModule> module) {
        this.id = id;
        this.uapi = uapi;
        this.module = module;
    }

    public String id() {
        return id;
    }

    public SgxUapi uapi() {
        return uapi;
    }

    /** A fresh module (modules may keep state, e.g. IMA's measurement list). */
    public SecurityModule newModule() {
        return module.get();
    }

    public static Policy byId(String id) {
        for (Policy p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy " + id);
    }
}
