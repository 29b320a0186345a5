package org.jsgx.host.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import org.jsgx.RepoFiles;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.EnclaveImage;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SgxsLoader;
import org.jsgx.host.SigStructReport;
import org.jsgx.host.SigStructSigner;
import org.jsgx.host.sgxs.SgxsInspection;
import org.jsgx.host.sgxs.SgxsInspector;
import org.jsgx.host.sgxs.SgxsMeasure;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.kernel.EnclaveBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's own test enclave (test-enclave/), loaded the way the kernel selftest loads it. */
class ElfEnclaveTest {
    private static final long BASE = 0x7f00_0000_0000L;

    @TempDir
    java.nio.file.Path tmp;

    private static byte[] elf() throws Exception {
        return Files.readAllBytes(RepoFiles.testEnclave());
    }

    @Test
    void segmentsFollowLoadC() throws Exception {
        ElfEnclave e = ElfEnclave.parse(elf(), ElfEnclave.DEFAULT_HEAP);
        List<EnclaveImage.Segment> s = e.image().segments();
        assertThat(s).extracting(EnclaveImage.Segment::secinfoFlags).containsExactly(0x100L, 0x205L, 0x203L, 0x203L);
        assertThat(s).extracting(EnclaveImage.Segment::measured).containsExactly(true, true, true, false);
        assertThat(s.getFirst().offset()).isZero();
        assertThat(s.getFirst().size()).isEqualTo(0x2000); // two TCS pages
        for (int i = 1; i < s.size(); i++) {
            assertThat(s.get(i).offset()).isGreaterThanOrEqualTo(s.get(i - 1).offset() + s.get(i - 1).size());
        }
        EnclaveImage.Segment heap = s.getLast();
        assertThat(heap.offset()).isEqualTo(s.get(2).offset() + s.get(2).size());
        assertThat(heap.size()).isEqualTo(4096);
        long end = heap.offset() + heap.size();
        assertThat(Long.bitCount(e.image().size())).isEqualTo(1);
        assertThat(e.image().size()).isGreaterThanOrEqualTo(end).isLessThan(2 * end);
        assertThat(e.image().ssaFrameSize()).isEqualTo(1);
        // the entry the TCS names is the symbol encl_entry
        assertThat(e.elf().symbol("encl_entry")).isPresent();
        assertThat(e.elf().symbol("no_such_symbol")).isEmpty();
    }

