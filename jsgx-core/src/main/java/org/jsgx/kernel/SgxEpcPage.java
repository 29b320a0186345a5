package org.jsgx.kernel;

/**
 * struct sgx_epc_page: the kernel's descriptor of one EPC frame — its physical address, the
 * section (NUMA node) it belongs to, the reclaimer flags and its owner (the enclave page it
 * holds, the SECS's encl page, or null for a VA page).
 */
public final class SgxEpcPage {
    final long pa;
    final int section;
    /** SGX_EPC_PAGE_RECLAIMER_TRACKED: on the LRU or held by the reclaimer. */
    boolean reclaimerTracked;
    /** The list node is linked into the LRU (false while the reclaimer has detached it). */
    boolean onLru;
    boolean free;
    volatile SgxEnclPage owner;

    SgxEpcPage(long pa, int section) {
        this.pa = pa;
        this.section = section;
    }

    /** The frame's physical address. */
    public long pa() {
        return pa;
    }

    @Override
    public String toString() {
        return String.format("epc 0x%x", pa);
    }
}
