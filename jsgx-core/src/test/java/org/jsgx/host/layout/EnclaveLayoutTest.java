package org.jsgx.host.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jsgx.RepoFiles;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.EnclaveImage;
import org.jsgx.host.elf.ElfEnclave;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnclaveLayoutTest {
    @TempDir
    Path dir;

    @Test
    void exampleFlatImageMeasuresLikeTheTestEnclaveElf() throws Exception {
        EnclaveLayout l = EnclaveLayout.read(RepoFiles.get("examples/flat/layout.json"));
        byte[] elf = ElfEnclave.read(RepoFiles.testEnclave(), 4096).image().mrenclaveDirect();
        assertThat(l.image().size()).isEqualTo(0x10000);
        assertThat(l.image().mrenclaveDirect()).isEqualTo(elf);
        assertThat(l.image().mrenclave(null)).isEqualTo(elf);
        assertThat(l.attributes().xfrm()).isEqualTo(3);
    }

    private EnclaveLayout parse(String json) throws Exception {
        return EnclaveLayout.parse(json, dir);
    }

    private void bad(String json, String where, String rule) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(LayoutException.class, e -> {
            assertThat(e.where()).isEqualTo(where);
            assertThat(e.problem()).contains(rule);
        });
    }

    @Test
    void tcsRegionHoldsTheGivenFields() throws Exception {
        EnclaveLayout l = parse("""
                {"regions": [{"offset": 0, "tcs": {"ossa": "0x2000", "nssa": 2, "oentry": "0x1000", "ofsbase": "0x4000"}},
                             {"offset": "0x1000", "size": "0x3000", "permissions": "rwx"}]}""");
        EnclaveImage.Segment t = l.image().segments().getFirst();
        assertThat(t.secinfoFlags()).isEqualTo(0x100);
        byte[] page = new byte[4096];
        t.source().open().read(0, page);
        Tcs tcs = new Tcs(java.lang.foreign.MemorySegment.ofArray(page));
        assertThat(tcs.ossa()).isEqualTo(0x2000);
        assertThat(tcs.nssa()).isEqualTo(2);
        assertThat(tcs.oentry()).isEqualTo(0x1000);
        assertThat(tcs.ofsbasgx()).isEqualTo(0x4000);
        assertThat(tcs.fslimit()).isEqualTo(-1);
        assertThat(l.image().size()).isEqualTo(0x4000);
        assertThat(l.image().segments().get(1).measured()).isFalse();
        assertThat(l.image().segments().get(1).secinfoFlags()).isEqualTo(0x207);
    }

    @Test
    void fileRegionsReadTheGivenRangeAndPadWithZeros() throws Exception {
        Files.write(dir.resolve("code.bin"), new byte[] {1, 2, 3, 4, 5, 6});
        EnclaveLayout l = parse("""
                {"size": "0x4000", "regions": [{"offset": "0x1000", "file": "code.bin", "fileOffset": 2, "length": 3,
                  "size": 8192, "permissions": "r-x"}]}""");
        EnclaveImage.Segment s = l.image().segments().getFirst();
        assertThat(s.size()).isEqualTo(8192);
        assertThat(s.measured()).isTrue();
        byte[] page = new byte[4096];
        s.source().open().read(0, page);
        assertThat(java.util.Arrays.copyOf(page, 5)).containsExactly(3, 4, 5, 0, 0);
    }

    @Test
    void rulesNameThePath() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[100]);
        bad("{\"regions\": [], \"extra\": 1}", "$.extra", "unknown key");
        bad("{\"regions\": []}", "$.regions", "at least one");
        bad("{}", "$", "\"regions\" is required");
        bad("{\"regions\": [{\"offset\": \"0x1800\", \"size\": 4096, \"permissions\": \"rw\"}]}", "$.regions[0].offset", "page-aligned");
        bad("{\"regions\": [{\"offset\": 0, \"size\": 100, \"permissions\": \"rw\"}]}", "$.regions[0].size", "outside");
        bad("{\"regions\": [{\"offset\": 0, \"size\": 4097, \"permissions\": \"rw\"}]}", "$.regions[0].size", "multiple of 4096");
        bad("{\"regions\": [{\"offset\": 0, \"size\": 8192, \"permissions\": \"rw\"}, {\"offset\": 4096, \"size\": 4096, \"permissions\": \"r\"}]}",
                "$.regions[1]", "overlap $.regions[0]");
        bad("{\"size\": \"0x2000\", \"regions\": [{\"offset\": 4096, \"size\": 8192, \"permissions\": \"rw\"}]}",
                "$.regions[0]", "outside ELRANGE");
        bad("{\"size\": \"0x3000\", \"regions\": [{\"offset\": 0, \"size\": 4096, \"permissions\": \"rw\"}]}", "$.size", "power of two");
        bad("{\"regions\": [{\"offset\": 0, \"size\": 4096, \"permissions\": \"rq\"}]}", "$.regions[0].permissions", "only r, w, x");
        bad("{\"regions\": [{\"offset\": 0, \"size\": 4096, \"permissions\": \"w\"}]}", "$.regions[0].permissions", "W without R");
        bad("{\"regions\": [{\"offset\": 0, \"size\": 4096, \"permissions\": \"rw\", \"measured\": 1}]}", "$.regions[0].measured", "true or false");
        bad("{\"regions\": [{\"offset\": 0, \"file\": \"nope.bin\", \"permissions\": \"rw\"}]}", "$.regions[0].file", "no such file");
        bad("{\"regions\": [{\"offset\": 0, \"file\": \"f.bin\", \"length\": 101, \"permissions\": \"rw\"}]}", "$.regions[0].length", "past the end");
        bad("{\"regions\": [{\"offset\": 0, \"file\": \"f.bin\", \"size\": 0, \"permissions\": \"rw\"}]}", "$.regions[0].size", "outside");
        bad("{\"regions\": [{\"offset\": 0, \"tcs\": {\"ossa\": 4096, \"oentry\": 0}, \"permissions\": \"rw\"}]}",
                "$.regions[0].permissions", "not allowed for a TCS");
        bad("{\"regions\": [{\"offset\": 0, \"tcs\": {\"ossa\": 4096, \"oentry\": 0, \"cssa\": 0}}]}", "$.regions[0].tcs.cssa", "unknown key");
        bad("{\"regions\": [{\"offset\": 0, \"tcs\": {\"ossa\": 100, \"oentry\": 0}}]}", "$.regions[0].tcs.ossa", "page-aligned");
        bad("{\"regions\": [{\"offset\": 0, \"tcs\": {\"ossa\": \"0x10000\", \"oentry\": 0}}]}", "$.regions[0].tcs.ossa", "outside ELRANGE");
        bad("{\"regions\": [{\"offset\": 0, \"tcs\": {\"ossa\": 4096, \"oentry\": \"0x10000\"}}]}", "$.regions[0].tcs.oentry", "outside ELRANGE");
        bad("{\"regions\": [{\"offset\": -1, \"size\": 4096, \"permissions\": \"rw\"}]}", "$.regions[0].offset", "outside");
        bad("{\"regions\": [{\"offset\": \"zz\", \"size\": 4096, \"permissions\": \"rw\"}]}", "$.regions[0].offset", "not an integer");
    }

    @Test
    void syntaxErrorsNameTheCharacterOffset() {
        bad("{\"regions\": [1,]}", "offset 15", "expected a value");
        bad("{\"a\": 1, \"a\": 2}", "offset 9", "duplicate key");
        bad("{\"size\": 1.5}", "offset 10", "only integers");
        bad("[".repeat(100), "offset 65", "nesting");
        bad("{} x", "offset 3", "after the top-level value");
    }
}
