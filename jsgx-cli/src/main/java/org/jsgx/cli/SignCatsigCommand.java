package org.jsgx.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.Callable;
import org.jsgx.cpu.Rsa3072;
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
 * `jsgx sign catsig FILE --signature sig.bin --public-key pub.pem -o out.sig`: completes the
 * SIGSTRUCT from a signature made elsewhere over the `gendata` bytes, like Intel's
 * {@code sgx_sign catsig}. The field options must repeat those given to gendata. The result is
 * verified (signature, Q1, Q2) before it is written; exit 1 if the signature does not verify.
 */
@Command(name = "catsig", mixinStandardHelpOptions = true,
        description = "Assemble a SIGSTRUCT from an external signature (step 2 of 2); exit 1 if it does not verify.")
public final class SignCatsigCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the SGXS, ELF or layout file")
    private Path file;

    @Option(names = "--signature", required = true, paramLabel = "SIG.bin",
            description = "the 384-byte RSA signature, big-endian as openssl and HSMs return it")
    private Path signature;

    @Option(names = "--public-key", required = true, paramLabel = "PUB.pem",
            description = "the signer's public key (PEM; a private key file is accepted too)")
    private Path publicKey;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.sig", description = "SIGSTRUCT output")
    private Path output;

    @Option(names = "--heap", paramLabel = "BYTES", description = "ELF: unmeasured heap size (default 4096)")
    private String heap;

    @Mixin
    private SigStructOptions options;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Override
    public Integer call() {
        RSAPublicKey key = readKey();
        byte[] sig = read(signature);
        if (sig.length != Rsa3072.BYTES) {
            throw CliException.badInput(String.format("%s: offset 0x%x: signature is %d bytes, an RSA-3072 signature is %d",
                    signature, Math.min(sig.length, Rsa3072.BYTES), sig.length, Rsa3072.BYTES));
        }
        EnclaveInput in = EnclaveInput.open(file, MeasureCommand.heapOption(heap));
        MeasureCommand.Measured m = MeasureCommand.measure(in, json);
        SigStructFields fields = options.fields(m.mrenclave(), in);
        SigStruct out;
        try {
            out = SigStructSigner.assemble(fields, sig, key);
        } catch (IllegalArgumentException e) {
            throw CliException.failed(signature + ": " + e.getMessage());
        }
        SignCommand.write(output, out.toByteArray());
        SignCommand.report(spec.commandLine().getOut(), json, output, m, out);
        return Main.EXIT_OK;
    }

    private RSAPublicKey readKey() {
        try {
            RSAPublicKey k = RsaKeys.readPublic(publicKey);
            RsaKeys.requireSgxKey(k);
            return k;
        } catch (NoSuchFileException e) {
            throw CliException.badInput(publicKey + ": no such file");
        } catch (IOException e) {
            throw CliException.badInput(publicKey + ": cannot read key: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(publicKey + ": " + e.getMessage());
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw CliException.badInput(f + ": no such file");
        } catch (IOException e) {
            throw CliException.badInput(f + ": cannot read: " + e.getMessage());
        }
    }
}
