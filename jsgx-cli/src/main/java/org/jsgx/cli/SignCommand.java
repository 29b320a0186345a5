package org.jsgx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `jsgx sign`: a SIGSTRUCT for an SGXS, ELF or layout enclave, signed with an RSA-3072 (e = 3)
 * PEM key; or in two steps for keys that never leave an HSM: {@code sign gendata} then
 * {@code sign catsig}.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign an enclave (SGXS, ELF or layout file): write its SIGSTRUCT (1808 bytes).",
        subcommands = {SignGendataCommand.class, SignCatsigCommand.class})
public final class SignCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "the SGXS, ELF or layout file to sign")
    private Path file;

    // not `required`: picocli would then demand them for the gendata/catsig sub-commands too
    @Option(names = "--key", paramLabel = "KEY.pem",
            description = "RSA-3072 private key with exponent 3 (PKCS#1 or PKCS#8 PEM); required")
    private Path keyFile;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.sig", description = "SIGSTRUCT output; required")
    private Path output;

    @Option(names = "--heap", paramLabel = "BYTES", description = "ELF: unmeasured heap size (default 4096)")
    private String heap;

    @Mixin
    private SigStructOptions options;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Override
    public Integer call() {
        if (file == null) {
            throw CliException.badInput("sign: missing FILE (or use `sign gendata` / `sign catsig`)");
        }
        if (keyFile == null || output == null) {
            throw CliException.badInput("sign: --key and -o are required");
        }
        RSAPrivateCrtKey key = readKey();
        EnclaveInput in = EnclaveInput.open(file, MeasureCommand.heapOption(heap));
        MeasureCommand.Measured m = MeasureCommand.measure(in, json);
        SigStructFields fields = options.fields(m.mrenclave(), in);
        SigStruct sig = SigStructSigner.sign(fields, key);
        write(output, sig.toByteArray());
        report(spec.commandLine().getOut(), json, output, m, sig);
        return Main.EXIT_OK;
    }

    static void report(PrintWriter out, boolean json, Path output, MeasureCommand.Measured m, SigStruct sig) {
        String mrSigner = HexFormat.of().formatHex(sig.mrSigner());
        if (json) {
            out.println(Json.object().put("output", output.toString()).put("format", m.format().label())
                    .put("mrenclave", m.mrenclaveHex()).put("mrsigner", mrSigner).put("isvprodid", sig.isvProdId())
                    .put("isvsvn", sig.isvSvn()).put("date", String.format("%08x", sig.date())));
        } else {
            out.println("wrote " + output);
            out.println("  mrenclave " + m.mrenclaveHex());
            out.println("  mrsigner  " + mrSigner);
        }
    }

    static void write(Path output, byte[] data) {
        try {
            Files.write(output, data);
        } catch (IOException e) {
            throw CliException.badInput(output + ": cannot write: " + e.getMessage());
        }
    }

    private RSAPrivateCrtKey readKey() {
        try {
            return RsaKeys.readPrivate(keyFile);
        } catch (java.nio.file.NoSuchFileException e) {
            throw CliException.badInput(keyFile + ": no such file");
        } catch (IOException e) {
            throw CliException.badInput(keyFile + ": cannot read key: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(keyFile + ": " + e.getMessage());
        }
    }

    /** Decimal or 0x-prefixed hexadecimal, as sgx_sign and sgxs-sign accept. */
    static long number(String option, String v) {
        try {
            String t = v.trim().replace("_", "");
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw CliException.badInput(option + " " + v + ": not a number (decimal or 0x-hex)");
        }
    }
}
