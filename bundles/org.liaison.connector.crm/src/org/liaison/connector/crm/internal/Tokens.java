package org.liaison.connector.crm.internal;

import org.liaison.api.crm.CrmException;

/** Supplies bearer tokens; {@code refresh} after a 401 asks for a new one. */
interface Tokens {
	String token(boolean refresh) throws CrmException;
}
