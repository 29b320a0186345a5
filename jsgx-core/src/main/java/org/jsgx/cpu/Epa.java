package org.jsgx.cpu;

/** ENCLS[EPA]: turns a free EPC page into a Version Array page of 512 empty 8-byte slots. */
final class Epa {
    /** Slots per VA page. */
    static final int SLOTS = EpcPage.SIZE / 8;

    private Epa() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        if (rbx != PageType.PT_VA.value()) {
            throw new GeneralProtectionFault(String.format("EPA: RBX 0x%x is not PT_VA", rbx));
        }
        Checks.aligned(rcx, 4096, "VA page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);
        Checks.lock(page, "VA page");
        try {
            Checks.pf(page.epcm().valid, rcx, "EPC page already valid");
            page.data().fill((byte) 0);
            page.epcm().set(PageType.PT_VA, 0, null, 0);
        } finally {
            page.unlock();
        }
    }
}
