package org.jsgx.kernel;

import java.util.BitSet;

/** struct sgx_va_page: a Version Array EPC page and which of its 512 8-byte slots are taken. */
final class SgxVaPage {
    /** SGX_VA_SLOT_COUNT. */
    static final int SLOT_COUNT = 512;

    final SgxEpcPage epcPage;
    private final BitSet slots = new BitSet(SLOT_COUNT);

    SgxVaPage(SgxEpcPage epcPage) {
        this.epcPage = epcPage;
    }

    /** sgx_alloc_va_slot: the byte offset of the first free slot. */
    int allocSlot() {
        int slot = slots.nextClearBit(0);
        if (slot >= SLOT_COUNT) {
            throw new IllegalStateException("VA page full");
        }
        slots.set(slot);
        return slot << 3;
    }

    void freeSlot(int offset) {
        slots.clear(offset >> 3);
    }

    boolean full() {
        return slots.cardinality() == SLOT_COUNT;
    }
}
