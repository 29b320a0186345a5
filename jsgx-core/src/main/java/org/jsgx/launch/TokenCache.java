package org.jsgx.launch;

import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.SigStruct;

/**
 * User space's cache of launch tokens, keyed by what a token binds: MRENCLAVE, MRSIGNER and
 * the SECS attributes. A token stays valid until the EINITTOKEN key changes (new owner epoch,
 * a CPUSVN the LE used is revoked, another LE signer in the MSRs); the cache cannot see that,
 * so the launcher {@link #invalidate}s an entry when EINIT refuses it.
 */
public final class TokenCache {
    private final ConcurrentHashMap<String, byte[]> tokens = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder invalidations = new LongAdder();

    static String key(SigStruct sig, Attributes attributes) {
        HexFormat h = HexFormat.of();
        return h.formatHex(sig.enclaveHash()) + h.formatHex(sig.mrSigner()) + h.formatHex(attributes.toBytes());
    }

    /** The cached token, or {@code mint}'s (then cached). The boolean says whether it was cached. */
    public Entry get(SigStruct sig, Attributes attributes, Supplier<byte[]> mint) {
        String k = key(sig, attributes);
        byte[] t = tokens.get(k);
        if (t != null) {
            hits.increment();
            return new Entry(t.clone(), true);
        }
        misses.increment();
        t = mint.get();
        tokens.put(k, t.clone());
        return new Entry(t, false);
    }

    /** Drops the entry (EINIT refused it). */
    public void invalidate(SigStruct sig, Attributes attributes) {
        if (tokens.remove(key(sig, attributes)) != null) {
            invalidations.increment();
        }
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long invalidations() {
        return invalidations.sum();
    }

    public int size() {
        return tokens.size();
    }

    /** A token and whether it came from the cache. */
    public record Entry(byte[] token, boolean cached) {
    }
}
