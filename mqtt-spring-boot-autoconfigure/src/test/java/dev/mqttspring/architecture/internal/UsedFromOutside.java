package dev.mqttspring.architecture.internal;

/**
 * Public because another package uses it.
 */
public class UsedFromOutside {

}
