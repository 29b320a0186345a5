package org.jsgx.kernel;

import org.jsgx.cpu.PageType;

/**
 * struct sgx_encl_page: the kernel's descriptor of one enclave page (or of the SECS): its
 * linear address (desc), the highest VMA rights it may ever be mapped with
 * (vm_max_prot_bits, fixed when it is added), its type, and where it lives — an EPC page
 * while resident, a VA slot plus the backing store while evicted.
 */
public final class SgxEnclPage {
    /** desc bits 63:12: the page's linear address (0 offset bits). */
    final long address;
    /** VM_READ/VM_WRITE/VM_EXEC: the cap sgx_encl_may_map and the fault handler enforce. */
    long vmMaxProtBits;
    PageType type;
    /** The resident EPC page, null while evicted (or for a SECS not yet created). */
    SgxEpcPage epcPage;
    final SgxEnclave encl;
    /** While evicted: the VA page and the slot's byte offset holding the page's version. */
    SgxVaPage vaPage;
    int vaOffset;
    /** SGX_ENCL_PAGE_BEING_RECLAIMED: between the reclaimer's age check and EWB. */
    boolean beingReclaimed;

    SgxEnclPage(SgxEnclave encl, long address, long vmMaxProtBits, PageType type) {
        this.encl = encl;
        this.address = address;
        this.vmMaxProtBits = vmMaxProtBits;
        this.type = type;
    }

    public long address() {
        return address;
    }

    public long vmMaxProtBits() {
        return vmMaxProtBits;
    }

    public PageType type() {
        return type;
    }

    /** True while the page is in the EPC. */
    public boolean resident() {
        return epcPage != null;
    }

    /** The EPC frame's physical address, or -1 while evicted. */
    public long epcAddress() {
        SgxEpcPage p = epcPage;
        return p == null ? -1 : p.pa;
    }

    @Override
    public String toString() {
        return String.format("encl page 0x%x %s max=%s %s", address, type, Mman.protString(vmMaxProtBits),
                epcPage == null ? "evicted" : epcPage);
    }
}
