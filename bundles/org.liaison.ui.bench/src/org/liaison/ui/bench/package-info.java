/** Demo-like data for the workbench's benchmark and UI tests (friends only). */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.ui.bench;
