package org.jsgx.engine;

import org.jsgx.cpu.Bytes;

/**
 * What a Java enclave program sees of its processor: the registers EENTER left (RBX = TCS,
 * RCX = return address, and the caller's RDI, RSI, RDX, R8, R9), its ELRANGE base, memory
 * accessed through the processor's enclave-mode checks, and the in-enclave ENCLU leaves. An
 * access or leaf that faults takes an AEX; the program is suspended exactly there and the
 * access is retried on ERESUME, as the faulting instruction is on hardware.
 */
public interface EnclaveContext {

    /** The enclave's base address (ELRANGE start). */
    long base();

    /** The TCS this thread entered through (RBX at EENTER). */
    long tcs();

    /** CSSA at entry (RAX after EENTER). */
    long cssa();

    long rdi();

    long rsi();

    long rdx();

    long r8();

    long r9();

    /** Sets a register the caller sees after EEXIT (index in GPRSGX order: 0 RAX .. 15 R15). */
    void exitRegister(int index, long value);

    byte[] read(long la, int len);

    void write(long la, byte[] data);

    /** An instruction fetch (needs an executable page). */
    byte[] fetch(long la, int len);

    /** ENCLU[EREPORT]: TARGETINFO, REPORTDATA and the output REPORT by linear address. */
    void ereport(long targetInfo, long reportData, long output);

    /** ENCLU[EGETKEY]: returns RAX (0 or an SGX status code); the key goes to {@code output}. */
    long egetkey(long keyRequest, long output);

    /** ENCLU[EACCEPT]: returns RAX (0 or an SGX status code). */
    long eaccept(long secinfo, long page);

    /** ENCLU[EMODPE]. */
    void emodpe(long secinfo, long page);

    /** ENCLU[EACCEPTCOPY]: returns RAX. */
    long eacceptcopy(long secinfo, long destination, long source);

    default long readU64(long la) {
        return Bytes.le64(read(la, 8), 0);
    }

    default void writeU64(long la, long v) {
        write(la, Bytes.le64(v));
    }
}
