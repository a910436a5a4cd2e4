@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.crm.server;
