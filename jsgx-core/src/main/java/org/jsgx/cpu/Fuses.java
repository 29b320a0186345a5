package org.jsgx.cpu;

import java.nio.charset.StandardCharsets;

/**
 * [MODEL] The package's secrets, which real parts fuse in or generate at boot. Here they are
 * derived from one seed with SHA-256("jsgx-fuse:" ‖ name ‖ seed), so runs are reproducible and
 * two platforms with different seeds have unrelated keys. None of these values is visible to
 * software on hardware; the model exposes them only to tests.
 *
 * @param rootKey      the per-package root of key derivation (EGETKEY/EREPORT/EINIT token key)
 * @param sealFuses    CR_SEAL_FUSES
 * @param basePk       CR_BASE_PK, the paging (EWB/ELDU) key
 * @param reportKeyId  CR_REPORT_KEYID, "random at boot"
 * @param ownerEpoch   the default IA32_SGXOWNEREPOCH0/1 value the BIOS programs
 */
public record Fuses(byte[] rootKey, byte[] sealFuses, byte[] basePk, byte[] reportKeyId, byte[] ownerEpoch) {

    public static Fuses fromSeed(long seed) {
        return new Fuses(derive("root-key", seed, 16), derive("seal-fuses", seed, 16),
                derive("base-pk", seed, 16), derive("report-keyid", seed, 32), derive("owner-epoch", seed, 16));
    }

    private static byte[] derive(String name, long seed, int len) {
        byte[] h = Crypto.sha256(("jsgx-fuse:" + name).getBytes(StandardCharsets.US_ASCII), Bytes.le64(seed));
        return java.util.Arrays.copyOf(h, len);
    }
}
