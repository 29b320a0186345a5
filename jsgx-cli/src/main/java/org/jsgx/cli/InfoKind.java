package org.jsgx.cli;

import java.util.List;
import java.util.Map;

/**
 * A kind of file {@code jsgx info} can decode. Kinds are tried in order; the first whose
 * {@link #accepts} returns true decodes the file.
 */
interface InfoKind {
    /** The structure's SDM name, e.g. "SIGSTRUCT". */
    String name();

    boolean accepts(byte[] data);

    /** Why {@code data} is not of this kind, e.g. "1000 bytes, expected 1808". */
    String mismatch(byte[] data);

    Decoded decode(byte[] data);

    /**
     * @param fields   name → value (String, Number, Boolean, List, nested Map), in display order
     * @param failures verification failures; non-empty means exit code 1
     */
    record Decoded(Map<String, Object> fields, List<String> failures) {
    }
}
