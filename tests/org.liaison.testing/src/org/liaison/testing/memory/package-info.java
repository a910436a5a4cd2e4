/**
 * An in-memory {@link org.liaison.api.sync.ItemCollection} with injectable faults, for engine tests
 * and as the reference implementation of the connector contract.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.testing.memory;
