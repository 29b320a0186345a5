package org.jsgx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `jsgx sign`: a SIGSTRUCT for an SGXS file, signed with an RSA-3072 (e = 3) PEM key. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign an SGXS enclave: write its SIGSTRUCT (1808 bytes).")
public final class SignCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the SGXS file to sign")
    private Path file;

    @Option(names = "--key", required = true, paramLabel = "KEY.pem",
            description = "RSA-3072 private key with exponent 3 (PKCS#1 or PKCS#8 PEM)")
    private Path keyFile;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.sig", description = "SIGSTRUCT output")
    private Path output;

    @Option(names = "--vendor", defaultValue = "0", description = "MODULEVENDOR: 0 or 0x8086 (default 0)")
    private String vendor;

    @Option(names = "--date", paramLabel = "YYYYMMDD", description = "DATE (default: today)")
    private String date;

    @Option(names = "--isvprodid", defaultValue = "0", description = "ISVPRODID (default 0)")
    private String isvProdId;

    @Option(names = "--isvsvn", defaultValue = "0", description = "ISVSVN (default 0)")
    private String isvSvn;

    @Option(names = "--swdefined", defaultValue = "0", description = "SWDEFINED (default 0)")
    private String swDefined;

    @Option(names = "--attributes", description = "ATTRIBUTES.FLAGS (default 0x4: MODE64BIT)")
    private String attributes;

    @Option(names = "--attributes-mask", description = "ATTRIBUTEMASK.FLAGS (default: all but DEBUG)")
    private String attributesMask;

    @Option(names = "--xfrm", description = "ATTRIBUTES.XFRM (default 0x3)")
    private String xfrm;

    @Option(names = "--xfrm-mask", description = "ATTRIBUTEMASK.XFRM (default 0xffffffffffffff1b)")
    private String xfrmMask;

    @Option(names = "--miscselect", defaultValue = "0", description = "MISCSELECT (default 0)")
    private String miscSelect;

    @Option(names = "--miscmask", defaultValue = "0xffffffff", description = "MISCMASK (default 0xffffffff)")
    private String miscMask;

    @Option(names = "--debug", description = "set ATTRIBUTES.DEBUG (a debug enclave)")
    private boolean debug;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Override
    public Integer call() {
        RSAPrivateCrtKey key = readKey();
        SgxsSummary m = MeasureCommand.measure(file, SgxsMode.STRICT);
        Attributes defAttrs = SigStructFields.DEFAULT_ATTRIBUTES;
        Attributes defMask = SigStructFields.DEFAULT_ATTRIBUTE_MASK;
        long flags = attributes != null ? number("--attributes", attributes) : defAttrs.flags();
        if (debug) {
            flags |= Attributes.DEBUG;
        }
        SigStructFields fields;
        try {
            fields = SigStructFields.builder()
                    .enclaveHash(m.mrenclave())
                    .vendor((int) number("--vendor", vendor))
                    .date(date != null ? (int) Long.parseLong(date, 16) : SigStructFields.bcdDate(LocalDate.now()))
                    .swDefined((int) number("--swdefined", swDefined))
                    .isvProdId((int) number("--isvprodid", isvProdId))
                    .isvSvn((int) number("--isvsvn", isvSvn))
                    .attributes(new Attributes(flags, xfrm != null ? number("--xfrm", xfrm) : defAttrs.xfrm()))
                    .attributeMask(new Attributes(
                            attributesMask != null ? number("--attributes-mask", attributesMask) : defMask.flags(),
                            xfrmMask != null ? number("--xfrm-mask", xfrmMask) : defMask.xfrm()))
                    .miscSelect((int) number("--miscselect", miscSelect))
                    .miscMask((int) number("--miscmask", miscMask))
                    .build();
        } catch (NumberFormatException e) {
            throw CliException.badInput("--date " + date + ": expected YYYYMMDD");
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(e.getMessage());
        }
        SigStruct sig = SigStructSigner.sign(fields, key);
        try {
            Files.write(output, sig.toByteArray());
        } catch (IOException e) {
            throw CliException.badInput(output + ": cannot write: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        String mrSigner = HexFormat.of().formatHex(sig.mrSigner());
        if (json) {
            out.println(Json.object().put("output", output.toString()).put("mrenclave", m.mrenclaveHex())
                    .put("mrsigner", mrSigner).put("isvprodid", sig.isvProdId()).put("isvsvn", sig.isvSvn())
                    .put("date", String.format("%08x", sig.date())));
        } else {
            out.println("wrote " + output);
            out.println("  mrenclave " + m.mrenclaveHex());
            out.println("  mrsigner  " + mrSigner);
        }
        return Main.EXIT_OK;
    }

    private RSAPrivateCrtKey readKey() {
        try {
            return RsaKeys.readPrivate(keyFile);
        } catch (java.nio.file.NoSuchFileException e) {
            throw CliException.badInput(keyFile + ": no such file");
        } catch (IOException e) {
            throw CliException.badInput(keyFile + ": cannot read key: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(keyFile + ": " + e.getMessage());
        }
    }

    /** Decimal or 0x-prefixed hexadecimal, as sgx_sign and sgxs-sign accept. */
    static long number(String option, String v) {
        try {
            String t = v.trim().replace("_", "");
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw CliException.badInput(option + " " + v + ": not a number (decimal or 0x-hex)");
        }
    }
}
