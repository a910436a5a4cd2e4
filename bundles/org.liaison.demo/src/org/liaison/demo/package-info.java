/** The demo's sample profile, for the demo command and the benchmarks that run on demo-like data. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.demo;
