package org.jsgx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jsgx info FILE [--json]}: decodes an SGX structure file and checks what it can. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Decode an SGX file (SIGSTRUCT, EINITTOKEN, REPORT, DCAP quote, SGXS) and verify what can be"
                + " verified offline (SIGSTRUCT signature). Exit 1 if it does not verify.")
public final class InfoCommand implements Callable<Integer> {
    /** Known kinds, tried in order: the fixed-size structures first, then quotes and SGXS streams. */
    static final List<InfoKind> KINDS = List.of(new SigStructInfo(), new EinitTokenInfo(), new ReportInfo(),
            new QuoteInfo(), new SgxsInfo());

    @Parameters(paramLabel = "FILE", description = "the file to decode")
    Path file;

    @Option(names = "--json", description = "print one JSON object instead of field: value lines")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        byte[] data = read(file);
        InfoKind kind = KINDS.stream().filter(k -> k.accepts(data)).findFirst()
                .orElseThrow(() -> CliException.badInput(file + ": not " + KINDS.stream()
                        .map(k -> article(k.name()) + k.name() + " (" + k.mismatch(data) + ")")
                        .collect(Collectors.joining(" or "))));
        InfoKind.Decoded d;
        try {
            d = kind.decode(data);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(kind.name(), d.fields()));
        } else {
            printAligned(out, kind.name(), d.fields());
        }
        out.flush();
        if (!d.failures().isEmpty()) {
            throw CliException.failed(file + ": " + String.join("; ", d.failures()));
        }
        return Main.EXIT_OK;
    }

    private static String article(String name) {
        return "AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ";
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CliException.badInput(file + ": no such file");
        } catch (IOException e) {
            throw CliException.badInput(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static Json toJson(String kind, Map<String, Object> fields) {
        Json j = Json.object().put("kind", kind);
        fields.forEach((k, v) -> j.put(k, jsonValue(v)));
        return j;
    }

    private static Object jsonValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            Json j = Json.object();
            m.forEach((k, x) -> j.put(k.toString(), jsonValue(x)));
            return j;
        }
        return v;
    }

    /** {@code field: value} lines with the values in one column; nested maps as {@code a.b}. */
    static void printAligned(PrintWriter out, String kind, Map<String, Object> fields) {
        Map<String, String> flat = new LinkedHashMap<>();
        flat.put("kind", kind);
        flatten("", fields, flat);
        int width = flat.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
        flat.forEach((k, v) -> out.println(String.format("%-" + width + "s %s", k + ":", v)));
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, String> flat) {
        m.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, flat);
            } else {
                flat.put(key, human(v));
            }
        });
    }

    private static String human(Object v) {
        return switch (v) {
            case Long n when n > 9 -> n + " (0x" + Long.toHexString(n) + ")";
            case List<?> l -> l.isEmpty() ? "-" : l.stream().map(Object::toString).collect(Collectors.joining(" "));
            default -> String.valueOf(v);
        };
    }
}
