/**
 * The 3-way, per-field merge shared by the sync engine and Go Offline, on plain field maps.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.sync.engine.merge;
