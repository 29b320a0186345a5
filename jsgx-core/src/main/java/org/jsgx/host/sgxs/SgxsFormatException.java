package org.jsgx.host.sgxs;

import java.io.IOException;

/** An SGXS stream that breaks a format rule; names the file offset of the offending record. */
public final class SgxsFormatException extends IOException {
    private final long fileOffset;
    private final String problem;

    public SgxsFormatException(long fileOffset, String problem) {
        super(String.format("offset 0x%x: %s", fileOffset, problem));
        this.fileOffset = fileOffset;
        this.problem = problem;
    }

    /** File offset of the record (or of the end of file) where the rule is broken. */
    public long fileOffset() {
        return fileOffset;
    }

    /** The message without the offset prefix. */
    public String problem() {
        return problem;
    }
}
