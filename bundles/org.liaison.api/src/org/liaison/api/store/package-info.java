/**
 * Liaison's local database, one per profile (Apache Derby, encrypted at rest): the sync engine's
 * state ({@link org.liaison.api.store.SyncStateStore}), local PIM items
 * ({@link org.liaison.api.store.LocalPimStore}) and mail ({@link org.liaison.api.store.MailStore}).
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package org.liaison.api.store;
