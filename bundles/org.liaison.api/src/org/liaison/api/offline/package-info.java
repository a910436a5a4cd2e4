/**
 * Go Offline: CRM records copied into the profile's encrypted store under offline filters, worked on
 * offline (each change kept as an intent in an outbox), and replayed to the CRM when back online with
 * If-Match and the 3-way per-field merge, conflicts kept and shown.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.api.offline;
