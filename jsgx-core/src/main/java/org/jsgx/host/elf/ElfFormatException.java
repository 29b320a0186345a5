package org.jsgx.host.elf;

import java.io.IOException;

/** An ELF file that breaks a rule of ELF64 or of the enclave convention; names the file offset. */
public final class ElfFormatException extends IOException {
    private final long fileOffset;
    private final String problem;

    public ElfFormatException(long fileOffset, String problem) {
        super(String.format("offset 0x%x: %s", fileOffset, problem));
        this.fileOffset = fileOffset;
        this.problem = problem;
    }

    /** File offset of the field or structure that breaks the rule. */
    public long fileOffset() {
        return fileOffset;
    }

    /** The message without the offset prefix. */
    public String problem() {
        return problem;
    }
}
