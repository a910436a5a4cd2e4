package org.liaison.crm.server.internal;

/** Who is calling: a CRM user (an application user for client credentials), and whether an administrator. */
record Principal(String userId, String name, boolean admin) {
}
