package org.jsgx.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * [MODEL] The hidden SECS fields, which real parts keep in the SECS page's reserved area in an
 * undocumented layout: the enclave ID, the running measurement, the signature padding captured
 * at EINIT, KSS identities, the child count and the epoch-tracking state. The model keeps them
 * in this side object, owned by the SECS's EPC frame and, while the SECS is evicted, by the
 * platform (keyed by EID, which the PCMD binds with the MAC).
 */
public final class SecsState {
    final long eid;
    /** Running MRENCLAVE; null once EINIT has finalised it. */
    Measurement measurement;
    /** EM[0..352) of the verified SIGSTRUCT (PKCS#1 v1.5 padding), input of key derivation. */
    byte[] padding;
    byte[] isvFamilyId = new byte[16];
    byte[] isvExtProdId = new byte[16];
    /** Valid EPC pages whose ENCLAVESECS is this SECS. */
    final AtomicLong children = new AtomicLong();

    // ---- [MODEL] epoch tracking (see Tracking) ----
    /** CBEPOCH: the current epoch; EBLOCK/EMODPR/EMODT stamp pages with it. */
    volatile long cbEpoch; // written under the monitor by ETRACK, read without it by stamp()
    /** The epoch closed by the last ETRACK, or -1 when ETRACK never ran. */
    long trackedEpoch = -1;
    /** Threads inside the enclave, counted by the epoch in which they entered. */
    final ConcurrentHashMap<Long, Integer> threadsByEpoch = new ConcurrentHashMap<>();

    SecsState(long eid, Measurement measurement) {
        this.eid = eid;
        this.measurement = measurement;
    }

    public long eid() {
        return eid;
    }

    public long children() {
        return children.get();
    }

    /** Logical processors currently executing inside this enclave. */
    public int threadsInside() {
        int n = 0;
        for (int c : threadsByEpoch.values()) {
            n += c;
        }
        return n;
    }

    /**
     * The measurement so far (SHA-256 finalised on a copy) while the enclave is being built;
     * null after EINIT, when SECS.MRENCLAVE holds it. For invariant checks and tools.
     */
    public synchronized byte[] mrEnclaveSoFar() {
        Measurement m = measurement;
        return m == null ? null : m.peekFinal();
    }

    public byte[] padding() {
        return padding == null ? null : padding.clone();
    }
}
