package org.jsgx.cli;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jsgx.host.EnclaveImage;
import org.jsgx.host.sgxs.SgxsMeasure;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * `jsgx measure FILE`: MRENCLAVE of an SGXS file (streamed in constant memory), of an ELF
 * enclave in the Linux selftest convention, or of a layout file.
 */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = "Compute the MRENCLAVE (SIGSTRUCT.ENCLAVEHASH byte order) of an SGXS file, an ELF enclave"
                + " (Linux kernel selftest convention) or a layout file (JSON).")
public final class MeasureCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the SGXS, ELF or layout (.json) file")
    private Path file;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Option(names = "--lenient", description = "SGXS: check record structure only, not the canonical-stream rules")
    private boolean lenient;

    @Option(names = "--heap", paramLabel = "BYTES",
            description = "ELF: unmeasured heap after the last segment (default 4096, as the selftest)")
    private String heap;

    /** What measuring any input gives: the MRENCLAVE and the ECREATE values. */
    record Measured(byte[] mrenclave, long size, int ssaFrameSize, EnclaveInput.Format format) {
        String mrenclaveHex() {
            return HexFormat.of().formatHex(mrenclave);
        }
    }

    @Override
    public Integer call() {
        EnclaveInput in = EnclaveInput.open(file, heapOption(heap));
        PrintWriter out = spec.commandLine().getOut();
        if (in.format() == EnclaveInput.Format.SGXS) {
            SgxsMode mode = lenient ? SgxsMode.LENIENT : SgxsMode.STRICT;
            SgxsSummary s = measure(file, mode, json);
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
        if (lenient) {
            throw CliException.badInput("--lenient applies to SGXS files only (" + file + " is " + in.format().label() + ")");
        }
        Measured m = measure(in, json);
        EnclaveImage img = in.image();
        long measuredPages = img.segments().stream().filter(EnclaveImage.Segment::measured)
                .mapToLong(EnclaveImage.Segment::pages).sum();
        if (json) {
            out.println(Json.object()
                    .put("format", in.format().label())
                    .put("file", file.toString())
                    .put("mrenclave", m.mrenclaveHex())
                    .put("size", m.size())
                    .put("ssaFrameSize", (long) m.ssaFrameSize())
                    .put("pages", img.pages())
                    .put("measuredPages", measuredPages));
        } else {
            out.println(m.mrenclaveHex());
            out.printf("  %s; size %d (0x%x), SSA frame %d page(s)%n", in.format().label(), m.size(), m.size(),
                    m.ssaFrameSize());
            out.printf("  %d pages, %d measured%n", img.pages(), measuredPages);
        }
        return Main.EXIT_OK;
    }

    /** Measures any input; ELF and layout inputs are built page by page, nothing kept. */
    static Measured measure(EnclaveInput in, boolean json) {
        if (in.format() == EnclaveInput.Format.SGXS) {
            SgxsSummary s = measure(in.file(), SgxsMode.STRICT, json);
            return new Measured(s.mrenclave(), s.size(), s.ssaFrameSize(), in.format());
        }
        EnclaveImage img = in.image();
        try (ProgressBar bar = ProgressBar.start("measuring", img.pages(), json)) {
            byte[] h = img.mrenclave(bar);
            return new Measured(h, img.size(), img.ssaFrameSize(), in.format());
        } catch (IOException e) {
            throw EnclaveInput.ioError(in.file(), e);
        }
    }

    /** Measures an SGXS file, turning every failure into a one-line bad-input error. */
    static SgxsSummary measure(Path file, SgxsMode mode) {
        return measure(file, mode, true);
    }

    static SgxsSummary measure(Path file, SgxsMode mode, boolean quiet) {
        if (Files.isDirectory(file)) {
            throw CliException.badInput(file + ": is a directory");
        }
        try {
            long length = Files.size(file);
            try (ProgressBar bar = ProgressBar.start("measuring", length, quiet)) {
                if (bar == null) {
                    return SgxsMeasure.measure(file, mode);
                }
                try (InputStream in = new Counting(Files.newInputStream(file), bar)) {
                    return SgxsMeasure.measure(new BufferedInputStream(in, 1 << 20), mode);
                }
            }
        } catch (IOException e) {
            throw EnclaveInput.ioError(file, e);
        }
    }

    /** --heap: bytes, decimal or 0x-hex, a positive multiple of 4096. */
    static Long heapOption(String v) {
        if (v == null) {
            return null;
        }
        long h = SignCommand.number("--heap", v);
        if (h <= 0 || (h & 0xFFF) != 0) {
            throw CliException.badInput("--heap " + v + ": must be a positive multiple of 4096");
        }
        return h;
    }

    /** Tells the progress bar how many bytes have been read. */
    private static final class Counting extends FilterInputStream {
        private final ProgressBar bar;
        private long count;

        Counting(InputStream in, ProgressBar bar) {
            super(in);
            this.bar = bar;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                bar.accept(count);
            }
            return n;
        }
    }

    /** SIZE is a u64: print values above Long.MAX_VALUE as the unsigned number they are. */
    private static Number unsigned(long v) {
        return v >= 0 ? v : new BigInteger(Long.toUnsignedString(v));
    }
}
