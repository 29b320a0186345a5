package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.jsgx.Fixtures;
import org.jsgx.RepoFiles;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.Report;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.SigStructReport;
import org.jsgx.host.elf.ElfEnclave;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** measure / convert / info / sign for ELF enclaves, layout files and the new structure kinds. */
class FormatsCliTest {
    private static final HexFormat HEX = HexFormat.of();
    @TempDir
    static Path dir;
    static Path key;

    @BeforeAll
    static void keygen() {
        key = dir.resolve("key.pem");
        assertThat(CliRun.of("keygen", "-o", key.toString()).code()).isZero();
    }

    private static String elf() {
        return RepoFiles.testEnclave().toString();
    }

    private static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":");
        assertThat(i).as(name + " in " + json).isNotNegative();
        int start = i + name.length() + 3;
        int end = start;
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return json.substring(start, end).replace("\"", "");
    }

    @Test
    void measureElfLayoutAndSgxsAgree() throws Exception {
        CliRun e = CliRun.of("measure", "--json", elf());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(field(e.out(), "format")).isEqualTo("elf");
        assertThat(field(e.out(), "size")).isEqualTo("65536");
        assertThat(field(e.out(), "ssaFrameSize")).isEqualTo("1");
        String mr = field(e.out(), "mrenclave");
        assertThat(mr).isEqualTo(HEX.formatHex(ElfEnclave.read(RepoFiles.testEnclave(), 4096).image().mrenclaveDirect()));

        CliRun l = CliRun.of("measure", "--json", RepoFiles.get("examples/flat/layout.json").toString());
        assertThat(l.code()).as(l.err()).isZero();
        assertThat(field(l.out(), "format")).isEqualTo("layout");
        assertThat(field(l.out(), "mrenclave")).isEqualTo(mr);

        Path sgxs = dir.resolve("test_encl.sgxs");
        CliRun c = CliRun.of("convert", elf(), "-o", sgxs.toString());
        assertThat(c.code()).as(c.err()).isZero();
        // no UNMEASRD records (the heap is zero): the file is the measured stream itself
        assertThat(HEX.formatHex(Crypto.sha256(Files.readAllBytes(sgxs)))).isEqualTo(mr);
        CliRun s = CliRun.of("measure", "--json", sgxs.toString());
        assertThat(field(s.out(), "format")).isEqualTo("sgxs");
        assertThat(field(s.out(), "mrenclave")).isEqualTo(mr);

        CliRun heap = CliRun.of("measure", "--json", "--heap", "0x10000", elf());
        assertThat(field(heap.out(), "mrenclave")).isNotEqualTo(mr);
    }

    @Test
    void measureFixturesGiveThePublishedValues() {
        CliRun a = CliRun.of("measure", "--json", Fixtures.require("fortanix-test_enclave.sgxs").toString());
        assertThat(field(a.out(), "mrenclave")).isEqualTo("784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
        assertThat(field(a.out(), "size")).isEqualTo(String.valueOf(0x40000));
        assertThat(field(a.out(), "ssaFrameSize")).isEqualTo("1");
        CliRun b = CliRun.of("measure", "--json", Fixtures.require("fortanix-report.sgxs").toString());
        assertThat(field(b.out(), "mrenclave")).isEqualTo("a06a560b26f5e397b2d7872fac66fe4b43bf4f507296ee048f110be6fb1a2290");
    }

    @Test
    void infoDecodesTheQuoteReportBody() throws Exception {
        Path quote = Fixtures.require("dcap-quote.bin");
        byte[] q = Files.readAllBytes(quote);
        CliRun r = CliRun.of("info", "--json", quote.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(field(r.out(), "kind")).isEqualTo("QUOTE");
        assertThat(field(r.out(), "version")).isEqualTo("3");
        // REPORTBODY at 48: MRENCLAVE +64, MRSIGNER +128, ISVPRODID +256
        assertThat(field(r.out(), "mrsigner")).isEqualTo(HEX.formatHex(q, 48 + 128, 48 + 160))
                .isEqualTo("9affcfae47b848ec2caf1c49b4b283531e1cc425f93582b36806e52a43d78d1a");
        assertThat(field(r.out(), "mrenclave")).isEqualTo(HEX.formatHex(q, 48 + 64, 48 + 96));
        assertThat(field(r.out(), "isvProdId")).isEqualTo(String.valueOf((q[48 + 256] & 0xff) | (q[48 + 257] & 0xff) << 8));
        assertThat(field(r.out(), "signatureDataLength")).isEqualTo(String.valueOf(q.length - 436));
    }

    @Test
    void infoDecodesReportsAndTokens() throws Exception {
        byte[] mr = Crypto.sha256(new byte[] {1});
        Report rep = Report.allocate();
        rep.bytes(Report.MRENCLAVE, mr);
        rep.u16(Report.ISVSVN, 7);
        Path rf = dir.resolve("r.report");
        Files.write(rf, rep.toByteArray());
        CliRun r = CliRun.of("info", "--json", rf.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(field(r.out(), "kind")).isEqualTo("REPORT");
        assertThat(field(r.out(), "mrenclave")).isEqualTo(HEX.formatHex(mr));
        assertThat(field(r.out(), "isvSvn")).isEqualTo("7");

        EinitToken t = EinitToken.allocate();
        t.valid(1);
        t.bytes(EinitToken.MRSIGNER, mr);
        Path tf = dir.resolve("t.token");
        Files.write(tf, t.toByteArray());
        CliRun tr = CliRun.of("info", "--json", tf.toString());
        assertThat(tr.code()).as(tr.err()).isZero();
        assertThat(field(tr.out(), "kind")).isEqualTo("EINITTOKEN");
        assertThat(field(tr.out(), "valid")).isEqualTo("1");
        assertThat(field(tr.out(), "mrsigner")).isEqualTo(HEX.formatHex(mr));
    }

    @Test
    void infoSummarisesSgxs() {
        CliRun r = CliRun.of("info", "--json", Fixtures.require("fortanix-report.sgxs").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"kind\":\"SGXS\"", "\"pagesByKind\":{\"REG r-x\":1,\"REG rw-\":1,\"TCS\":1}",
                "\"upstreamDriverLoadable\":true",
                "\"mrenclave\":\"a06a560b26f5e397b2d7872fac66fe4b43bf4f507296ee048f110be6fb1a2290\"");
        CliRun h = CliRun.of("info", Fixtures.require("fortanix-test_enclave.sgxs").toString());
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("measuredPages:", "holes:");
    }

    @Test
    void signElfLikeTheKernelSelftest() throws Exception {
        Path sig = dir.resolve("elf.sig");
        CliRun r = CliRun.of("sign", "--key", key.toString(), "-o", sig.toString(), "--json", elf());
        assertThat(r.code()).as(r.err()).isZero();
        SigStructReport rep = SigStructReport.parse(Files.readAllBytes(sig));
        assertThat(rep.verified()).isTrue();
        SigStruct s = rep.sigStruct();
        assertThat(s.date()).isZero();
        assertThat(s.miscMask()).isZero();
        assertThat(s.attributeMask().flags()).isZero();
        assertThat(s.attributeMask().xfrm()).isZero();
        assertThat(s.attributes().flags()).isEqualTo(4);
        assertThat(s.attributes().xfrm()).isEqualTo(3);
        assertThat(HEX.formatHex(s.enclaveHash())).isEqualTo(field(r.out(), "mrenclave"));
    }

    @Test
    void twoStepSigningWithOpensslEqualsOneStep() throws Exception {
        assumeTrue(hasOpenssl(), "SKIPPED: openssl not found; cannot make the external signature");
        String[] fields = {"--date", "20261122", "--isvprodid", "3", "--isvsvn", "2"};
        Path oneStep = dir.resolve("one.sig");
        assertThat(run(concat(new String[] {"sign", "--key", key.toString(), "-o", oneStep.toString(), elf()}, fields)))
                .isZero();

        Path data = dir.resolve("data.bin");
        assertThat(run(concat(new String[] {"sign", "gendata", elf(), "-o", data.toString()}, fields))).isZero();
        assertThat(Files.size(data)).isEqualTo(256);
        Path hash = dir.resolve("hash.bin");
        Files.write(hash, Crypto.sha256(Files.readAllBytes(data)));
        Path sigBin = dir.resolve("sig.bin");
        Process p = new ProcessBuilder("openssl", "pkeyutl", "-sign", "-inkey", key.toString(), "-pkeyopt",
                "digest:sha256", "-in", hash.toString(), "-out", sigBin.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
        Path pub = dir.resolve("pub.pem");
        Process pp = new ProcessBuilder("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString())
                .redirectErrorStream(true).start();
        assertThat(pp.waitFor()).isZero();

        Path twoStep = dir.resolve("two.sig");
        CliRun cat = CliRun.of(concat(new String[] {"sign", "catsig", elf(), "--signature", sigBin.toString(),
            "--public-key", pub.toString(), "-o", twoStep.toString()}, fields));
        assertThat(cat.code()).as(cat.err()).isZero();
        assertThat(Files.readAllBytes(twoStep)).isEqualTo(Files.readAllBytes(oneStep));

        // a signature over other data does not verify: exit 1, nothing written
        Path wrong = dir.resolve("wrong.sig");
        CliRun bad = CliRun.of("sign", "catsig", elf(), "--signature", sigBin.toString(), "--public-key", pub.toString(),
                "-o", wrong.toString(), "--isvsvn", "9", "--date", "20261122", "--isvprodid", "3");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip()).contains("does not verify").doesNotContain("\n");
        assertThat(Files.exists(wrong)).isFalse();
    }

    @Test
    void badInputIsOneLineWithOffsetOrPath() throws Exception {
        byte[] e = Files.readAllBytes(RepoFiles.testEnclave());
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putShort(18, (short) 40);
        Path badElf = dir.resolve("bad.elf");
        Files.write(badElf, e);
        CliRun r = CliRun.of("measure", badElf.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains("offset 0x12", "EM_X86_64").doesNotContain("\n").doesNotContain("Exception");

        Path badLayout = dir.resolve("bad.json");
        Files.writeString(badLayout, "{\"regions\": [{\"offset\": \"0x10\", \"size\": 4096, \"permissions\": \"rw\"}]}");
        CliRun l = CliRun.of("convert", badLayout.toString(), "-o", dir.resolve("x.sgxs").toString());
        assertThat(l.code()).isEqualTo(2);
        assertThat(l.err().strip()).contains("$.regions[0].offset", "page-aligned").doesNotContain("\n");
        assertThat(Files.exists(dir.resolve("x.sgxs"))).isFalse();

        CliRun heap = CliRun.of("measure", "--heap", "4096", Fixtures.require("fortanix-report.sgxs").toString());
        assertThat(heap.code()).isEqualTo(2);
        assertThat(heap.err()).contains("--heap applies to ELF");
    }

    private static boolean hasOpenssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (Exception ex) {
            return false;
        }
    }

    private static int run(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.err()).as(String.join(" ", args)).isEmpty();
        return r.code();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
