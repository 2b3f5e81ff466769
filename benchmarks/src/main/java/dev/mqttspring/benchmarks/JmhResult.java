package dev.mqttspring.benchmarks;

/**
 * One JMH benchmark score.
 *
 * @param benchmark the benchmark method
 * @param score the score
 * @param error the score error (99.9%)
 * @param unit the unit
 */
record JmhResult(String benchmark, double score, double error, String unit) {

}
