package org.jsgx.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.jsgx.host.SelfTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `jsgx selftest`: the bundled sample enclave through the whole model; ends "N passed, M failed". */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"Build, sign, launch, enter and attest the bundled sample enclave in the model, then run the",
                "Linux kernel's SGX selftests (tools/testing/selftests/sgx) by name against the driver model.",
                "Sizes: -Djsgx.selftest.epc=BYTES (default 2 MiB), -Djsgx.selftest.longDynamic=BYTES,",
                "-Djsgx.selftest.full=true for the kernel's sizes (128 MiB EPC, 8 GiB dynamic area)."})
public final class SelftestCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<SelfTest.Result> results = SelfTest.run(r -> {
            out.println((r.passed() ? "PASS  " : "FAIL  ") + r.name() + (r.passed() ? "" : ": " + r.detail()));
            out.flush();
        });
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}
