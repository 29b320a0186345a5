package org.jsgx.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The einit benchmark's figures: scores keyed {@code einit[mode=M]@N} (or without {@code @N}:
 * one thread). The headline is FLC at the highest thread count against FLC at one thread;
 * every mode gets {@code <mode>_t<N>} (INIT/s) and {@code <mode>_scaling} (highest / 1 thread),
 * all from the same run.
 */
final class EinitFigures {
    private static final Pattern KEY = Pattern.compile("einit\\[mode=([A-Z_]+)](?:@(\\d+))?");

    private EinitFigures() {
    }

    static BenchDefinition.Figures evaluate(Map<String, Double> ops) {
        Map<String, Map<Integer, Double>> byMode = new LinkedHashMap<>();
        TreeSet<Integer> counts = new TreeSet<>();
        ops.forEach((k, v) -> {
            Matcher m = KEY.matcher(k);
            if (m.matches()) {
                int n = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                byMode.computeIfAbsent(m.group(1), x -> new LinkedHashMap<>()).put(n, v);
                counts.add(n);
            }
        });
        Map<Integer, Double> flc = byMode.get("FLC");
        if (flc == null || counts.isEmpty()) {
            throw new IllegalStateException("einit produced no FLC result");
        }
        int lo = counts.first(), hi = counts.last();
        Map<String, Double> details = new LinkedHashMap<>();
        details.put("threads_min", (double) lo);
        details.put("threads_max", (double) hi);
        byMode.forEach((mode, perN) -> {
            String p = mode.toLowerCase(java.util.Locale.ROOT);
            perN.forEach((n, v) -> details.put(p + "_t" + n, v));
            Double a = perN.get(lo), b = perN.get(hi);
            if (a != null && b != null) {
                details.put(p + "_scaling", b / a);
            }
        });
        return new BenchDefinition.Figures(flc.get(hi), flc.get(lo), details);
    }
}
