package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsgx.cpu.EpcmEntry;
import org.junit.jupiter.api.Test;

/**
 * The change counts an engine's TLB is re-validated by (the x86 engine skips the re-check at
 * enclave entry while both stand still): the PTE generation of an mm and the EPCM change count.
 */
class TranslationChangeCountTest {
    final DriverFixture f = new DriverFixture();

    @Test
    void everyPteChangeMovesTheGenerationAndAccessesDoNot() {
        Mm mm = f.task.mm();
        long p = f.task.mmap(0, 8192, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        long g0 = mm.generation();
        mm.write(p, new byte[] {1}); // first touch installs a PTE
        long g1 = mm.generation();
        assertThat(g1).isGreaterThan(g0);
        mm.read(p, 8);
        mm.write(p, new byte[] {2});
        assertThat(mm.generation()).isEqualTo(g1);
        assertThat(f.task.mprotect(p, 4096, Mman.PROT_READ)).isZero();
        long g2 = mm.generation();
        assertThat(g2).isGreaterThan(g1);
        assertThat(f.task.munmap(p, 8192)).isZero();
        assertThat(mm.generation()).isGreaterThan(g2);
    }

    @Test
    void buildingAnEnclaveMovesTheEpcmCount() {
        long c0 = EpcmEntry.changes();
        f.buildAndInit(); // ECREATE and EADDs set EPCM entries
        assertThat(EpcmEntry.changes()).isGreaterThan(c0);
    }
}
