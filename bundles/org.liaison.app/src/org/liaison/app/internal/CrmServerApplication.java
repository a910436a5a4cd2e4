package org.liaison.app.internal;

/** {@code ./liaison crm-server}. */
public class CrmServerApplication extends NotYetApplication {

	@Override
	protected String name() {
		return "crm-server";
	}

	@Override
	protected String usage() {
		return "./liaison crm-server --port N --data DIR [--plain]n./liaison crm-server --data DIR user add NAME --email ADDRESSnnRuns Liaison's reference CRM server (Dynamics 365 Web API dialect).";
	}
}
