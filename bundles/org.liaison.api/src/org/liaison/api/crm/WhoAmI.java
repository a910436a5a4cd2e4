package org.liaison.api.crm;

import java.util.UUID;

/** The answer of WhoAmI. */
public record WhoAmI(UUID userId, UUID businessUnitId, UUID organizationId) {
}
