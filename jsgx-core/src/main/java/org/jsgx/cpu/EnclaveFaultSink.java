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

    /**
     * Any other exception (vector &lt; 32) raised in enclave mode, after the AEX: the OS's trap
     * handler for it (e.g. #GP, #UD, #DB). Interrupts (vector &ge; 32) are not reported.
     *
     * @param lp        the processor, already outside enclave mode
     * @param vector    the exception vector
     * @param errorCode its error code (0 for exceptions without one)
     */
    default void enclaveException(LogicalProcessor lp, int vector, int errorCode) {
    }
}
