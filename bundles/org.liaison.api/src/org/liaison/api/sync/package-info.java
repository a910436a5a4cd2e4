/**
 * The sync SPI: {@link org.liaison.api.sync.ItemCollection}, which every connector implements, the
 * exceptions that tell the engine how to react, and the policies and services of the engine.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.liaison.api.sync;
