package org.jsgx.host.kselftest;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;

/**
 * sigstruct.c: MRENCLAVE computed from the segment list as the loader will build it (ECREATE
 * record, then per page EADD and — for measured segments — 16 EEXTENDs), and a SIGSTRUCT with
 * the selftest's fields (vendor 0, date 0, MODE64BIT, XFRM 3, all masks 0) signed with the
 * test key (RSA-3072, e = 3; one per run, as sign_key.pem is one per build).
 */
public final class TestEnclSigner {
    private static RSAPrivateCrtKey key;

    private TestEnclSigner() {
    }

    static synchronized RSAPrivateCrtKey key() {
        if (key == null) {
            key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        }
        return key;
    }

    /** encl_measure's hash. */
    static byte[] mrenclave(long enclSize, List<TestEnclLoader.Segment> segments) {
        Measurement m = new Measurement(1, enclSize);
        for (TestEnclLoader.Segment s : segments) {
            for (long off = 0; off < s.size(); off += 4096) {
                m.eadd(s.offset() + off, s.flags());
                if (s.measure()) {
                    for (int c = 0; c < 4096; c += 256) {
                        m.eextend(s.offset() + off + c, s.content(), (int) (off + c));
                    }
                }
            }
        }
        return m.peekFinal();
    }

    static SigStruct sign(byte[] mrenclave) {
        return sign(mrenclave, key());
    }

    /** encl_measure's SIGSTRUCT for {@code mrenclave}, signed with {@code key}. */
    public static SigStruct sign(byte[] mrenclave, RSAPrivateCrtKey key) {
        SigStructFields f = SigStructFields.builder().enclaveHash(mrenclave).vendor(0).date(0)
                .attributes(new Attributes(Attributes.MODE64BIT, 3)).attributeMask(Attributes.ZERO)
                .miscSelect(0).miscMask(0).isvProdId(0).isvSvn(0).build();
        return SigStructSigner.sign(f, key);
    }
}
