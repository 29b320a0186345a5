package org.jsgx.cli;

import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.SigStructReport;

/** {@code jsgx info} for a SIGSTRUCT ({@code .sig}, {@code css.bin}): recognised by its size. */
final class SigStructInfo implements InfoKind {
    @Override
    public String name() {
        return "SIGSTRUCT";
    }

    @Override
    public boolean accepts(byte[] data) {
        return data.length == SigStruct.SIZE;
    }

    @Override
    public String mismatch(byte[] data) {
        return data.length + " bytes, expected " + SigStruct.SIZE;
    }

    @Override
    public Decoded decode(byte[] data) {
        SigStructReport r = SigStructReport.parse(data);
        List<String> failures = new ArrayList<>();
        if (!r.signatureValid()) {
            failures.add("SIGSTRUCT signature does not verify");
        }
        if (!r.q1q2Valid()) {
            failures.add("SIGSTRUCT Q1/Q2 do not match the signature");
        }
        return new Decoded(r.fields(), failures);
    }
}
