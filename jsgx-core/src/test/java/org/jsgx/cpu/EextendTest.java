package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EextendTest {
    private static final long BASE = 0x20_0000_0000L;
    private final BuildKit kit = new BuildKit();
    private long secs;

    @BeforeEach
    void create() {
        secs = kit.ecreate(BuildKit.secs(BASE, 0x4000));
    }

    @Test
    void measuresTheChunkAtItsEnclaveOffset() {
        byte[] content = BuildKit.filled(9);
        long page = kit.eadd(secs, BASE + 0x2000, 0x203, content);
        kit.encls.eextend(secs, page + 0x300);
        Measurement m = new Measurement(1, 0x4000);
        m.eadd(0x2000, 0x203);
        m.eextend(0x2300, content, 0x300);
        assertThat(kit.state(secs).measurement.peekFinal()).isEqualTo(m.peekFinal());
        assertThat(kit.state(secs).measurement.blocks()).isEqualTo(1 + 1 + 5);
    }

    @Test
    void measuresTheTcsAsStoredAfterEadd() {
        Tcs tcs = Tcs.allocate().ossa(0x1000).nssa(1).cssa(3);
        long page = kit.eadd(secs, BASE, 0x100, tcs.toByteArray());
        kit.eextendPage(secs, page);
        Measurement m = new Measurement(1, 0x4000);
        m.eadd(0, 0x100);
        byte[] cleared = Tcs.allocate().ossa(0x1000).nssa(1).toByteArray();
        for (int off = 0; off < 4096; off += 256) {
            m.eextend(off, cleared, off);
        }
        assertThat(kit.state(secs).measurement.peekFinal()).isEqualTo(m.peekFinal());
    }

    @Test
    void chunkMustBe256Aligned() {
        long page = kit.eadd(secs, BASE, 0x203, new byte[4096]);
        assertThatThrownBy(() -> kit.encls.eextend(secs, page + 0x80))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("aligned");
    }

    @Test
    void pageMustBeAValidRegOrTcsPage() {
        long unused = kit.epcPage();
        assertThatThrownBy(() -> kit.encls.eextend(secs, unused)).isInstanceOf(PageFault.class);
        assertThatThrownBy(() -> kit.encls.eextend(secs, secs)).isInstanceOf(PageFault.class)
                .hasMessageContaining("PT_SECS");
        assertThatThrownBy(() -> kit.encls.eextend(secs, 0x4000_0000L)).isInstanceOf(PageFault.class);
    }

    @Test
    void rbxMustBeTheOwningSecs() {
        long other = kit.ecreate(BuildKit.secs(BASE, 0x4000));
        long page = kit.eadd(secs, BASE, 0x203, new byte[4096]);
        long before = kit.state(other).measurement.blocks();
        assertThatThrownBy(() -> kit.encls.eextend(other, page))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("owns");
        assertThat(kit.state(other).measurement.blocks()).isEqualTo(before);
        assertThatThrownBy(() -> kit.encls.eextend(secs + 0x10, page)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> kit.encls.eextend(0x5000_0000L, page)).isInstanceOf(PageFault.class);
    }
}
