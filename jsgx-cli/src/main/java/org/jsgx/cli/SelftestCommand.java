package org.jsgx.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jsgx.host.SelfTest;
import org.jsgx.host.kselftest.ElfTestEncl;
import org.jsgx.host.kselftest.KselftestEnclave;
import org.jsgx.host.kselftest.TestEncl;
import org.jsgx.x86.X86Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jsgx selftest`: the bundled sample enclave through the whole model; ends "N passed, M failed". */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        header = "The bundled sample enclave and the Linux kernel's SGX selftests through the model.",
        description = {"Build, sign, launch, enter and attest the bundled sample enclave in the model, then run the",
                "Linux kernel's SGX selftests (tools/testing/selftests/sgx) by name against the driver model.",
                "--engine java (default) runs them on the test enclave written in Java; --engine x86 runs the",
                "real binary test-enclave/test_encl.elf (or --enclave FILE) on the x86-64 engine (Unicorn).",
                "Sizes: -Djsgx.selftest.epc=BYTES (default 2 MiB), -Djsgx.selftest.longDynamic=BYTES,",
                "-Djsgx.selftest.full=true for the kernel's sizes (128 MiB EPC, 8 GiB dynamic area)."})
public final class SelftestCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--engine", paramLabel = "java|x86", defaultValue = "java",
            description = "Engine for the kernel selftests: java (Java test enclave) or x86 (real ELF binary).")
    private String engine;

    @Option(names = "--enclave", paramLabel = "FILE",
            description = "With --engine x86: the test enclave ELF (default test-enclave/test_encl.elf).")
    private Path enclave;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        KselftestEnclave target;
        String label;
        switch (engine) {
            case "java" -> {
                target = TestEncl.JAVA;
                label = "";
            }
            case "x86" -> {
                if (!X86Engine.available()) {
                    throw new CliException(Main.EXIT_FAILED, "--engine x86: " + X86Engine.unavailableReason());
                }
                Path file = enclave != null ? enclave : BundledFiles.testEnclave();
                if (!Files.isRegularFile(file)) {
                    throw new CliException(Main.EXIT_BAD_INPUT, file + ": no such file");
                }
                target = ElfTestEncl.read(file, X86Engine::new);
                label = "x86, " + file.getFileName();
                out.println("kernel selftests on " + file + ", x86-64 engine (Unicorn " + X86Engine.unicornVersion()
                        + ")");
            }
            default -> throw new CliException(Main.EXIT_BAD_INPUT, "--engine must be java or x86, not " + engine);
        }
        List<SelfTest.Result> results = SelfTest.run(r -> {
            out.println((r.passed() ? "PASS  " : "FAIL  ") + r.name() + (r.passed() ? "" : ": " + r.detail()));
            out.flush();
        }, target, label);
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}
