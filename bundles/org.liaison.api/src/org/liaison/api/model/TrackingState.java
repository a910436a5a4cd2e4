package org.liaison.api.model;

/** Whether a mailbox item is copied into the CRM. */
public enum TrackingState {
	/** Not tracked: the CRM holds no copy. */
	UNTRACKED,
	/** The user or a rule asked for tracking; the CRM copy is being made. */
	PENDING,
	/** The CRM holds a copy. */
	TRACKED,
	/** Tracking was tried and refused or failed; the reason is kept. */
	FAILED
}
