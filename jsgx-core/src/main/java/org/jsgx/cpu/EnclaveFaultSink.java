package org.jsgx.cpu;

/**
 * Where the CPU delivers a #PF raised in enclave mode, after the AEX: the upward interface the
 * kernel layer implements (its page-fault handler), as hardware raises #PF for the OS to
 * handle. Set with {@link Platform#enclaveFaultSink(EnclaveFaultSink)}.
 */
@FunctionalInterface
public interface EnclaveFaultSink {

    /**
     * @param lp        the processor, already outside enclave mode (RIP = AEP, RAX = ERESUME)
     * @param address   CR2: the faulting linear address with its page offset cleared, as AEX
     *                  hides the offset from the OS
     * @param errorCode the PFEC; bit 15 (SGX) set when an EPCM check caused the fault
     */
    void enclavePageFault(LogicalProcessor lp, long address, int errorCode);
}
