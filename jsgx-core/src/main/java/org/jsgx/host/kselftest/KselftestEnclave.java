package org.jsgx.host.kselftest;

import java.util.List;
import org.jsgx.cpu.EnclaveEngine;

/**
 * What the kernel selftests run against: the test enclave's image as load.c reads it from
 * test_encl.elf (its PT_LOAD segments in order, before the heap is appended), the engine that
 * executes its code, and the symbols the tests look up with encl_get_entry. Two exist: the
 * test enclave written in Java ({@link TestEncl#JAVA}) and a real ELF binary run by a machine
 * code engine ({@link ElfTestEncl}).
 */
public interface KselftestEnclave {
    /** One PT_LOAD segment: enclave offset, page-rounded size, mmap prot, SECINFO flags, bytes (size long). */
    record Part(long offset, long size, int prot, long flags, byte[] content) {
    }

    /** A one-line description for reports. */
    String describe();

    /** The segments in program-header order; the first holds the TCS pages. */
    List<Part> parts();

    /** A fresh engine for one test (closed with the test if it is {@link AutoCloseable}). */
    EnclaveEngine newEngine();

    /** encl_get_entry(encl, "encl_dyn_entry"): the entry of TCSs created at run time. */
    long dynEntry();
}
