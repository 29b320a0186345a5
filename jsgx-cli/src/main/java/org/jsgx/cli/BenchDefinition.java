package org.jsgx.cli;

import java.util.Map;

/**
 * A named benchmark for `jsgx bench NAME`: which JMH benchmarks to run, and how to turn their
 * scores into one figure compared against a baseline.
 *
 * @param name        the command-line name
 * @param description one line for the list of benchmarks
 * @param include     JMH include regex selecting the benchmark methods
 * @param metric      name of the reported figure
 * @param unit        unit of value and baseline
 * @param target      the ratio value/baseline aimed for
 * @param evaluator   turns the scores into value, baseline and details
 * @param lowerIsBetter true when the value is a cost (time): the target is met at ratio &le; target;
 *                    otherwise (a rate) at ratio &ge; target
 */
public record BenchDefinition(String name, String description, String include, String metric, String unit,
        double target, Evaluator evaluator, boolean lowerIsBetter) {

    /** A benchmark whose value is a rate (higher is better). */
    public BenchDefinition(String name, String description, String include, String metric, String unit,
            double target, Evaluator evaluator) {
        this(name, description, include, metric, unit, target, evaluator, false);
    }

    /** Whether {@code ratio} meets the target in this benchmark's direction. */
    public boolean met(double ratio) {
        return lowerIsBetter ? ratio <= target : ratio >= target;
    }

    /** Whether the figures meet this benchmark's target (absolute targets override the ratio rule). */
    public boolean met(Figures f) {
        return f.metOverride() != null ? f.metOverride() : met(f.ratio());
    }

    /** Computes the figure from JMH primary scores in operations per second. */
    @FunctionalInterface
    public interface Evaluator {
        /**
         * @param opsPerSecond score per benchmark method (simple method name)
         */
        Figures evaluate(Map<String, Double> opsPerSecond);
    }

    /**
     * The outcome: the value, the baseline it is compared with, and extra named figures for
     * the human table and the JSON object. {@code metOverride}, when not null, decides "met" for
     * a benchmark whose targets are absolute (e.g. µs per round trip) rather than the ratio.
     */
    public record Figures(double value, double baseline, Map<String, Double> details, Boolean metOverride) {
        public Figures(double value, double baseline, Map<String, Double> details) {
            this(value, baseline, details, null);
        }

        public double ratio() {
            return value / baseline;
        }
    }
}
