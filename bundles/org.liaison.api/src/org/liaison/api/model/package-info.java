/**
 * Liaison's domain model: immutable values for contacts, appointments (with recurrence), tasks,
 * emails, activity parties and CRM record references, and {@link org.liaison.api.model.ItemData},
 * the field-map form every connector and the sync engine share. No SWT, no JDBC, no protocol.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.liaison.api.model;
