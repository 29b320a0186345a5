package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import org.jsgx.host.RsaKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {

    @Test
    void writesAnSgxKeyPairThatReadsBack(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path pub = dir.resolve("pub.pem");
        CliRun r = CliRun.of("keygen", "-o", key.toString(), "--public-out", pub.toString());

        assertThat(r.code()).as(r.err()).isZero();
        RSAPrivateCrtKey priv = RsaKeys.readPrivate(key);
        RSAPublicKey pubKey = RsaKeys.readPublic(pub);
        assertThat(priv.getModulus().bitLength()).isEqualTo(3072);
        assertThat(priv.getPublicExponent()).isEqualTo(3);
        assertThat(pubKey.getModulus()).isEqualTo(priv.getModulus());
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(r.out()).contains(HexFormat.of().formatHex(RsaKeys.mrSigner(pubKey)));
        if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(key))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void refusesToOverwriteWithoutForce(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), "keep me");
        Path pub = dir.resolve("pub.pem");
        CliRun r = CliRun.of("keygen", "-o", key.toString(), "--public-out", pub.toString());

        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).contains("key.pem", "exists", "--force").doesNotContain("\n");
        assertThat(Files.readString(key)).isEqualTo("keep me");
        assertThat(pub).doesNotExist();
    }

    @Test
    void refusesAnExistingPublicOutBeforeWritingThePrivateKey(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path pub = Files.writeString(dir.resolve("pub.pem"), "keep me");
        CliRun r = CliRun.of("keygen", "-o", key.toString(), "--public-out", pub.toString());

        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(key).doesNotExist();
        assertThat(Files.readString(pub)).isEqualTo("keep me");
    }

    @Test
    void forceOverwrites(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), "old");
        CliRun r = CliRun.of("keygen", "-o", key.toString(), "--force");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(RsaKeys.readPrivate(key).getModulus().bitLength()).isEqualTo(3072);
    }

    @Test
    void missingOutputIsAUsageError() {
        CliRun r = CliRun.of("keygen");
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("-o");
    }
}
