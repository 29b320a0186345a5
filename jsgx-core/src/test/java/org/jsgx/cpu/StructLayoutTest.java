package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Each structure's size and a few offsets, asserted once against the SDM. */
class StructLayoutTest {

    @Test
    void sizesMatchTheSdm() {
        assertThat(Secs.SIZE).isEqualTo(4096);
        assertThat(Tcs.SIZE).isEqualTo(4096);
        assertThat(SecInfo.SIZE).isEqualTo(64);
        assertThat(PageInfo.SIZE).isEqualTo(32);
        assertThat(Pcmd.SIZE).isEqualTo(128);
        assertThat(SigStruct.SIZE).isEqualTo(1808);
        assertThat(EinitToken.SIZE).isEqualTo(304);
        assertThat(Report.SIZE).isEqualTo(432);
        assertThat(Report.BODY_SIZE).isEqualTo(384);
        assertThat(TargetInfo.SIZE).isEqualTo(512);
        assertThat(KeyRequest.SIZE).isEqualTo(512);
        assertThat(GprSgx.SIZE).isEqualTo(184);
        assertThat(ExInfo.SIZE).isEqualTo(16);
    }

    @Test
    void fieldsAreLittleEndianAtTheirOffsets() {
        Secs s = Secs.allocate().size(0x40000).baseAddr(0x7f0000000000L).ssaFrameSize(2).miscSelect(1)
                .attributes(new Attributes(0x6, 0x3));
        byte[] b = s.toByteArray();
        assertThat(b[0]).isEqualTo((byte) 0x00);
        assertThat(b[2]).isEqualTo((byte) 0x04);
        assertThat(b[Secs.BASEADDR + 5]).isEqualTo((byte) 0x7f);
        assertThat(b[Secs.SSAFRAMESIZE]).isEqualTo((byte) 2);
        assertThat(b[Secs.MISCSELECT]).isEqualTo((byte) 1);
        assertThat(b[48]).isEqualTo((byte) 6);
        assertThat(b[56]).isEqualTo((byte) 3);
    }

    @Test
    void gprsgxIsTheLast184BytesOfTheFrame() {
        MemorySegment frame = MemorySegment.ofArray(new byte[4096]);
        GprSgx g = GprSgx.ofFrame(frame);
        g.reg(GprSgx.RAX, 0x1122334455667788L);
        assertThat(frame.get(Struct.U64, 4096 - 184)).isEqualTo(0x1122334455667788L);
        ExInfo x = ExInfo.ofFrame(frame);
        x.set(0xdead000L, 7);
        assertThat(frame.get(Struct.U64, 4096 - 184 - 16)).isEqualTo(0xdead000L);
    }

    @Test
    void aShortBufferIsRefused() {
        assertThatThrownBy(() -> new SigStruct(MemorySegment.ofArray(new byte[1807])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1808");
    }

    @Test
    void secinfoDecodesTypeAndPermissions() {
        SecInfo si = SecInfo.of(0x205);
        assertThat(si.pageType()).isEqualTo(PageType.PT_REG);
        assertThat(si.perms()).isEqualTo(SecInfo.R | SecInfo.X);
        assertThat(SecInfo.of(0x900).pageType()).isNull();
    }
}
