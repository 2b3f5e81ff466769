/**
 * The benchmark harness: contenders (the starter on each backend, raw client libraries),
 * scenarios and the report in benchmarks/README.md.
 */
@NullMarked
package dev.mqttspring.benchmarks;

import org.jspecify.annotations.NullMarked;
