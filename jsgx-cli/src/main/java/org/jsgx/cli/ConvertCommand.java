package org.jsgx.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `jsgx convert IN -o OUT.sgxs`: an ELF enclave or layout file as an SGXS stream, the same
 * bytes `jsgx measure` hashes. Written to a temporary file and moved into place, so a failure
 * never leaves a half-written SGXS behind.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert an ELF enclave (Linux selftest convention) or a layout file to SGXS.")
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the ELF or layout (.json) file")
    private Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.sgxs", description = "SGXS output")
    private Path output;

    @Option(names = "--heap", paramLabel = "BYTES", description = "ELF: unmeasured heap size (default 4096)")
    private String heap;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Override
    public Integer call() {
        EnclaveInput in = EnclaveInput.open(file, MeasureCommand.heapOption(heap));
        if (in.format() == EnclaveInput.Format.SGXS) {
            throw CliException.badInput(file + ": already SGXS (convert reads ELF enclaves and layout files)");
        }
        Path dir = output.toAbsolutePath().getParent();
        byte[] mrenclave;
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".jsgx-convert", ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                    ProgressBar bar = ProgressBar.start("converting", in.image().pages(), json)) {
                mrenclave = in.image().writeSgxs(out, bar);
            }
            Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw EnclaveInput.ioError(file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the error being reported matters more
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        String hex = HexFormat.of().formatHex(mrenclave);
        if (json) {
            out.println(Json.object().put("format", in.format().label()).put("output", output.toString())
                    .put("mrenclave", hex).put("size", in.image().size())
                    .put("ssaFrameSize", (long) in.image().ssaFrameSize()).put("pages", in.image().pages()));
        } else {
            out.println("wrote " + output);
            out.println("  mrenclave " + hex);
        }
        return Main.EXIT_OK;
    }
}
