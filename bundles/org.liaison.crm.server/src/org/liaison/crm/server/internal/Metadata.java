package org.liaison.crm.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.liaison.crm.server.internal.Http.Res;
import org.liaison.crm.server.internal.Schema.Attr;
import org.liaison.crm.server.internal.Schema.Entity;

/** A CSDL document of the entities, properties and parties navigation this server offers. */
final class Metadata {

	private Metadata() {
	}

	static Res document(Schema schema) {
		StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
				.append("<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n")
				.append("<edmx:DataServices><Schema Namespace=\"Microsoft.Dynamics.CRM\" Alias=\"mscrm\""
						+ " xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n");
		for (Entity e : schema.entities()) {
			b.append("<EntityType Name=\"").append(e.logical).append("\"><Key><PropertyRef Name=\"").append(e.key)
					.append("\"/></Key>\n");
			for (Attr a : e.attrs.values()) {
				b.append("<Property Name=\"").append(a.property()).append("\" Type=\"").append(a.type.edm).append('"');
				if (a.max > 0 && a.type != Schema.Type.MEMO) {
					b.append(" MaxLength=\"").append(a.max).append('"');
				}
				b.append("/>\n");
			}
			if (e.partiesNav != null) {
				b.append("<NavigationProperty Name=\"").append(e.partiesNav)
						.append("\" Type=\"Collection(mscrm.activityparty)\"/>\n");
			}
			b.append("</EntityType>\n");
		}
		b.append("<EntityContainer Name=\"System\">\n");
		for (Entity e : schema.entities()) {
			b.append("<EntitySet Name=\"").append(e.set).append("\" EntityType=\"mscrm.").append(e.logical)
					.append("\"><Annotation Term=\"Org.OData.Capabilities.V1.ChangeTracking\"><Record>")
					.append("<PropertyValue Property=\"Supported\" Bool=\"true\"/></Record></Annotation></EntitySet>\n");
		}
		b.append("</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>\n");
		Map<String, String> h = new LinkedHashMap<>();
		h.put("Content-Type", "application/xml");
		h.put("OData-Version", "4.0");
		return new Res(200, h, b.toString().getBytes(StandardCharsets.UTF_8));
	}
}
