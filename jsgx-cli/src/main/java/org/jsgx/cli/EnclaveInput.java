package org.jsgx.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.jsgx.cpu.Attributes;
import org.jsgx.host.EnclaveImage;
import org.jsgx.host.elf.ElfEnclave;
import org.jsgx.host.elf.ElfFormatException;
import org.jsgx.host.layout.EnclaveLayout;
import org.jsgx.host.layout.LayoutException;
import org.jsgx.host.sgxs.SgxsFormatException;

/**
 * An enclave named on the command line: an SGXS stream, an ELF enclave in the Linux selftest
 * convention, or a layout file. The format comes from the content (ELF magic; a JSON object)
 * or a {@code .json} extension; anything else is read as SGXS. Every parse failure becomes a
 * one-line bad-input error naming the file, the offset or JSON path, and the rule.
 */
final class EnclaveInput {
    enum Format {
        SGXS, ELF, LAYOUT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Path file;
    private final Format format;
    /** ELF and layout inputs: the pages to build (null for SGXS, which is streamed as is). */
    private final EnclaveImage image;
    /** SECS attributes the input asks for: the selftest's for ELF, the layout's, or null. */
    private final Attributes attributes;

    private EnclaveInput(Path file, Format format, EnclaveImage image, Attributes attributes) {
        this.file = file;
        this.format = format;
        this.image = image;
        this.attributes = attributes;
    }

    /** Opens {@code file}; {@code heap} (bytes) is only meaningful for ELF enclaves. */
    static EnclaveInput open(Path file, Long heap) {
        Format f = detect(file);
        if (heap != null && f != Format.ELF) {
            throw CliException.badInput("--heap applies to ELF enclaves only (" + file + " is " + f.label() + ")");
        }
        try {
            return switch (f) {
                case SGXS -> new EnclaveInput(file, f, null, null);
                case ELF -> {
                    ElfEnclave e = ElfEnclave.read(file, heap != null ? heap : ElfEnclave.DEFAULT_HEAP);
                    yield new EnclaveInput(file, f, e.image(), ElfEnclave.selftestAttributes());
                }
                case LAYOUT -> {
                    EnclaveLayout l = EnclaveLayout.read(file);
                    yield new EnclaveInput(file, f, l.image(), l.attributes());
                }
            };
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    static Format detect(Path file) {
        if (Files.isDirectory(file)) {
            throw CliException.badInput(file + ": is a directory");
        }
        byte[] head = new byte[64];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw ioError(file, e);
        }
        if (n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return Format.ELF;
        }
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            return Format.LAYOUT;
        }
        for (int i = 0; i < n; i++) {
            byte b = head[i];
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                continue;
            }
            return b == '{' ? Format.LAYOUT : Format.SGXS;
        }
        return Format.SGXS;
    }

    /** The one-line error for an I/O or format failure while reading {@code file}. */
    static CliException ioError(Path file, IOException e) {
        return switch (e) {
            case SgxsFormatException x -> CliException.badInput(file + ": " + x.getMessage());
            case ElfFormatException x -> CliException.badInput(file + ": " + x.getMessage());
            case LayoutException x -> CliException.badInput(file + ": " + x.getMessage());
            case NoSuchFileException x -> CliException.badInput(
                    (x.getFile() != null ? x.getFile() : file.toString()) + ": no such file");
            case AccessDeniedException x -> CliException.badInput(file + ": permission denied");
            default -> CliException.badInput(file + ": " + e.getMessage());
        };
    }

    Path file() {
        return file;
    }

    Format format() {
        return format;
    }

    EnclaveImage image() {
        return image;
    }

    Attributes attributes() {
        return attributes;
    }
}
