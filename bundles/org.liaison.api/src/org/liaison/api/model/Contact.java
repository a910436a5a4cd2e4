package org.liaison.api.model;

import java.time.LocalDate;
import java.util.Map;

/**
 * A person in the address book and in the CRM. Field names follow the Dynamics contact entity so
 * that the CRM connector maps them one to one; vCard and the local store map them by name.
 *
 * @param firstName given name
 * @param lastName family name
 * @param fullName formatted name
 * @param company organization name (vCard ORG; the CRM's parent account by name)
 * @param jobTitle job title
 * @param email1 primary email address
 * @param email2 second address
 * @param email3 third address
 * @param businessPhone work telephone
 * @param mobilePhone mobile telephone
 * @param homePhone home telephone
 * @param street address line
 * @param city city
 * @param postalCode postal code
 * @param region state or province
 * @param country country
 * @param birthday date of birth
 * @param website web site URL
 * @param notes free text
 * @param parentAccount the CRM account the contact belongs to, if known
 */
public record Contact(String firstName, String lastName, String fullName, String company, String jobTitle,
		String email1, String email2, String email3, String businessPhone, String mobilePhone, String homePhone,
		String street, String city, String postalCode, String region, String country, LocalDate birthday,
		String website, String notes, RecordRef parentAccount) {

	public static final String FIRST_NAME = "firstname";
	public static final String LAST_NAME = "lastname";
	public static final String FULL_NAME = "fullname";
	public static final String COMPANY = "company";
	public static final String JOB_TITLE = "jobtitle";
	public static final String EMAIL1 = "emailaddress1";
	public static final String EMAIL2 = "emailaddress2";
	public static final String EMAIL3 = "emailaddress3";
	public static final String BUSINESS_PHONE = "telephone1";
	public static final String MOBILE_PHONE = "mobilephone";
	public static final String HOME_PHONE = "telephone2";
	public static final String STREET = "address1_line1";
	public static final String CITY = "address1_city";
	public static final String POSTAL_CODE = "address1_postalcode";
	public static final String REGION = "address1_stateorprovince";
	public static final String COUNTRY = "address1_country";
	public static final String BIRTHDAY = "birthdate";
	public static final String WEBSITE = "websiteurl";
	public static final String NOTES = "description";
	public static final String PARENT_ACCOUNT = "parentcustomerid";

	/** A contact with just a name and an address, the rest empty. */
	public static Contact of(String firstName, String lastName, String email) {
		return new Contact(firstName, lastName, null, null, null, email, null, null, null, null, null, null, null, null,
				null, null, null, null, null, null);
	}

	/** The name to show: the formatted name, else first and last name, else the address. */
	public String displayName() {
		if (fullName != null && !fullName.isBlank()) {
			return fullName;
		}
		String n = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
		return n.isEmpty() ? (email1 == null ? "" : email1) : n;
	}

	public ItemData toData() {
		Map<String, String> f = Fields.map();
		f.put(FIRST_NAME, firstName);
		f.put(LAST_NAME, lastName);
		f.put(FULL_NAME, fullName);
		f.put(COMPANY, company);
		f.put(JOB_TITLE, jobTitle);
		f.put(EMAIL1, email1);
		f.put(EMAIL2, email2);
		f.put(EMAIL3, email3);
		f.put(BUSINESS_PHONE, businessPhone);
		f.put(MOBILE_PHONE, mobilePhone);
		f.put(HOME_PHONE, homePhone);
		f.put(STREET, street);
		f.put(CITY, city);
		f.put(POSTAL_CODE, postalCode);
		f.put(REGION, region);
		f.put(COUNTRY, country);
		f.put(BIRTHDAY, Fields.str(birthday));
		f.put(WEBSITE, website);
		f.put(NOTES, notes);
		f.put(PARENT_ACCOUNT, Fields.str(parentAccount));
		return new ItemData(ItemKind.CONTACT, f);
	}

	public static Contact fromData(ItemData d) {
		Fields.require(d, ItemKind.CONTACT);
		return new Contact(d.get(FIRST_NAME), d.get(LAST_NAME), d.get(FULL_NAME), d.get(COMPANY), d.get(JOB_TITLE),
				d.get(EMAIL1), d.get(EMAIL2), d.get(EMAIL3), d.get(BUSINESS_PHONE), d.get(MOBILE_PHONE),
				d.get(HOME_PHONE), d.get(STREET), d.get(CITY), d.get(POSTAL_CODE), d.get(REGION), d.get(COUNTRY),
				Fields.date(d.get(BIRTHDAY)), d.get(WEBSITE), d.get(NOTES), Fields.ref(d.get(PARENT_ACCOUNT)));
	}
}