    @Test
    void elfMeasuresToTheSameMrenclaveAsItsSgxsConversionAndPassesEinit() throws Exception {
        ElfEnclave e = ElfEnclave.parse(elf(), ElfEnclave.DEFAULT_HEAP);
        byte[] direct = e.image().mrenclaveDirect();
        java.nio.file.Path sgxs = tmp.resolve("test_encl.sgxs");
        byte[] written;
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(sgxs))) {
            written = e.image().writeSgxs(out, null);
        }
        assertThat(written).isEqualTo(direct);
        assertThat(SgxsMeasure.measure(sgxs).mrenclave()).isEqualTo(direct);
        SgxsInspection in = SgxsInspector.inspect(sgxs, SgxsMode.STRICT);
        assertThat(in.unmeasuredPages()).isEqualTo(1);
        assertThat(in.upstreamDriverLoadable()).isTrue();

        RSAPrivateCrtKey key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        SigStruct sig = SigStructSigner.sign(ElfEnclave.selftestSigStructFields(direct), key);
        SigStructReport rep = SigStructReport.of(sig);
        assertThat(rep.verified()).isTrue();
        assertThat(sig.date()).isZero();
        assertThat(sig.vendor()).isZero();
        assertThat(sig.attributeMask().flags()).isZero();
        assertThat(sig.attributes().xfrm()).isEqualTo(3);

        Platform pf = Platform.create();
        EnclaveBuilder b = new EnclaveBuilder(pf, pf.cpu(0));
        SgxsLoader.load(sgxs, b, BASE, ElfEnclave.selftestAttributes(), 0);
        b.writeLeHash(sig.mrSigner());
        assertThat(b.einit(sig, null)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(b.secsView().mrEnclave()).isEqualTo(direct);
    }

    @Test
    void heapSizeChangesOnlyUnmeasuredPagesButStillTheHash() throws Exception {
        ElfEnclave one = ElfEnclave.parse(elf(), 4096);
        ElfEnclave big = ElfEnclave.parse(elf(), 0x40000);
        assertThat(big.image().segments().getLast().pages()).isEqualTo(64);
        // EADD records of the heap are measured even though their contents are not
        assertThat(big.image().mrenclaveDirect()).isNotEqualTo(one.image().mrenclaveDirect());
        assertThatThrownBy(() -> ElfEnclave.parse(elf(), 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ElfEnclave.parse(elf(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerRulesNameTheOffset() throws Exception {
        assertBad(mutate(b -> b.put(0, (byte) 0x7e)), 0, "bad magic");
        assertBad(mutate(b -> b.put(4, (byte) 1)), 4, "EI_CLASS");
        assertBad(mutate(b -> b.put(5, (byte) 2)), 5, "EI_DATA");
        assertBad(mutate(b -> b.putShort(18, (short) 3)), 18, "EM_X86_64");
        assertBad(mutate(b -> b.putShort(54, (short) 32)), 54, "e_phentsize");
        assertBad(mutate(b -> b.putLong(32, -8)), 32, "program header table");
        assertBad(mutate(b -> b.putShort(56, (short) 0x7000)), 32, "program header table");
        assertBad(java.util.Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F'}, 10), 0, "shorter than");
    }

    @Test
    void segmentRulesNameTheProgramHeader() throws Exception {
        int ph0 = 64;
        int ph1 = 64 + 56;
        // first segment must be exactly R|W
        assertBad(mutate(b -> b.putInt(ph0 + 4, ElfFile.PF_R | ElfFile.PF_W | ElfFile.PF_X)), ph0 + 4, "exactly PF_R|PF_W");
        // flags beyond R/W/X
        assertBad(mutate(b -> b.putInt(ph1 + 4, 0x10 | ElfFile.PF_R)), ph1 + 4, "other than PF_R");
        // p_offset + p_filesz beyond the file, and overflowing
        assertBad(mutate(b -> b.putLong(ph1 + 32, 1L << 40)), ph1 + 8, "outside");
        assertBad(mutate(b -> b.putLong(ph1 + 8, -4096)), ph1 + 8, "outside");
        // overlapping the previous segment
        assertBad(mutate(b -> b.putLong(ph1 + 8, b.getLong(ph0 + 8))), ph1 + 8, "previous segment");
        // empty segment
        assertBad(mutate(b -> b.putLong(ph1 + 32, 0)), ph1 + 32, "p_filesz 0");
        // no PT_LOAD at all
        assertBad(mutate(b -> {
            for (int i = 0; i < 3; i++) {
                b.putInt(64 + 56 * i, 4); // PT_NOTE
            }
        }), 32, "no PT_LOAD");
    }

    private interface Edit {
        void apply(ByteBuffer b);
    }

    private static byte[] mutate(Edit e) throws Exception {
        byte[] d = elf();
        e.apply(ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN));
        return d;
    }

    private static void assertBad(byte[] data, long offset, String rule) {
        assertThatThrownBy(() -> ElfEnclave.parse(data, 4096)).isInstanceOfSatisfying(ElfFormatException.class,
                x -> {
                    assertThat(x.fileOffset()).isEqualTo(offset);
                    assertThat(x.getMessage()).contains(rule);
                });
    }

    @Test
    void sgxsConversionIsDeterministic() throws Exception {
        ElfEnclave e = ElfEnclave.parse(elf(), 8192);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        e.image().writeSgxs(a, null);
        e.image().writeSgxs(b, null);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
    }
}
