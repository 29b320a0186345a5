package org.jsgx.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@link Main#run} with captured streams. */
record CliRun(int exit, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }
}
