package org.jsgx.cpu;

import java.io.ByteArrayOutputStream;

/**
 * [MODEL] The key derivation behind EGETKEY, EREPORT and EINIT's token check. The hardware KDF
 * is not public; the model computes AES-128-CMAC(root key, serialize(dependencies)) where the
 * dependencies are exactly the SDM's key-dependency table and the serialisation concatenates,
 * little-endian: KEYNAME u16, ISVFAMILYID 16, ISVEXTPRODID 16, ISVPRODID u16, ISVSVN u16,
 * OWNEREPOCH 16, ATTRIBUTES 16, ATTRIBUTESMASK 16, MRENCLAVE 32, MRSIGNER 32, KEYID 32,
 * SEAL_FUSES 16, CPUSVN 16, PADDING 352, MISCSELECT u32, MISCMASK u32, KEYPOLICY u16,
 * CONFIGID 64, CONFIGSVN u16 (642 bytes). Every input that the SDM says changes a key changes it.
 */
public final class KeyDerivation {
    public static final int SERIALIZED_SIZE = 642;

    /** The SDM's key dependencies; unset fields are zero. */
    public static final class Dependencies {
        public int keyName;
        public byte[] isvFamilyId = new byte[16];
        public byte[] isvExtProdId = new byte[16];
        public int isvProdId;
        public int isvSvn;
        public byte[] ownerEpoch = new byte[16];
        public Attributes attributes = Attributes.ZERO;
        public Attributes attributesMask = Attributes.ZERO;
        public byte[] mrEnclave = new byte[32];
        public byte[] mrSigner = new byte[32];
        public byte[] keyId = new byte[32];
        public byte[] sealFuses = new byte[16];
        public byte[] cpuSvn = new byte[16];
        public byte[] padding = new byte[Rsa3072.PADDING_LEN];
        public int miscSelect;
        public int miscMask;
        public int keyPolicy;
        public byte[] configId = new byte[64];
        public int configSvn;

        public byte[] serialize() {
            ByteArrayOutputStream o = new ByteArrayOutputStream(SERIALIZED_SIZE);
            u16(o, keyName);
            fixed(o, isvFamilyId, 16);
            fixed(o, isvExtProdId, 16);
            u16(o, isvProdId);
            u16(o, isvSvn);
            fixed(o, ownerEpoch, 16);
            o.writeBytes(attributes.toBytes());
            o.writeBytes(attributesMask.toBytes());
            fixed(o, mrEnclave, 32);
            fixed(o, mrSigner, 32);
            fixed(o, keyId, 32);
            fixed(o, sealFuses, 16);
            fixed(o, cpuSvn, 16);
            fixed(o, padding, Rsa3072.PADDING_LEN);
            u32(o, miscSelect);
            u32(o, miscMask);
            u16(o, keyPolicy);
            fixed(o, configId, 64);
            u16(o, configSvn);
            byte[] r = o.toByteArray();
            if (r.length != SERIALIZED_SIZE) {
                throw new IllegalStateException("key dependencies serialise to " + r.length);
            }
            return r;
        }

        private static void fixed(ByteArrayOutputStream o, byte[] v, int len) {
            if (v.length != len) {
                throw new IllegalArgumentException("key dependency field of " + len + " bytes given " + v.length);
            }
            o.writeBytes(v);
        }

        private static void u16(ByteArrayOutputStream o, int v) {
            o.write(v);
            o.write(v >>> 8);
        }

        private static void u32(ByteArrayOutputStream o, int v) {
            u16(o, v);
            u16(o, v >>> 16);
        }
    }

    private KeyDerivation() {
    }

    /** The 128-bit key for these dependencies on a platform with the given fuses. */
    public static byte[] derive(Fuses fuses, Dependencies d) {
        return Crypto.cmac(fuses.rootKey(), d.serialize());
    }

    /** "CPUSVN beyond current": [MODEL] any byte of {@code requested} above the platform's. */
    public static boolean cpuSvnAbove(byte[] requested, byte[] current) {
        for (int i = 0; i < 16; i++) {
            if ((requested[i] & 0xff) > (current[i] & 0xff)) {
                return true;
            }
        }
        return false;
    }
}
