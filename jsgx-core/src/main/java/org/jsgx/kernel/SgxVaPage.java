package org.jsgx.kernel;

import java.util.BitSet;

/**
 * struct sgx_va_page: a Version Array EPC page and which of its 512 8-byte slots are taken.
 *
 * <p>Beyond upstream (which keeps VA pages resident), a VA page can itself be evicted: EWB
 * writes it to the backing store's VA area and its version into a slot of another, resident VA
 * page of the same enclave ({@link #parent}). The rule that keeps the chain of versions sound
 * (see {@link SgxEnclave#reclaimVaPages}): only a full VA page is evicted (and only one no EWB
 * or ELDU used since the reclaimer last looked: a second chance), and only into a VA page
 * with a free slot, which is resident because full ones are the only ones ever evicted. Every
 * edge of the chain thus points from an evicted page to one that was resident when the edge was
 * made, and whatever hangs below an evicted page is evicted too, so the chain is a forest whose
 * roots are resident: never a cycle. The VA pages with free slots are the anchors; the slot
 * reserve keeps at least one of them for as long as any version needs a home.
 */
final class SgxVaPage {
    /** SGX_VA_SLOT_COUNT. */
    static final int SLOT_COUNT = 512;

    /** Where this page goes in the backing store's VA area (fixed when it is created). */
    final int index;
    /** The EPC page while resident; null while evicted. */
    SgxEpcPage epcPage;
    /** While evicted: the VA page and the slot's byte offset holding this page's version. */
    SgxVaPage parent;
    int parentOffset;
    private final BitSet slots = new BitSet(SLOT_COUNT);
    /** A slot was taken or freed since the reclaimer last looked (its accessed bit). */
    private boolean used = true;

    SgxVaPage(SgxEpcPage epcPage, int index) {
        this.epcPage = epcPage;
        this.index = index;
    }

    /** sgx_alloc_va_slot: the byte offset of the first free slot. */
    int allocSlot() {
        int slot = slots.nextClearBit(0);
        if (slot >= SLOT_COUNT) {
            throw new IllegalStateException("VA page full");
        }
        slots.set(slot);
        used = true;
        return slot << 3;
    }

    /** The second chance of {@link SgxEnclave#reclaimVaPages}: true if used since the last look. */
    boolean testAndClearUsed() {
        boolean u = used;
        used = false;
        return u;
    }

    /** Just loaded back: it gets a full interval before it may go again. */
    void touch() {
        used = true;
    }

    void freeSlot(int offset) {
        slots.clear(offset >> 3);
        used = true;
    }

    boolean full() {
        return slots.cardinality() == SLOT_COUNT;
    }

    int freeSlots() {
        return SLOT_COUNT - slots.cardinality();
    }

    boolean resident() {
        return epcPage != null;
    }
}
