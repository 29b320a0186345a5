package org.jsgx.host.sgxs;

/** How much of the SGXS rules a reader enforces. */
public enum SgxsMode {
    /** The canonical-stream rules (one ECREATE first, ordered page-aligned EADDs, ...). */
    STRICT,
    /** Structure only: known tags, complete records, reserved header bytes zero. */
    LENIENT
}
