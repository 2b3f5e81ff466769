package dev.mqttspring.benchmarks;

import java.util.function.Supplier;

/**
 * A named contender and how to create a fresh instance for each run.
 *
 * @param key the short key used on the command line and in ratios (a, a-buf, b, c, d, e)
 * @param label the table label
 * @param receiptOnly whether the contender cannot report publish acknowledgements
 * @param factory creates an instance
 */
record ContenderSpec(String key, String label, boolean receiptOnly, Supplier<Contender> factory) {

}
