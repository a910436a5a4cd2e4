/** Headless commands and benchmarks of {@code ./liaison}, contributed as services. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.api.cli;
