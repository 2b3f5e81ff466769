/**
 * Test-only internal types for the rule on public internal types.
 */
@NullMarked
package dev.mqttspring.architecture.internal;

import org.jspecify.annotations.NullMarked;
