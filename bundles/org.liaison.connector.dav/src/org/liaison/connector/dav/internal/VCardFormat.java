package org.liaison.connector.dav.internal;

import java.time.LocalDate;
import java.time.temporal.ChronoField;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.liaison.api.model.Contact;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.RecordRef;

import ezvcard.Ezvcard;
import ezvcard.VCard;
import ezvcard.VCardVersion;
import ezvcard.parameter.AddressType;
import ezvcard.parameter.EmailType;
import ezvcard.parameter.TelephoneType;
import ezvcard.property.Address;
import ezvcard.property.Email;
import ezvcard.property.RawProperty;
import ezvcard.property.StructuredName;
import ezvcard.property.Telephone;
import ezvcard.property.Uid;

/**
 * vCard 3.0 and 4.0 on ez-vcard. A card is written back in the version it was read in; new cards are
 * 3.0 (what every CardDAV server must take, RFC 6352). Properties the model does not carry (PHOTO,
 * X- and unknown properties, further addresses, parameters) stay in the parsed card.
 */
final class VCardFormat implements ItemFormat {

	static final String X_PARENT = "X-LIAISON-PARENT";

	@Override
	public ItemKind kind() {
		return ItemKind.CONTACT;
	}

	@Override
	public String contentType() {
		return "text/vcard; charset=utf-8";
	}

	@Override
	public boolean owns(Object nativeForm) {
		return nativeForm instanceof VCard;
	}

	@Override
	public String extension() {
		return ".vcf";
	}

	@Override
	public Parsed parse(String text, String href) throws BadItemException {
		List<VCard> cards;
		try {
			cards = Ezvcard.parse(text).all();
		} catch (RuntimeException e) {
			throw new BadItemException("invalid vCard in " + href + ": " + e, e);
		}
		if (cards.isEmpty()) {
			throw new BadItemException("invalid vCard in " + href + ": no BEGIN:VCARD ... END:VCARD in the resource");
		}
		VCard card = cards.get(0);
		if (card.getVersion() == null) {
			throw new BadItemException("invalid vCard in " + href + ": it has no VERSION");
		}
		try {
			RawProperty id = card.getExtendedProperty(Idents.PROPERTY);
			String uid = card.getUid() == null ? null : stripUrn(card.getUid().getValue());
			UUID ident;
			if (id != null && id.getValue() != null && !id.getValue().isBlank()) {
				try {
					ident = UUID.fromString(id.getValue().trim());
				} catch (IllegalArgumentException e) {
					throw new BadItemException(href + " carries a malformed " + Idents.PROPERTY + ": " + id.getValue());
				}
			} else {
				ident = Idents.fromNaturalKey(uid != null ? uid : href);
			}
			java.time.Instant modified = card.getRevision() == null || card.getRevision().getValue() == null ? null
					: java.time.Instant.from(card.getRevision().getValue());
			return new Parsed(ident, contact(card).toData(), card, modified);
		} catch (RuntimeException e) {
			throw new BadItemException("vCard in " + href + " cannot be mapped: " + e, e);
		}
	}

	static String stripUrn(String uid) {
		if (uid == null) {
			return null;
		}
		return uid.regionMatches(true, 0, "urn:uuid:", 0, 9) ? uid.substring(9) : uid;
	}

