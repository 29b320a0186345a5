package org.jsgx.harness;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.EpcmEntry;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecsState;

/**
 * A digest of all architectural state a leaf can change: every touched EPC frame's EPCM entry
 * and contents, and each SECS's hidden state (children, running measurement). Equal
 * fingerprints before and after a refused leaf prove that it changed nothing.
 */
final class Fingerprint {
    private Fingerprint() {
    }

    static String of(Platform pf) {
        MessageDigest md = Crypto.sha256();
        byte[] buf = new byte[8];
        pf.epc().forEachTouched(p -> {
            EpcmEntry e = p.epcm();
            if (!e.valid()) {
                return; // an invalid frame's contents are unobservable; touching one is no change
            }
            put(md, buf, p.pa());
            put(md, buf, e.secinfoFlags());
            put(md, buf, e.blocked() ? 1 : 0);
            put(md, buf, e.enclaveSecs() == null ? -1 : e.enclaveSecs().pa());
            put(md, buf, e.enclaveAddress());
            put(md, buf, e.bepoch());
            md.update(p.data().asByteBuffer());
            SecsState s = p.secsState();
            if (s != null) {
                put(md, buf, s.eid());
                put(md, buf, s.children());
                byte[] m = s.mrEnclaveSoFar();
                md.update(m != null ? m : new byte[32]);
            }
        });
        return HexFormat.of().formatHex(md.digest());
    }

    private static void put(MessageDigest md, byte[] buf, long v) {
        for (int i = 0; i < 8; i++) {
            buf[i] = (byte) (v >>> (8 * i));
        }
        md.update(buf);
    }
}
