package org.jsgx.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.kselftest.TestEnclSigner;
import org.jsgx.x86.ElfEnclaveSession;
import org.jsgx.x86.X86Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `jsgx demo`: the bundled test enclave binary end to end, one line per step. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "The bundled test enclave binary end to end, one line per step.",
        description = {"Run the bundled test enclave binary (test-enclave/test_encl.elf) end to end: sign, load",
                "through the driver's ioctls, EINIT, enter through the vDSO on the x86-64 engine, and perform",
                "a short op script (put, get, a fault the driver resolves by EAUG, NOP through the second TCS)."})
public final class DemoCommand implements Callable<Integer> {
    private static final long MAGIC = 0x1122334455667788L;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path elf = BundledFiles.testEnclave();
        if (!Files.isRegularFile(elf)) {
            throw CliException.badInput(elf + ": the bundled test enclave is missing");
        }
        if (!X86Engine.available()) {
            throw CliException.failed("the x86 engine needs " + X86Engine.unavailableReason());
        }
        out.println("1. key: a fresh RSA-3072 signing key with e = 3 (what sign_key.pem is to the selftests)");
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        out.println("2. load: " + elf + " -> PT_LOAD segments TCS (0x100), text (0x205), data (0x203) + heap, like load.c");
        boolean ok = true;
        try (ElfEnclaveSession s = new ElfEnclaveSession(elf, 4096, 4096, mr -> TestEnclSigner.sign(mr, key), true)) {
            out.printf("3. measure + sign: MRENCLAVE %s (sigstruct.c's records)%n",
                    HexFormat.of().formatHex(s.encl.mrenclave));
            out.printf("4. build: SGX_IOC_ENCLAVE_CREATE/ADD_PAGES/INIT at 0x%x (ELRANGE 0x%x), segments mmapped MAP_SHARED%n",
                    s.encl.base, s.encl.size);
            ElfEnclaveSession.Outcome o = s.call(0, 0, MAGIC);
            ok &= step(out, "5. EENTER TCS#1, PUT_TO_BUFFER(0x1122334455667788): the enclave stores it", o, true);
            o = s.call(0, 1, 0);
            ok &= step(out, "6. EENTER TCS#1, GET_FROM_BUFFER: read back " + RunCommand.hex(o.op()[1]), o,
                    o.op()[1] == MAGIC);
            long dyn = s.dynamicStart();
            o = s.call(0, 5, dyn, 0x20B, 0);
            ok &= step(out, String.format("7. EACCEPT at 0x%x (not yet in the enclave): #PF -> driver EAUGs -> ERESUME, ret %d",
                    dyn, o.op()[3]), o, o.op()[3] == 0 && o.pagesAugmented() == 1);
            o = s.call(1, 4);
            ok &= step(out, "8. EENTER TCS#2, NOP: the second thread's stack and SSA", o, true);
        }
        out.println(ok ? "demo complete: every step behaved as the kernel selftests expect" : "demo FAILED");
        return ok ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private static boolean step(PrintWriter out, String what, ElfEnclaveSession.Outcome o, boolean expected) {
        boolean good = o.eexit() && expected;
        out.printf("%s: %s (AEXs %d, faults handled %d, pages EAUG'd %d, %d instructions)%s%n", what,
                RunCommand.exit(o), o.aexs(), o.faultsHandled(), o.pagesAugmented(), o.instructions(),
                good ? "" : "  <-- unexpected");
        return good;
    }
}
