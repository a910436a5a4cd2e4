/** Derby access shared by the bundles that keep a Derby database. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.store.jdbc;
