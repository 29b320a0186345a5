package org.jsgx.host.sgxs;

import java.util.HexFormat;

/**
 * The result of measuring an SGXS stream.
 *
 * @param mrenclave    the SHA-256 digest, in digest byte order (= SIGSTRUCT.ENCLAVEHASH order)
 * @param size         ECREATE SIZE in bytes
 * @param ssaFrameSize ECREATE SSAFRAMESIZE in 4 KiB pages
 * @param eadds        EADD records
 * @param eextends     EEXTEND records
 * @param unmeasured   UNMEASRD records
 * @param bytesRead    length of the stream
 * @param measuredBytes bytes fed to SHA-256 (64 per ECREATE/EADD, 320 per EEXTEND)
 * @param mode         the rules the stream was checked against
 */
public record SgxsSummary(byte[] mrenclave, long size, int ssaFrameSize, long eadds, long eextends,
        long unmeasured, long bytesRead, long measuredBytes, SgxsMode mode) {

    public SgxsSummary {
        mrenclave = mrenclave.clone();
    }

    @Override
    public byte[] mrenclave() {
        return mrenclave.clone();
    }

    public String mrenclaveHex() {
        return HexFormat.of().formatHex(mrenclave);
    }

    /** Enclave page data the stream carries: 256 bytes per EEXTEND and UNMEASRD record. */
    public long contentBytes() {
        return (eextends + unmeasured) * 256;
    }
}
