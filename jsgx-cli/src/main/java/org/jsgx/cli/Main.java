package org.jsgx.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The jsgx command. Exit codes everywhere: 0 success, 1 a verification or test failed,
 * 2 bad input or usage. Errors are one line on stderr, never a stack trace.
 */
@Command(name = "jsgx", mixinStandardHelpOptions = true, version = "jsgx 0.1.0",
        description = "Intel SGX platform and Linux SGX driver, modelled in Java.",
        subcommands = {
            CommandLine.HelpCommand.class,
            MeasureCommand.class,
            InfoCommand.class,
            SignCommand.class,
            ConvertCommand.class,
            KeygenCommand.class,
            SelftestCommand.class,
            RunCommand.class,
            DemoCommand.class,
            SoakCommand.class,
            BenchCommand.class,
            PolicyCommand.class,
            ReclaimLabCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;

    /** No command given: the usage on stderr, exit 2 (a usage error). */
    @Override
    public void run() {
        CommandLine cl = new CommandLine(this);
        java.io.StringWriter w = new java.io.StringWriter();
        cl.usage(new PrintWriter(w));
        throw new CliException(EXIT_BAD_INPUT, "no command given\n" + w.toString().stripTrailing());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests too). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(t -> t instanceof CliException c ? c.exitCode() : EXIT_BAD_INPUT);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("jsgx: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof CliException c) {
                if (c.getMessage() != null) {
                    err.println("jsgx: " + c.getMessage());
                }
                return c.exitCode();
            }
            err.println("jsgx: internal error: " + ex);
            if (System.getenv("JSGX_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return EXIT_BAD_INPUT;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
