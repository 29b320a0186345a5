package org.jsgx.cli;

import java.time.LocalDate;
import org.jsgx.cpu.Attributes;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.elf.ElfEnclave;
import picocli.CommandLine.Option;

/**
 * The SIGSTRUCT field options shared by {@code sign}, {@code sign gendata} and {@code sign
 * catsig} (the two-step path must be given the same values as the one-step path to yield the
 * same structure). Defaults depend on the input: ELF enclaves get exactly what the kernel
 * selftest's signer writes (date 0, every mask 0); SGXS and layout files get sgxs-sign's
 * defaults (today's date, attribute mask all but DEBUG), with a layout's attributes.
 */
final class SigStructOptions {
    @Option(names = "--vendor", description = "MODULEVENDOR: 0 or 0x8086 (default 0)")
    String vendor;

    @Option(names = "--date", paramLabel = "YYYYMMDD",
            description = "DATE (default: today; 0 for ELF enclaves, as the kernel selftest signs)")
    String date;

    @Option(names = "--isvprodid", description = "ISVPRODID (default 0)")
    String isvProdId;

    @Option(names = "--isvsvn", description = "ISVSVN (default 0)")
    String isvSvn;

    @Option(names = "--swdefined", description = "SWDEFINED (default 0)")
    String swDefined;

    @Option(names = "--attributes", description = "ATTRIBUTES.FLAGS (default 0x4: MODE64BIT, or the layout's)")
    String attributes;

    @Option(names = "--attributes-mask", description = "ATTRIBUTEMASK.FLAGS (default: all but DEBUG; 0 for ELF)")
    String attributesMask;

    @Option(names = "--xfrm", description = "ATTRIBUTES.XFRM (default 0x3, or the layout's)")
    String xfrm;

    @Option(names = "--xfrm-mask", description = "ATTRIBUTEMASK.XFRM (default 0xffffffffffffff1b; 0 for ELF)")
    String xfrmMask;

    @Option(names = "--miscselect", description = "MISCSELECT (default 0)")
    String miscSelect;

    @Option(names = "--miscmask", description = "MISCMASK (default 0xffffffff; 0 for ELF)")
    String miscMask;

    @Option(names = "--debug", description = "set ATTRIBUTES.DEBUG (a debug enclave)")
    boolean debug;

    /** The fields for an enclave with this MRENCLAVE read from {@code in}. */
    SigStructFields fields(byte[] mrenclave, EnclaveInput in) {
        boolean elf = in.format() == EnclaveInput.Format.ELF;
        SigStructFields base = elf ? ElfEnclave.selftestSigStructFields(mrenclave) : null;
        Attributes defAttrs = elf ? base.attributes()
                : in.attributes() != null ? in.attributes() : SigStructFields.DEFAULT_ATTRIBUTES;
        Attributes defMask = elf ? base.attributeMask() : SigStructFields.DEFAULT_ATTRIBUTE_MASK;
        long flags = attributes != null ? SignCommand.number("--attributes", attributes) : defAttrs.flags();
        if (debug) {
            flags |= Attributes.DEBUG;
        }
        int d;
        if (date != null) {
            try {
                d = (int) Long.parseLong(date, 16);
            } catch (NumberFormatException e) {
                throw CliException.badInput("--date " + date + ": expected YYYYMMDD");
            }
        } else {
            d = elf ? 0 : SigStructFields.bcdDate(LocalDate.now());
        }
        try {
            return SigStructFields.builder()
                    .enclaveHash(mrenclave)
                    .vendor((int) num("--vendor", vendor, 0))
                    .date(d)
                    .swDefined((int) num("--swdefined", swDefined, 0))
                    .isvProdId((int) num("--isvprodid", isvProdId, 0))
                    .isvSvn((int) num("--isvsvn", isvSvn, 0))
                    .attributes(new Attributes(flags, num("--xfrm", xfrm, defAttrs.xfrm())))
                    .attributeMask(new Attributes(num("--attributes-mask", attributesMask, defMask.flags()),
                            num("--xfrm-mask", xfrmMask, defMask.xfrm())))
                    .miscSelect((int) num("--miscselect", miscSelect, 0))
                    .miscMask((int) num("--miscmask", miscMask, elf ? 0 : 0xFFFF_FFFFL))
                    .build();
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(e.getMessage());
        }
    }

    private static long num(String option, String v, long def) {
        return v == null ? def : SignCommand.number(option, v);
    }
}
