package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the fault outcome of a leaf, shared by the paging, SGX2 and AEX tests. */
final class PagingFaults {
    private PagingFaults() {
    }

    static GeneralProtectionFault assertGp(ThrowingCallable leaf) {
        Throwable t = catchThrowable(leaf);
        assertThat(t).isInstanceOf(GeneralProtectionFault.class);
        return (GeneralProtectionFault) t;
    }

    /** #PF at {@code address}; EPCM-caused faults carry PFEC.SGX. */
    static PageFault assertPf(ThrowingCallable leaf, long address) {
        Throwable t = catchThrowable(leaf);
        assertThat(t).isInstanceOf(PageFault.class);
        PageFault pf = (PageFault) t;
        assertThat(pf.address()).isEqualTo(address);
        assertThat(pf.sgx()).isTrue();
        return pf;
    }

    /** Runs {@code leaf} while another leaf holds {@code page}'s lock. */
    static void whileBusy(EpcPage page, Runnable leaf) {
        assertThat(page.tryLock()).isTrue();
        try {
            leaf.run();
        } finally {
            page.unlock();
        }
    }
}