	private static Contact contact(VCard c) {
		StructuredName n = c.getStructuredName();
		List<String> emails = new ArrayList<>();
		for (Email e : c.getEmails()) {
			if (e.getValue() != null && !e.getValue().isBlank()) {
				emails.add(e.getValue());
			}
		}
		Telephone work = phone(c, TelephoneType.WORK);
		Telephone cell = phone(c, TelephoneType.CELL);
		Telephone home = phone(c, TelephoneType.HOME);
		if (work == null) {
			for (Telephone t : c.getTelephoneNumbers()) {
				if (t.getTypes().isEmpty() || t.getTypes().equals(List.of(TelephoneType.VOICE))) {
					work = t;
					break;
				}
			}
		}
		Address adr = c.getAddresses().isEmpty() ? null : c.getAddresses().get(0);
		LocalDate birthday = null;
		if (c.getBirthday() != null && c.getBirthday().getDate() != null) {
			Temporal t = c.getBirthday().getDate();
			if (t.isSupported(ChronoField.EPOCH_DAY)) {
				birthday = LocalDate.ofEpochDay(t.getLong(ChronoField.EPOCH_DAY));
			}
		}
		RawProperty parent = c.getExtendedProperty(X_PARENT);
		return new Contact(n == null ? null : n.getGiven(), n == null ? null : n.getFamily(),
				c.getFormattedName() == null ? null : c.getFormattedName().getValue(),
				c.getOrganization() == null || c.getOrganization().getValues().isEmpty() ? null
						: c.getOrganization().getValues().get(0),
				c.getTitles().isEmpty() ? null : c.getTitles().get(0).getValue(), emails.size() > 0 ? emails.get(0) : null,
				emails.size() > 1 ? emails.get(1) : null, emails.size() > 2 ? emails.get(2) : null, text(work), text(cell),
				text(home), adr == null ? null : adr.getStreetAddress(), adr == null ? null : adr.getLocality(),
				adr == null ? null : adr.getPostalCode(), adr == null ? null : adr.getRegion(),
				adr == null ? null : adr.getCountry(), birthday, c.getUrls().isEmpty() ? null : c.getUrls().get(0).getValue(),
				c.getNotes().isEmpty() ? null : c.getNotes().get(0).getValue(),
				parent == null || parent.getValue() == null ? null : RecordRef.parse(parent.getValue().trim()));
	}

	private static Telephone phone(VCard c, TelephoneType type) {
		for (Telephone t : c.getTelephoneNumbers()) {
			if (t.getTypes().contains(type)) {
				return t;
			}
		}
		return null;
	}

	private static String text(Telephone t) {
		if (t == null) {
			return null;
		}
		return t.getText() != null ? t.getText() : t.getUri() == null ? null : t.getUri().getNumber();
	}

	@Override
	public String create(UUID ident, ItemData data) {
		VCard card = new VCard(VCardVersion.V3_0);
		card.setUid(new Uid(ident.toString()));
		card.setExtendedProperty(Idents.PROPERTY, ident.toString());
		apply(card, null, Contact.fromData(data));
		return write(card);
	}

	@Override
	public String update(Object nativeForm, ItemData before, ItemData after) {
		VCard card = new VCard((VCard) nativeForm);
		apply(card, Contact.fromData(before), Contact.fromData(after));
		return write(card);
	}

	private static String write(VCard card) {
		VCardVersion v = card.getVersion() == null ? VCardVersion.V3_0 : card.getVersion();
		return Ezvcard.write(card).version(v).prodId(false).versionStrict(false).go();
	}

	private static boolean changed(Object a, Object b) {
		return !Objects.equals(a, b);
	}

