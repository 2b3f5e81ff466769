package dev.mqttspring.architecture.internal;

/**
 * Public although only its own package uses it: violates the rule on internal types.
 */
public class NeedlesslyPublic {

}
