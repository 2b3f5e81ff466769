/**
 * Test-only classes that show the rules of {@code ArchitectureTests} report violations.
 */
@NullMarked
package dev.mqttspring.architecture;

import org.jspecify.annotations.NullMarked;
