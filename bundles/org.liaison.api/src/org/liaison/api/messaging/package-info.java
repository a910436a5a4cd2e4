/** Messaging sync of a profile: filters, tracking, outgoing email and the synchronizing-client rules. */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.liaison.api.messaging;
