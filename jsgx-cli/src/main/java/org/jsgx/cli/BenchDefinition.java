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
 */
public record BenchDefinition(String name, String description, String include, String metric, String unit,
        double target, Evaluator evaluator) {

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
     * the human table and the JSON object.
     */
    public record Figures(double value, double baseline, Map<String, Double> details) {
        public double ratio() {
            return value / baseline;
        }
    }
}
