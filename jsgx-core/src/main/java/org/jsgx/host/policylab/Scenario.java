package org.jsgx.host.policylab;

import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.kernel.Mman;

/** The lab's workloads: what an enclave wants to do, run the same way under every policy. */
public enum Scenario {
    STATIC("static enclave from an unmodified file", "app_t"),
    GENERATED("enclave generated on the fly (Graphene-style)", "app_t"),
    JIT("JIT: executable code after EINIT (EAUG, EACCEPT, EMODPE)", "jit_t"),
    DYNAMIC_LOADER("dynamic loader adding RX pages (EAUG, EACCEPTCOPY)", "app_t"),
    HEAP("heap growing RW only (EAUG, EACCEPT)", "app_t"),
    ATTACKER_RWX("attacker mapping RWX without permission", "app_t"),
    NOEXEC("enclave loaded from a noexec mount", "app_t");

    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE, RX = Mman.PROT_READ | Mman.PROT_EXEC;
    private static final long PENDING_RW = SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W) | SecInfo.PENDING;

    private final String title;
    private final String domain;

    Scenario(String title, String domain) {
        this.title = title;
        this.domain = domain;
    }

    public String title() {
        return title;
    }

    /** The SELinux/EDMM domain the scenario's process runs in. */
    public String domain() {
        return domain;
    }

    /** Runs the scenario on a fresh platform under {@code policy}. */
    public Outcome run(org.jsgx.lsm.Policy policy) {
        LabLoader l = new LabLoader(policy, domain);
        try {
            play(l);
            return Outcome.ok();
        } catch (LabDenied d) {
            return new Outcome(false, d.step, d.errno, d.getMessage());
        } finally {
            l.task.exit();
        }
    }

    private void play(LabLoader l) {
        long dyn = LabEnclave.DYN;
        switch (this) {
            case STATIC, NOEXEC -> {
                l.enclaveFile("/opt/enclave/app.so", this == NOEXEC);
                l.staticImage();
                l.build();
                l.enter("run text", LabEnclave.OP_EXEC, l.base + LabEnclave.TEXT, 0, 0);
            }
            case GENERATED -> {
                // every page generated in anonymous memory; the code page RWX as Graphene's were
                l.region(LabEnclave.TCS, PageType.PT_TCS, 0, RW, LabLoader.Source.ANON, LabEnclave.tcs());
                l.region(LabEnclave.TEXT, PageType.PT_REG, SecInfo.RWX, RW | RX, LabLoader.Source.ANON,
                        LabEnclave.code(2));
                l.region(LabEnclave.DATA, PageType.PT_REG, SecInfo.R | SecInfo.W, RW, LabLoader.Source.ANON,
                        new byte[4096]);
                l.region(LabEnclave.SSA, PageType.PT_REG, SecInfo.R | SecInfo.W, RW, LabLoader.Source.ANON,
                        new byte[4096]);
                l.build();
                l.enter("run generated code", LabEnclave.OP_EXEC, l.base + LabEnclave.TEXT, 0, 0);
            }
            case ATTACKER_RWX -> {
                l.enclaveFile("/opt/enclave/app.so", false);
                l.staticImage();
                l.region(LabEnclave.GEN, PageType.PT_REG, SecInfo.RWX, RW | RX, LabLoader.Source.ANON,
                        LabEnclave.code(3));
                l.build();
                l.enter("write code into RWX page", LabEnclave.OP_WRITE, l.base + LabEnclave.GEN, 0xC3, 0);
                l.enter("run modified code", LabEnclave.OP_EXEC, l.base + LabEnclave.GEN, 0, 0);
            }
            case JIT -> {
                staticEnclave(l);
                l.augment(dyn, SecInfo.RWX);
                l.map(dyn, RW, SecInfo.RWX);
                check(l.enter("EACCEPT new page", LabEnclave.OP_EACCEPT, l.base + dyn, PENDING_RW, 0), "EACCEPT");
                l.enter("write code", LabEnclave.OP_WRITE, l.base + dyn, 0xC3, 0);
                l.enter("EMODPE +X", LabEnclave.OP_EMODPE, l.base + dyn,
                        SecInfo.flags(PageType.PT_REG, SecInfo.X), 0);
                l.extend(dyn, Mman.VM_EXEC);
                l.protect(dyn, RX);
                l.enter("run JITed code", LabEnclave.OP_EXEC, l.base + dyn, 0, 0);
            }
            case DYNAMIC_LOADER -> {
                staticEnclave(l);
                l.augment(dyn, SecInfo.R | SecInfo.X);
                // EACCEPTCOPY writes the destination: it must be mapped writable while it copies
                l.map(dyn, RW, SecInfo.RWX);
                check(l.enter("EACCEPTCOPY RX library page", LabEnclave.OP_EACCEPTCOPY, l.base + dyn,
                        l.base + LabEnclave.TEXT, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.X)), "EACCEPTCOPY");
                l.extend(dyn, Mman.VM_EXEC);
                l.protect(dyn, RX);
                l.enter("run loaded code", LabEnclave.OP_EXEC, l.base + dyn, 0, 0);
            }
            case HEAP -> {
                staticEnclave(l);
                l.augment(dyn, SecInfo.R | SecInfo.W);
                l.map(dyn, RW, SecInfo.R | SecInfo.W);
                check(l.enter("EACCEPT heap page", LabEnclave.OP_EACCEPT, l.base + dyn, PENDING_RW, 0), "EACCEPT");
                l.enter("use heap", LabEnclave.OP_WRITE, l.base + dyn, 42, 0);
            }
        }
    }

    private static void staticEnclave(LabLoader l) {
        l.enclaveFile("/opt/enclave/app.so", false);
        l.staticImage();
        l.build();
    }

    private static void check(long rax, String what) {
        if (rax != 0) {
            throw new LabDenied(what, "SGX status", what + " returned " + org.jsgx.cpu.SgxStatus.ofCode((int) rax));
        }
    }
}