	/** Writes onto {@code card} what differs between {@code b} (null: a new card) and {@code a}. */
	private static void apply(VCard card, Contact b, Contact a) {
		if (b == null || changed(b.firstName(), a.firstName()) || changed(b.lastName(), a.lastName())) {
			StructuredName n = card.getStructuredName() == null ? new StructuredName() : card.getStructuredName();
			n.setGiven(a.firstName());
			n.setFamily(a.lastName());
			card.setStructuredName(n);
		}
		if (b == null || changed(b.fullName(), a.fullName())) {
			if (a.fullName() != null) {
				card.setFormattedName(a.fullName());
			} else {
				// FN is required: keep one, made from the name
				card.setFormattedName(a.displayName().isEmpty() ? "-" : a.displayName());
			}
		}
		if (b == null || changed(b.company(), a.company())) {
			if (a.company() == null) {
				card.setOrganization((ezvcard.property.Organization) null);
			} else if (card.getOrganization() != null && !card.getOrganization().getValues().isEmpty()) {
				card.getOrganization().getValues().set(0, a.company());
			} else {
				card.setOrganization(a.company());
			}
		}
		if (b == null || changed(b.jobTitle(), a.jobTitle())) {
			if (!card.getTitles().isEmpty()) {
				card.removeProperty(card.getTitles().get(0));
			}
			if (a.jobTitle() != null) {
				card.addTitle(a.jobTitle());
			}
		}
		if (b == null || changed(b.email1(), a.email1()) || changed(b.email2(), a.email2()) || changed(b.email3(), a.email3())) {
			writeEmails(card, a);
		}
		if (b == null || changed(b.businessPhone(), a.businessPhone())) {
			writePhone(card, TelephoneType.WORK, a.businessPhone());
		}
		if (b == null || changed(b.mobilePhone(), a.mobilePhone())) {
			writePhone(card, TelephoneType.CELL, a.mobilePhone());
		}
		if (b == null || changed(b.homePhone(), a.homePhone())) {
			writePhone(card, TelephoneType.HOME, a.homePhone());
		}
		if (b == null || changed(b.street(), a.street()) || changed(b.city(), a.city()) || changed(b.postalCode(), a.postalCode())
				|| changed(b.region(), a.region()) || changed(b.country(), a.country())) {
			Address adr = card.getAddresses().isEmpty() ? null : card.getAddresses().get(0);
			boolean empty = a.street() == null && a.city() == null && a.postalCode() == null && a.region() == null
					&& a.country() == null;
			if (empty) {
				if (adr != null) {
					card.removeProperty(adr);
				}
			} else {
				if (adr == null) {
					adr = new Address();
					adr.getTypes().add(AddressType.WORK);
					card.addAddress(adr);
				}
				adr.setStreetAddress(a.street());
				adr.setLocality(a.city());
				adr.setPostalCode(a.postalCode());
				adr.setRegion(a.region());
				adr.setCountry(a.country());
			}
		}
		if (b == null || changed(b.birthday(), a.birthday())) {
			if (a.birthday() == null) {
				card.setBirthday((ezvcard.property.Birthday) null);
			} else {
				card.setBirthday(a.birthday());
			}
		}
		if (b == null || changed(b.website(), a.website())) {
			if (!card.getUrls().isEmpty()) {
				card.removeProperty(card.getUrls().get(0));
			}
			if (a.website() != null) {
				card.getUrls().add(0, new ezvcard.property.Url(a.website()));
			}
		}
		if (b == null || changed(b.notes(), a.notes())) {
			if (!card.getNotes().isEmpty()) {
				card.removeProperty(card.getNotes().get(0));
			}
			if (a.notes() != null) {
				card.getNotes().add(0, new ezvcard.property.Note(a.notes()));
			}
		}
		if (b == null || changed(b.parentAccount(), a.parentAccount())) {
			card.removeExtendedProperty(X_PARENT);
			if (a.parentAccount() != null) {
				card.addExtendedProperty(X_PARENT, a.parentAccount().toString());
			}
		}
	}

	/** The first three addresses in the model's order; an address that stays keeps its parameters; a fourth and later stay. */
	private static void writeEmails(VCard card, Contact a) {
		List<Email> old = new ArrayList<>(card.getEmails());
		List<Email> rest = old.size() > 3 ? new ArrayList<>(old.subList(3, old.size())) : new ArrayList<>();
		List<Email> head = new ArrayList<>(old.subList(0, Math.min(3, old.size())));
		card.removeProperties(Email.class);
		for (String address : new String[] { a.email1(), a.email2(), a.email3() }) {
			if (address == null) {
				continue;
			}
			Email keep = null;
			for (Email e : head) {
				if (address.equalsIgnoreCase(e.getValue())) {
					keep = e;
					break;
				}
			}
			if (keep != null) {
				head.remove(keep);
				card.addEmail(keep);
			} else {
				card.addEmail(address, EmailType.INTERNET);
			}
		}
		for (Email e : rest) {
			card.addEmail(e);
		}
	}

	private static void writePhone(VCard card, TelephoneType type, String number) {
		Telephone t = phone(card, type);
		if (t == null && type == TelephoneType.WORK) {
			for (Telephone x : card.getTelephoneNumbers()) {
				if (x.getTypes().isEmpty()) {
					t = x;
					break;
				}
			}
		}
		if (number == null) {
			if (t != null) {
				card.removeProperty(t);
			}
		} else if (t != null) {
			t.setText(number);
			t.setUri(null);
		} else {
			card.addTelephoneNumber(number, type);
		}
	}
}
