package org.jsgx.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jsgx.host.RsaKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jsgx keygen -o KEY.pem [--public-out PUB.pem] [--force]}: an enclave signing key. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate an RSA-3072 key with exponent 3 (the only kind EINIT accepts) as PKCS#8 PEM.")
public final class KeygenCommand implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "KEY.pem", description = "private key output")
    Path out;

    @Option(names = "--public-out", paramLabel = "PUB.pem", description = "also write the public key")
    Path publicOut;

    @Option(names = "--force", description = "overwrite existing files")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (publicOut != null && publicOut.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw CliException.badInput("--public-out must differ from -o (" + out + ")");
        }
        // check both before writing either, so a refusal leaves nothing half done
        refuseExisting(out);
        if (publicOut != null) {
            refuseExisting(publicOut);
        }
        KeyPair kp = RsaKeys.generate();
        RSAPrivateCrtKey priv = (RSAPrivateCrtKey) kp.getPrivate();
        write(out, RsaKeys.privatePem(priv), true);
        if (publicOut != null) {
            write(publicOut, RsaKeys.publicPem((RSAPublicKey) kp.getPublic()), false);
        }
        spec.commandLine().getOut().println("wrote " + out + (publicOut != null ? " and " + publicOut : "")
                + " (RSA-3072, e=3); MRSIGNER " + HexFormat.of().formatHex(RsaKeys.mrSigner(priv)));
        return Main.EXIT_OK;
    }

    private void refuseExisting(Path p) {
        if (!force && Files.exists(p)) {
            throw CliException.badInput(p + ": file exists (use --force to overwrite)");
        }
        if (Files.isDirectory(p)) {
            throw CliException.badInput(p + ": is a directory");
        }
    }

    private void write(Path p, String pem, boolean secret) {
        try {
            if (force) {
                Files.deleteIfExists(p);
            }
            Files.createFile(p);
            if (secret && Files.getFileStore(p).supportsFileAttributeView("posix")) {
                // owner-only before any key byte is written
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(p, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw CliException.badInput(p + ": file exists (use --force to overwrite)");
        } catch (IOException e) {
            throw CliException.badInput(p + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
