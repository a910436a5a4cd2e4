package org.liaison.api.offline;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.liaison.api.filter.FilterRule;

/**
 * Which records of one type go offline: an OData {@code $filter} (a {@link FilterRule} compiles to one),
 * with placeholders resolved each time the filter is used: {@code {me}} the signed-in user's id,
 * {@code {from}} the first day of last month and {@code {to}} the first day of the month after next
 * (UTC, as date-times), so that "activities of the last and next months" stays true as time passes.
 *
 * @param entity the record type
 * @param enabled whether the type goes offline at all
 * @param filter the filter, or null for every record the user can read
 */
public record OfflineFilter(OfflineEntity entity, boolean enabled, String filter) {

	public OfflineFilter {
		Objects.requireNonNull(entity, "entity");
		filter = filter == null || filter.isBlank() ? null : filter.trim();
	}

	/** A filter made with the rule editor. */
	public static OfflineFilter of(OfflineEntity entity, FilterRule rule) {
		return new OfflineFilter(entity, true, rule.toOData());
	}

	/**
	 * The defaults, like the reference product's local data groups: accounts, contacts, leads and
	 * opportunities the user owns; emails, appointments and tasks the user owns from the last and the
	 * next months (tasks also while still open).
	 */
	public static List<OfflineFilter> defaults() {
		List<OfflineFilter> out = new ArrayList<>();
		for (OfflineEntity e : OfflineEntity.values()) {
			out.add(new OfflineFilter(e, true, defaultFilter(e)));
		}
		return out;
	}

	/** The default filter of a record type. */
	public static String defaultFilter(OfflineEntity e) {
		String mine = "_ownerid_value eq {me}";
		return switch (e) {
			case ACCOUNTS, CONTACTS, LEADS, OPPORTUNITIES -> mine + " and statecode eq 0";
			case EMAILS -> mine + " and createdon ge {from} and createdon lt {to}";
			case APPOINTMENTS -> mine + " and scheduledstart ge {from} and scheduledstart lt {to}";
			case TASKS -> mine + " and (statecode eq 0 or (scheduledend ge {from} and scheduledend lt {to}))";
		};
	}

	/** The filter with its placeholders filled in for {@code me} at {@code now}, or null for no filter. */
	public String resolve(UUID me, Instant now) {
		if (filter == null) {
			return null;
		}
		LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
		String from = month.minusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
		String to = month.plusMonths(2).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
		return filter.replace("{me}", me.toString()).replace("{from}", from).replace("{to}", to);
	}
}
