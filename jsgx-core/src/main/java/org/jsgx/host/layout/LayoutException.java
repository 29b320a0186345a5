package org.jsgx.host.layout;

import java.io.IOException;

/**
 * A layout file that is not valid JSON or breaks a layout rule. The message starts with the
 * JSON path of the offending value ({@code $.regions[2].offset}) or, for syntax errors, the
 * character offset in the file.
 */
public final class LayoutException extends IOException {
    private final String where;
    private final String problem;

    public LayoutException(String where, String problem) {
        super(where + ": " + problem);
        this.where = where;
        this.problem = problem;
    }

    /** JSON path ({@code $.size}) or {@code offset N} for syntax errors. */
    public String where() {
        return where;
    }

    public String problem() {
        return problem;
    }
}
