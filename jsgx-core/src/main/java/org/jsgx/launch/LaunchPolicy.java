package org.jsgx.launch;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Crypto;

/**
 * What a launch enclave admits: a set of MRSIGNERs (or any signer) and whether DEBUG enclaves
 * may launch. The policy is part of the LE's measured image ({@link #digest}), so changing it
 * changes MRENCLAVE.
 */
public record LaunchPolicy(boolean anySigner, Set<String> signers, boolean allowDebug) {
    public LaunchPolicy {
        signers = Set.copyOf(new TreeSet<>(signers));
    }

    public static LaunchPolicy anySigner(boolean allowDebug) {
        return new LaunchPolicy(true, Set.of(), allowDebug);
    }

    public static LaunchPolicy signers(boolean allowDebug, byte[]... mrSigners) {
        Set<String> s = new TreeSet<>();
        for (byte[] m : mrSigners) {
            s.add(HexFormat.of().formatHex(m));
        }
        return new LaunchPolicy(false, s, allowDebug);
    }

    /** The decision for an enclave signed by {@code mrSigner} with SECS {@code attributes}; null = admit. */
    public LaunchRefusal check(byte[] mrSigner, Attributes attributes) {
        if (attributes.has(Attributes.EINITTOKENKEY)) {
            return LaunchRefusal.LAUNCH_KEY_REQUESTED;
        }
        if (!anySigner && !signers.contains(HexFormat.of().formatHex(mrSigner))) {
            return LaunchRefusal.SIGNER_NOT_ADMITTED;
        }
        if (attributes.has(Attributes.DEBUG) && !allowDebug) {
            return LaunchRefusal.DEBUG_NOT_ALLOWED;
        }
        return null;
    }

    /** SHA-256 of a canonical encoding: what the LE's data page holds and checks. */
    public byte[] digest() {
        String enc = "any=" + anySigner + ";debug=" + allowDebug + ";signers=" + String.join(",", new TreeSet<>(signers));
        return Crypto.sha256(enc.getBytes(StandardCharsets.US_ASCII));
    }
}
