package org.liaison.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.liaison.api.store.StoreException;

/**
 * The store's schema as a list of versioned migrations, applied in order when a database opens,
 * each in its own transaction with the row that records it. A migration is never edited once
 * released; a change to the schema is a new migration at the end. Tests open a database made at
 * every earlier version and check that it migrates with its data intact.
 */
public final class Schema {

	/** One step of the schema. */
	public record Migration(int version, String description, List<String> statements) {
	}

	/** Every migration, oldest first. */
	public static final List<Migration> MIGRATIONS = List.of(
			new Migration(1, "schema version table", List.of(
					"CREATE TABLE LIAISON_SCHEMA (VERSION INT NOT NULL)")),

			new Migration(2, "sync state: pairs, status, tokens, journal, runs, history, tombstones, quarantine,"
					+ " conflicts, staging", List.of(
					"ALTER TABLE LIAISON_SCHEMA ADD COLUMN DESCRIPTION VARCHAR(500)",
					"ALTER TABLE LIAISON_SCHEMA ADD COLUMN APPLIED TIMESTAMP",
					"CREATE TABLE SYNC_PAIR (PAIR INT NOT NULL PRIMARY KEY, PAIR_ID VARCHAR(200) NOT NULL UNIQUE)",
					"CREATE TABLE SYNC_STATUS (PAIR INT NOT NULL, IDENT CHAR(36) NOT NULL, ROW_ID BIGINT NOT NULL,"
							+ " CRM_HREF VARCHAR(1024), CRM_VERSION VARCHAR(512), CRM_HASH CHAR(32),"
							+ " MBX_HREF VARCHAR(1024), MBX_VERSION VARCHAR(512), MBX_HASH CHAR(32),"
							+ " CRM_BASE CLOB NOT NULL, MBX_BASE CLOB, SYNCED TIMESTAMP NOT NULL,"
							+ " PRIMARY KEY (PAIR, IDENT))",
					"CREATE INDEX SYNC_STATUS_CRM ON SYNC_STATUS (PAIR, CRM_HREF)",
					"CREATE INDEX SYNC_STATUS_MBX ON SYNC_STATUS (PAIR, MBX_HREF)",
					"CREATE TABLE SYNC_TOKEN (PAIR INT NOT NULL, SIDE CHAR(1) NOT NULL, COLLECTION_ID VARCHAR(1024),"
							+ " TOKEN VARCHAR(8000), INITIAL_SYNC BOOLEAN NOT NULL, UPDATED TIMESTAMP NOT NULL,"
							+ " PRIMARY KEY (PAIR, SIDE))",
					"CREATE TABLE SYNC_JOURNAL (ID BIGINT NOT NULL PRIMARY KEY, PAIR INT NOT NULL, RUN_ID BIGINT NOT NULL,"
							+ " IDENT CHAR(36) NOT NULL, TARGET CHAR(1) NOT NULL, EFFECT VARCHAR(8) NOT NULL,"
							+ " HREF VARCHAR(1024), EXPECTED_VERSION VARCHAR(512), INTENDED_HASH CHAR(32),"
							+ " STATE VARCHAR(12) NOT NULL, AT_TIME TIMESTAMP NOT NULL, NOTE VARCHAR(2000))",
					"CREATE INDEX SYNC_JOURNAL_STATE ON SYNC_JOURNAL (PAIR, STATE)",
					"CREATE TABLE SYNC_RUN (ID BIGINT NOT NULL PRIMARY KEY, PAIR INT NOT NULL, STARTED TIMESTAMP NOT NULL,"
							+ " FINISHED TIMESTAMP, DRY_RUN BOOLEAN NOT NULL, CRM_COUNTS VARCHAR(100),"
							+ " MBX_COUNTS VARCHAR(100), OUTCOME VARCHAR(4000))",
					"CREATE INDEX SYNC_RUN_PAIR ON SYNC_RUN (PAIR, ID)",
					"CREATE TABLE SYNC_HISTORY (ID BIGINT NOT NULL PRIMARY KEY, RUN_ID BIGINT NOT NULL,"
							+ " AT_TIME TIMESTAMP NOT NULL, PAIR INT NOT NULL, IDENT CHAR(36), TARGET CHAR(1),"
							+ " ACTION VARCHAR(12) NOT NULL, REASON VARCHAR(4000), HREF VARCHAR(1024))",
					"CREATE INDEX SYNC_HISTORY_PAIR ON SYNC_HISTORY (PAIR, ID)",
					"CREATE INDEX SYNC_HISTORY_ITEM ON SYNC_HISTORY (PAIR, IDENT, ID)",
					"CREATE TABLE SYNC_TOMBSTONE (ID BIGINT NOT NULL PRIMARY KEY, PAIR INT NOT NULL, IDENT CHAR(36) NOT NULL,"
							+ " SIDE CHAR(1) NOT NULL, HREF VARCHAR(1024), LAST_COPY CLOB, REASON VARCHAR(4000),"
							+ " AT_TIME TIMESTAMP NOT NULL, RUN_ID BIGINT NOT NULL)",
					"CREATE INDEX SYNC_TOMBSTONE_ITEM ON SYNC_TOMBSTONE (PAIR, IDENT, ID)",
					"CREATE TABLE SYNC_QUARANTINE (ID BIGINT NOT NULL PRIMARY KEY, PAIR INT NOT NULL, SIDE CHAR(1) NOT NULL,"
							+ " HREF VARCHAR(1024) NOT NULL, VERSION VARCHAR(512), IDENT CHAR(36), REASON VARCHAR(4000),"
							+ " RAW CLOB, AT_TIME TIMESTAMP NOT NULL)",
					"CREATE UNIQUE INDEX SYNC_QUARANTINE_ITEM ON SYNC_QUARANTINE (PAIR, SIDE, HREF)",
					"CREATE TABLE SYNC_CONFLICT (ID BIGINT NOT NULL PRIMARY KEY, PAIR INT NOT NULL, IDENT CHAR(36) NOT NULL,"
							+ " KIND VARCHAR(16), FIELDS CLOB, RESOLUTIONS VARCHAR(8000), POLICY VARCHAR(16),"
							+ " STATE VARCHAR(10) NOT NULL, CRM_HASH CHAR(32), MBX_HASH CHAR(32), CHOICES VARCHAR(8000),"
							+ " AT_TIME TIMESTAMP NOT NULL, SETTLED TIMESTAMP)",
					"CREATE INDEX SYNC_CONFLICT_ITEM ON SYNC_CONFLICT (PAIR, IDENT, STATE)",
					"CREATE TABLE SYNC_STAGE (PAIR INT NOT NULL, SIDE CHAR(1) NOT NULL, HREF VARCHAR(1024) NOT NULL,"
							+ " VERSION VARCHAR(512), REMOVED CHAR(1), IDENT CHAR(36), HASH CHAR(32), MODIFIED TIMESTAMP,"
							+ " DATA CLOB, STATUS_IDENT CHAR(36), FETCHED SMALLINT NOT NULL,"
							+ " PRIMARY KEY (PAIR, SIDE, HREF))",
					"CREATE INDEX SYNC_STAGE_IDENT ON SYNC_STAGE (PAIR, IDENT)")),

			new Migration(3, "local PIM collections and items", List.of(
					"CREATE TABLE PIM_COLLECTION (ID VARCHAR(200) NOT NULL PRIMARY KEY, KIND VARCHAR(16) NOT NULL,"
							+ " DISPLAY_NAME VARCHAR(500), REVISION BIGINT NOT NULL, PURGED BIGINT NOT NULL)",
					"CREATE TABLE PIM_ITEM (COLLECTION VARCHAR(200) NOT NULL, HREF VARCHAR(200) NOT NULL,"
							+ " IDENT CHAR(36) NOT NULL, VERSION BIGINT NOT NULL, DELETED BOOLEAN NOT NULL, DATA CLOB,"
							+ " MODIFIED TIMESTAMP NOT NULL, PRIMARY KEY (COLLECTION, HREF))",
					"CREATE UNIQUE INDEX PIM_ITEM_IDENT ON PIM_ITEM (COLLECTION, IDENT)",
					"CREATE INDEX PIM_ITEM_VERSION ON PIM_ITEM (COLLECTION, VERSION)")),

			new Migration(4, "mail: folder state, cached messages, local mail, known UIDLs", List.of(
					"CREATE TABLE MAIL_FOLDER (ACCOUNT VARCHAR(200) NOT NULL, FOLDER VARCHAR(1000) NOT NULL,"
							+ " UID_VALIDITY BIGINT NOT NULL, UID_NEXT BIGINT NOT NULL, HIGHEST_MODSEQ BIGINT NOT NULL,"
							+ " TOKEN VARCHAR(8000), SYNCED TIMESTAMP, NEXT_LOCAL_UID BIGINT NOT NULL,"
							+ " PRIMARY KEY (ACCOUNT, FOLDER))",
					"CREATE TABLE MAIL_MESSAGE (ACCOUNT VARCHAR(200) NOT NULL, FOLDER VARCHAR(1000) NOT NULL,"
							+ " UID BIGINT NOT NULL, IDENT CHAR(36) NOT NULL, MESSAGE_ID VARCHAR(1000), MODSEQ BIGINT NOT NULL,"
							+ " FLAGS VARCHAR(4000), SIZE BIGINT NOT NULL, DATA CLOB NOT NULL, TRACKING VARCHAR(10) NOT NULL,"
							+ " REGARDING VARCHAR(200), CRM_RECORD VARCHAR(200), TRACKING_REASON VARCHAR(4000), RAW BLOB,"
							+ " PRIMARY KEY (ACCOUNT, FOLDER, UID))",
					"CREATE INDEX MAIL_MESSAGE_MID ON MAIL_MESSAGE (ACCOUNT, MESSAGE_ID)",
					"CREATE INDEX MAIL_MESSAGE_IDENT ON MAIL_MESSAGE (ACCOUNT, IDENT)",
					"CREATE TABLE MAIL_UIDL (ACCOUNT VARCHAR(200) NOT NULL, UIDL VARCHAR(512) NOT NULL,"
							+ " PRIMARY KEY (ACCOUNT, UIDL))")),

			// Derby probes an index with an IN list only on the index's first column: lookups of many
			// hrefs or idents at once must lead with that column, or they scan the table
			new Migration(5, "indexes led by the columns looked up in IN lists", List.of(
					"ALTER TABLE SYNC_STATUS DROP PRIMARY KEY",
					"ALTER TABLE SYNC_STATUS ADD CONSTRAINT SYNC_STATUS_PK PRIMARY KEY (IDENT, PAIR)",
					"CREATE INDEX SYNC_STATUS_PAIR ON SYNC_STATUS (PAIR)",
					"DROP INDEX SYNC_STATUS_CRM",
					"DROP INDEX SYNC_STATUS_MBX",
					"CREATE INDEX SYNC_STATUS_CRM ON SYNC_STATUS (CRM_HREF, PAIR)",
					"CREATE INDEX SYNC_STATUS_MBX ON SYNC_STATUS (MBX_HREF, PAIR)",
					"DROP INDEX SYNC_STAGE_IDENT",
					"CREATE INDEX SYNC_STAGE_IDENT ON SYNC_STAGE (IDENT, PAIR)",
					"CREATE INDEX SYNC_STAGE_PAIR ON SYNC_STAGE (PAIR, IDENT)",
					"ALTER TABLE PIM_ITEM DROP PRIMARY KEY",
					"ALTER TABLE PIM_ITEM ADD CONSTRAINT PIM_ITEM_PK PRIMARY KEY (HREF, COLLECTION)",
					"ALTER TABLE MAIL_UIDL DROP PRIMARY KEY",
					"ALTER TABLE MAIL_UIDL ADD CONSTRAINT MAIL_UIDL_PK PRIMARY KEY (UIDL, ACCOUNT)")),

			// a discarded quarantine entry stays (its raw text, and its version kept out of sync) but is
			// no longer listed
			new Migration(6, "quarantine entries the user discarded", List.of(
					"ALTER TABLE SYNC_QUARANTINE ADD COLUMN DISCARDED TIMESTAMP")));

