package org.jsgx.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jsgx.host.policylab.Outcome;
import org.jsgx.host.policylab.PolicyLab;
import org.jsgx.host.policylab.Scenario;
import org.jsgx.lsm.Policy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jsgx policy`: the enclave-permission designs of the seeds side by side on the same workloads. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        header = "The enclave-permission designs of the LKML threads side by side (scenario x policy).",
        description = {"Run the policy lab: each scenario (static, generated, JIT, dynamic loader, heap, RWX attacker,",
                "noexec mount) is built and run through the driver model under every policy (upstream, selinux,",
                "apparmor, source-vma, segments, mprotect-ioctl, edmm-policy); prints allowed / denied with the reason.",
                "See docs/policies.md."})
public final class PolicyCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Format format;

    static final class Format {
        @Option(names = "--json", description = "one JSON object") boolean json;
        @Option(names = "--markdown", description = "a Markdown table") boolean markdown;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<Scenario, Map<Policy, Outcome>> m = PolicyLab.run();
        out.print(format != null && format.json ? PolicyLab.json(m) + "\n"
                : format != null && format.markdown ? PolicyLab.markdown(m) : PolicyLab.text(m));
        out.flush();
        return Main.EXIT_OK;
    }
}
