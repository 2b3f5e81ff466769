/**
 * Auto-configuration of the {@code mqtt.*} properties: connections (default and named),
 * templates, listener infrastructure and the embedded broker for development.
 */
@NullMarked
package dev.mqttspring.autoconfigure;

import org.jspecify.annotations.NullMarked;