	/** The schema version this code writes. */
	public static final int CURRENT = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

	private Schema() {
	}

	/** The version a database is at, 0 for an empty one. */
	static int version(Connection c) throws SQLException {
		try (ResultSet rs = c.getMetaData().getTables(null, null, "LIAISON_SCHEMA", null)) {
			if (!rs.next()) {
				return 0;
			}
		}
		try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(VERSION) FROM LIAISON_SCHEMA")) {
			return rs.next() ? rs.getInt(1) : 0;
		}
	}

	/** Applies the migrations above the database's version, up to {@code target}. */
	static void migrate(Database db, int target) throws StoreException {
		int at = db.read(Schema::version);
		if (at > CURRENT) {
			throw new StoreException("the database " + db.label() + " is at schema version " + at
					+ ", newer than this Liaison knows (" + CURRENT + "): use the newer Liaison that wrote it");
		}
		for (Migration m : MIGRATIONS) {
			if (m.version() <= at || m.version() > target) {
				continue;
			}
			db.write(c -> {
				try (Statement s = c.createStatement()) {
					for (String sql : m.statements()) {
						s.executeUpdate(sql);
					}
				}
				boolean described = m.version() >= 2;
				try (PreparedStatement ps = c.prepareStatement(described
						? "INSERT INTO LIAISON_SCHEMA (VERSION, DESCRIPTION, APPLIED) VALUES (?, ?, CURRENT_TIMESTAMP)"
						: "INSERT INTO LIAISON_SCHEMA (VERSION) VALUES (?)")) {
					ps.setInt(1, m.version());
					if (described) {
						ps.setString(2, m.description());
					}
					ps.executeUpdate();
				}
				return null;
			});
		}
	}
}
