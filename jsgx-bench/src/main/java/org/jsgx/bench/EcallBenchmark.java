package org.jsgx.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.kselftest.TestEnclSigner;
import org.jsgx.x86.ElfEnclaveSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The x86 engine on a real enclave (test-enclave/other/other_encl.elf) through the driver and
 * vDSO models: a NOP ecall (EENTER → enclave dispatch → EEXIT, ~25 instructions), a register
 * loop and a store-heavy loop of {@link #LOOP_INSTRUCTIONS} instructions each.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@org.openjdk.jmh.annotations.Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EcallBenchmark {
    /** Iterations of the loops: compute = 3 instructions each, store = 6 (4 stores). */
    public static final long COMPUTE_ITERATIONS = 1_000_000, STORE_ITERATIONS = 500_000;
    public static final long LOOP_INSTRUCTIONS = 3_000_000;

    private ElfEnclaveSession s;

    @Setup(Level.Trial)
    public void setUp() {
        var key = (java.security.interfaces.RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        s = new ElfEnclaveSession(enclave(), 4096, 0, mr -> TestEnclSigner.sign(mr, key), false);
        s.call(0, 4); // fault the pages in
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        s.close();
    }

    /** other_encl.elf under -Djsgx.root or the working directory or one of its parents. */
    static Path enclave() {
        String rel = "test-enclave/other/other_encl.elf";
        String root = System.getProperty("jsgx.root");
        if (root != null && Files.isRegularFile(Path.of(root, rel))) {
            return Path.of(root, rel);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(rel))) {
                return d.resolve(rel);
            }
        }
        throw new IllegalStateException(rel + " not found");
    }

    @Benchmark
    public int ecall() {
        return s.call(0, 4).function();
    }

    /**
     * The baseline measured in the same run: the architectural part of an ecall alone — the
     * EENTER and EEXIT leaves on the same enclave and TCS, with no engine and no vDSO model.
     * value/baseline is the factor the engine and the vDSO model add to the leaves.
     */
    @Benchmark
    public long leaves() {
        org.jsgx.cpu.LogicalProcessor lp = s.task.cpu();
        lp.addressSpace(s.task.mm());
        lp.cpl(3);
        lp.enclu().eenter(s.encl.base, 0x40_0000L);
        lp.enclu().eexit(0x40_1000L);
        return lp.regs().rcx;
    }

    @Benchmark
    public long compute() {
        return s.call(0, 9, COMPUTE_ITERATIONS, 0).op()[2];
    }

    @Benchmark
    public long store() {
        return s.call(0, 10, STORE_ITERATIONS, 0).op()[2];
    }
}
