/**
 * The Derby implementation of Liaison's store, for what runs without the OfflineStore service: a
 * child JVM in a crash test, benchmarks with throwaway databases, tests on in-memory databases.
 * Liaison code uses {@link org.liaison.api.store.OfflineStore}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.store.derby;
