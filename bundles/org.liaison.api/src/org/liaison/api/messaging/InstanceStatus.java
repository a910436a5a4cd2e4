package org.liaison.api.messaging;

/**
 * The one-synchronizing-client rule for this installation.
 *
 * @param instanceId this installation's id
 * @param synchronizing whether this installation syncs messaging data
 * @param otherName when another installation is the synchronizing one: its name, else null
 * @param message what to tell the user
 */
public record InstanceStatus(String instanceId, boolean synchronizing, String otherName, String message) {
}
