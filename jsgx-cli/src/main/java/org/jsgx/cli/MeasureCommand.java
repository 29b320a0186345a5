package org.jsgx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jsgx.host.sgxs.SgxsFormatException;
import org.jsgx.host.sgxs.SgxsMeasure;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `jsgx measure FILE`: MRENCLAVE of an SGXS file, streamed in constant memory. */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = "Compute the MRENCLAVE of an SGXS file (SIGSTRUCT.ENCLAVEHASH byte order).")
public final class MeasureCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the SGXS file")
    private Path file;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Option(names = "--lenient", description = "check record structure only, not the canonical-stream rules")
    private boolean lenient;

    @Override
    public Integer call() {
        SgxsMode mode = lenient ? SgxsMode.LENIENT : SgxsMode.STRICT;
        SgxsSummary s = measure(file, mode);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.object()
                    .put("format", "sgxs")
                    .put("file", file.toString())
                    .put("mrenclave", s.mrenclaveHex())
                    .put("size", unsigned(s.size()))
                    .put("ssaFrameSize", Integer.toUnsignedLong(s.ssaFrameSize()))
                    .put("eadd", s.eadds())
                    .put("eextend", s.eextends())
                    .put("unmeasured", s.unmeasured())
                    .put("bytes", s.bytesRead())
                    .put("mode", mode.name().toLowerCase()));
        } else {
            out.println(s.mrenclaveHex());
            out.printf("  size %s (0x%x), SSA frame %d page(s)%n", unsigned(s.size()), s.size(),
                    Integer.toUnsignedLong(s.ssaFrameSize()));
            out.printf("  %d EADD, %d EEXTEND, %d UNMEASRD; %d bytes, %s%n", s.eadds(), s.eextends(),
                    s.unmeasured(), s.bytesRead(), mode == SgxsMode.STRICT ? "canonical" : "lenient");
        }
        return Main.EXIT_OK;
    }

    /** Measures an SGXS file, turning every failure into a one-line bad-input error. */
    static SgxsSummary measure(Path file, SgxsMode mode) {
        if (Files.isDirectory(file)) {
            throw CliException.badInput(file + ": is a directory");
        }
        try {
            return SgxsMeasure.measure(file, mode);
        } catch (SgxsFormatException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw CliException.badInput(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw CliException.badInput(file + ": permission denied");
        } catch (IOException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        }
    }

    /** SIZE is a u64: print values above Long.MAX_VALUE as the unsigned number they are. */
    private static Number unsigned(long v) {
        return v >= 0 ? v : new BigInteger(Long.toUnsignedString(v));
    }
}
