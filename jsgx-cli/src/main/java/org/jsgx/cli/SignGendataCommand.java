package org.jsgx.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jsgx.host.SigStructSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `jsgx sign gendata FILE -o data.bin`: the 256 bytes an HSM or offline machine must sign
 * (SIGSTRUCT[0,128) ‖ [900,1028)), like Intel's {@code sgx_sign gendata}. Sign them with
 * RSASSA-PKCS1-v1_5 over SHA-256, e.g. {@code openssl pkeyutl -sign -pkeyopt digest:sha256}
 * after hashing, or {@code openssl dgst -sha256 -sign}.
 */
@Command(name = "gendata", mixinStandardHelpOptions = true,
        description = "Write the 256 bytes of SIGSTRUCT signing data for an enclave (step 1 of 2).")
public final class SignGendataCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the SGXS, ELF or layout file")
    private Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DATA.bin", description = "signing data output")
    private Path output;

    @Option(names = "--heap", paramLabel = "BYTES", description = "ELF: unmeasured heap size (default 4096)")
    private String heap;

    @Mixin
    private SigStructOptions options;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Override
    public Integer call() {
        EnclaveInput in = EnclaveInput.open(file, MeasureCommand.heapOption(heap));
        MeasureCommand.Measured m = MeasureCommand.measure(in, json);
        byte[] data = SigStructSigner.signingData(options.fields(m.mrenclave(), in));
        SignCommand.write(output, data);
        PrintWriter out = spec.commandLine().getOut();
        String sha = HexFormat.of().formatHex(org.jsgx.cpu.Crypto.sha256(data));
        if (json) {
            out.println(Json.object().put("output", output.toString()).put("format", m.format().label())
                    .put("mrenclave", m.mrenclaveHex()).put("bytes", (long) data.length).put("sha256", sha));
        } else {
            out.println("wrote " + output + " (" + data.length + " bytes to sign with RSA-3072 PKCS#1 v1.5 SHA-256)");
            out.println("  mrenclave " + m.mrenclaveHex());
            out.println("  sha256    " + sha);
        }
        return Main.EXIT_OK;
    }
}
