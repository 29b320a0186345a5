package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.EpcmEntry;
import org.junit.jupiter.api.Test;

/**
 * Metadata per EPC page beyond its 4 KiB, estimated JOL-style from the classes' instance fields
 * with HotSpot's 64-bit layout under compressed oops and compressed class pointers (the
 * default below 32 GiB of heap): a 12-byte header, 4-byte references, primitives at their
 * size, the object padded to 8 bytes. The kernel's share is struct sgx_epc_page
 * ({@link SgxEpcPage}, LRU links included) plus its reference in a free list (ArrayDeque slot)
 * — the target is at most 64 bytes. The cpu model's per-frame state (EPCM entry, busy flag)
 * stands for what hardware keeps in the PRM and is reported separately.
 */
class EpcMetadataCostTest {
    static final int HEADER = 12, REF = 4;

    static long shallow(Class<?> c) {
        long size = HEADER;
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Class<?> t = f.getType();
                size += !t.isPrimitive() ? REF
                        : t == long.class || t == double.class ? 8
                        : t == int.class || t == float.class ? 4
                        : t == short.class || t == char.class ? 2 : 1;
            }
        }
        return (size + 7) & ~7L;
    }

    @Test
    void kernelMetadataPerEpcPageIsAtMost64Bytes() {
        long epcPage = shallow(SgxEpcPage.class);
        long perPage = epcPage + REF; // + the free-list (ArrayDeque) slot while free
        long cpu = shallow(EpcPage.class) + shallow(EpcmEntry.class) + shallow(java.util.concurrent.atomic.AtomicBoolean.class);
        System.out.printf("metadata per EPC page: kernel %d B (struct sgx_epc_page %d B + free-list slot %d B); "
                + "cpu model (EpcPage + EpcmEntry + busy flag) %d B%n", perPage, epcPage, REF, cpu);
        assertThat(perPage).isLessThanOrEqualTo(64);
    }
}
