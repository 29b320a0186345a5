package org.jsgx.kernel;

/**
 * struct sgx_epc_page: the kernel's descriptor of one EPC frame — its physical address, the
 * section (NUMA node) it belongs to, the reclaimer flags, its owner (the enclave page it holds,
 * the SECS's encl page, or null for a VA page), the EPC cgroup it is charged to, and the
 * list_head that links it into its cgroup's LRU. Kept small on purpose: one per EPC frame
 * (see BENCHMARKS.md, "metadata per EPC page").
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
    /** The EPC cgroup this page is charged to while allocated (sgx_epc_page.epc_cg). */
    SgxEpcCgroup cgroup;
    /** list_head of the LRU ({@link SgxEpcLru}); guarded by that LRU's lock. */
    SgxEpcPage prev, next;

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
