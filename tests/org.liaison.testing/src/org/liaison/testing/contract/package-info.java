/**
 * The connector contract suite: {@link org.liaison.testing.contract.ItemCollectionContract}, which
 * every {@link org.liaison.api.sync.ItemCollection} runs, parameterized by a
 * {@link org.liaison.testing.contract.ContractFixture}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.testing.contract;
