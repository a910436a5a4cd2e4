/** Profiles: what one Liaison installation connects and how it syncs (docs/profile.md). */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.liaison.api.profile;
