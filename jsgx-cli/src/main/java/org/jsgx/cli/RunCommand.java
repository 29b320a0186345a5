package org.jsgx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.kselftest.TestEnclSigner;
import org.jsgx.x86.ElfEnclaveSession;
import org.jsgx.x86.X86Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `jsgx run`: an ELF enclave (kernel selftest convention) loaded, launched and called for real. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Load, sign, EINIT and run an ELF enclave (kernel selftest convention) on the x86-64 engine.",
        description = {"Load an ELF enclave in the kernel selftest convention through the driver model (load.c's",
                "ioctls), EINIT it (signed like sigstruct.c with --key or a fresh key, or with --sig), then enter",
                "TCS N through the vDSO model on the x86-64 engine and perform each --call op (selftest op ABI).",
                "Ops: " + EnclaveOp.SYNTAX + ".",
                "Addresses: absolute, +OFF (enclave base + OFF) or dyn+OFF (the --dynamic area).",
                "Exit code 0 when every call ended in EEXIT, 1 when one was reported as an exception."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ENCLAVE", description = "ELF enclave (e.g. test-enclave/test_encl.elf)")
    private Path file;

    @Option(names = "--sig", paramLabel = "SIG", description = "SIGSTRUCT file to EINIT with")
    private Path sig;

    @Option(names = "--key", paramLabel = "KEY", description = "RSA-3072 (e = 3) private key PEM to sign with")
    private Path key;

    @Option(names = "--tcs", paramLabel = "N", defaultValue = "0", description = "TCS index to enter (default 0)")
    private int tcs;

    @Option(names = "--call", paramLabel = "OP", description = "an op to perform (repeatable, in order)")
    private List<String> calls = new ArrayList<>();

    @Option(names = "--heap", paramLabel = "BYTES", defaultValue = "4096", description = "unmeasured heap (default 4096)")
    private long heap;

    @Option(names = "--dynamic", paramLabel = "BYTES", defaultValue = "0",
            description = "ELRANGE after the heap, mapped for EAUG-on-fault (default 0)")
    private long dynamic;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (sig != null && key != null) {
            throw CliException.badInput("--sig and --key exclude each other");
        }
        if (!Files.isRegularFile(file)) {
            throw CliException.badInput(file + ": no such file");
        }
        if (!X86Engine.available()) {
            throw CliException.failed("the x86 engine needs " + X86Engine.unavailableReason());
        }
        if ((heap & 0xFFF) != 0 || heap <= 0 || (dynamic & 0xFFF) != 0 || dynamic < 0) {
            throw CliException.badInput("--heap and --dynamic must be multiples of 4096 (heap > 0)");
        }
        Function<byte[], SigStruct> signer = signer();
        try (ElfEnclaveSession s = open(signer)) {
            if (tcs < 0 || tcs >= s.tcsCount()) {
                throw CliException.badInput("--tcs " + tcs + ": the enclave has " + s.tcsCount() + " TCS page(s)");
            }
            Json doc = Json.object().put("enclave", file.toString()).put("base", hex(s.encl.base))
                    .put("size", hex(s.encl.size)).put("mrenclave", HexFormat.of().formatHex(s.encl.mrenclave))
                    .put("tcs", hex(s.encl.base + tcs * ElfEnclaveSession.PAGE))
                    .put("unicorn", X86Engine.unicornVersion());
            if (!json) {
                out.printf("loaded %s: ELRANGE 0x%x + 0x%x, MRENCLAVE %s, EINIT ok%n", file, s.encl.base, s.encl.size,
                        HexFormat.of().formatHex(s.encl.mrenclave));
                out.printf("entering TCS %d at 0x%x (x86-64 engine, Unicorn %s)%n", tcs,
                        s.encl.base + tcs * ElfEnclaveSession.PAGE, X86Engine.unicornVersion());
            }
            List<Object> results = Json.list();
            boolean allExit = true;
            for (String c : calls) {
                EnclaveOp op = EnclaveOp.parse(c, s.encl.base, s.dynamicStart());
                ElfEnclaveSession.Outcome o = s.call(tcs, op.words());
                allExit &= o.eexit();
                results.add(describe(op, o));
                if (!json) {
                    out.println(line(op, o));
                }
            }
            doc.put("calls", results);
            if (json) {
                out.println(doc);
            }
            return allExit ? Main.EXIT_OK : Main.EXIT_FAILED;
        }
    }

    private ElfEnclaveSession open(Function<byte[], SigStruct> signer) {
        try {
            return new ElfEnclaveSession(file, heap, dynamic, signer, true);
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw CliException.failed(file + ": " + e.getMessage());
        }
    }

    private Function<byte[], SigStruct> signer() {
        try {
            if (sig != null) {
                SigStruct st = SigStruct.of(Files.readAllBytes(sig));
                return mr -> st;
            }
            RSAPrivateCrtKey k = key != null ? RsaKeys.readPrivate(key)
                    : (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
            return mr -> TestEnclSigner.sign(mr, k);
        } catch (IOException | RuntimeException e) {
            throw CliException.badInput((sig != null ? sig : key) + ": " + e.getMessage());
        }
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String exit(ElfEnclaveSession.Outcome o) {
        if (o.ret() != 0) {
            return "vDSO returned " + o.ret();
        }
        if (o.eexit()) {
            return "EEXIT";
        }
        return String.format("exception: vector %d (%s), error code 0x%x, address 0x%x (ERESUME to continue)",
                o.vector(), vectorName(o.vector()), o.errorCode(), o.exceptionAddr());
    }

    static String vectorName(int v) {
        return switch (v) {
            case 0 -> "#DE";
            case 1 -> "#DB";
            case 3 -> "#BP";
            case 6 -> "#UD";
            case 13 -> "#GP";
            case 14 -> "#PF";
            case 17 -> "#AC";
            default -> "vector " + v;
        };
    }

    static String line(EnclaveOp op, ElfEnclaveSession.Outcome o) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-28s %s", op.text(), exit(o)));
        sb.append("; op =");
        for (long w : o.op()) {
            sb.append(' ').append(hex(w));
        }
        sb.append(String.format("; AEXs %d, faults handled %d, pages EAUG'd %d, instructions %d", o.aexs(),
                o.faultsHandled(), o.pagesAugmented(), o.instructions()));
        return sb.toString();
    }

    static Json describe(EnclaveOp op, ElfEnclaveSession.Outcome o) {
        List<Object> words = Json.list();
        for (long w : o.op()) {
            words.add(hex(w));
        }
        Json j = Json.object().put("call", op.text()).put("exit", o.eexit() ? "EEXIT" : o.ret() != 0 ? "error" : "exception")
                .put("ret", o.ret()).put("op", words).put("aexs", o.aexs()).put("faultsHandled", o.faultsHandled())
                .put("pagesAugmented", o.pagesAugmented()).put("instructions", o.instructions());
        if (!o.eexit()) {
            j.put("exceptionVector", o.vector()).put("exceptionErrorCode", hex(o.errorCode()))
                    .put("exceptionAddr", hex(o.exceptionAddr()));
        }
        return j;
    }
}
