package org.jsgx.host.policylab;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jsgx.lsm.Policy;

/** Runs every {@link Scenario} under every {@link Policy} and renders the matrix. */
public final class PolicyLab {
    private PolicyLab() {
    }

    public static Map<Scenario, Map<Policy, Outcome>> run() {
        Map<Scenario, Map<Policy, Outcome>> m = new LinkedHashMap<>();
        for (Scenario s : Scenario.values()) {
            Map<Policy, Outcome> row = new EnumMap<>(Policy.class);
            for (Policy p : Policy.values()) {
                row.put(p, s.run(p));
            }
            m.put(s, row);
        }
        return m;
    }

    public static String text(Map<Scenario, Map<Policy, Outcome>> m) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-16s", "scenario"));
        for (Policy p : Policy.values()) {
            b.append(String.format(" %-15s", p.id()));
        }
        b.append('\n');
        StringBuilder reasons = new StringBuilder();
        m.forEach((s, row) -> {
            b.append(String.format("%-16s", s.name().toLowerCase().replace('_', '-')));
            row.forEach((p, o) -> {
                b.append(String.format(" %-15s", o.allowed() ? "allowed" : "DENIED"));
                if (!o.allowed()) {
                    reasons.append(String.format("  %s / %s: %s: %s%n", s.name().toLowerCase(), p.id(), o.step(),
                            o.reason()));
                }
            });
            b.append('\n');
        });
        return b.append("\nDenials:\n").append(reasons).toString();
    }

    public static String markdown(Map<Scenario, Map<Policy, Outcome>> m) {
        StringBuilder b = new StringBuilder("| scenario |");
        for (Policy p : Policy.values()) {
            b.append(' ').append(p.id()).append(" |");
        }
        b.append("\n|---|");
        b.append("---|".repeat(Policy.values().length)).append('\n');
        m.forEach((s, row) -> {
            b.append("| ").append(s.title()).append(" |");
            row.forEach((p, o) -> b.append(' ').append(o.allowed() ? "allowed"
                    : "denied: " + o.step().replace("|", "/") + " (" + o.errno() + ")").append(" |"));
            b.append('\n');
        });
        return b.toString();
    }

    public static String json(Map<Scenario, Map<Policy, Outcome>> m) {
        StringBuilder b = new StringBuilder("{\"scenarios\":[");
        boolean first = true;
        for (var e : m.entrySet()) {
            b.append(first ? "" : ",").append("{\"scenario\":").append(q(e.getKey().name().toLowerCase()))
                    .append(",\"title\":").append(q(e.getKey().title())).append(",\"domain\":")
                    .append(q(e.getKey().domain())).append(",\"policies\":{");
            first = false;
            boolean f2 = true;
            for (var c : e.getValue().entrySet()) {
                Outcome o = c.getValue();
                b.append(f2 ? "" : ",").append(q(c.getKey().id())).append(":{\"allowed\":").append(o.allowed());
                if (!o.allowed()) {
                    b.append(",\"step\":").append(q(o.step())).append(",\"errno\":").append(q(o.errno()))
                            .append(",\"reason\":").append(q(o.reason()));
                }
                b.append('}');
                f2 = false;
            }
            b.append("}}");
        }
        return b.append("]}").toString();
    }

    private static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    public static void main(String[] args) {
        var m = run();
        System.out.print(args.length > 0 && args[0].equals("--markdown") ? markdown(m) : text(m));
    }
}
