/** Test support shared by Liaison's test bundles: OSGi lookups, a throwaway home, fixtures. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.testing;
