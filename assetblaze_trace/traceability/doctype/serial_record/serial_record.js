// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.ui.form.on("Serial Record", {
	refresh(frm) {
		const status = assetblaze_trace.status_of(frm.doc);
		frm.page.set_indicator(__(status), assetblaze_trace.colours[status] || "gray");
		frm.trigger("render_timeline");
		frm.add_custom_button(__("Print Label"), () => assetblaze_trace.print_labels([frm.doc.name]));
		if (frm.doc.status === "Returned" && (frappe.user.has_role("Stock User") || frappe.user.has_role("Stock Manager"))) {
			// A returned unit goes on only by an explicit step: restocked after inspection (or issued as scrap
			// with a Material Issue that lists it).
			frm.add_custom_button(__("Restock After Inspection"), () =>
				frappe.confirm(__("Make {0} Available for sale again?", [frm.doc.name]), () =>
					frappe
						.xcall("assetblaze_trace.api.restock", { units: [frm.doc.name] })
						.then(() => frm.reload_doc())
				)
			);
		}
	},
	render_timeline(frm) {
		const esc = frappe.utils.escape_html;
		const events = [...(frm.doc.events || [])].sort((a, b) =>
			a.timestamp === b.timestamp ? b.idx - a.idx : a.timestamp < b.timestamp ? 1 : -1
		);
		const link = (doctype, name) =>
			doctype && name
				? `<a href="${frappe.utils.get_form_link(doctype, name)}">${__(doctype)} ${esc(name)}</a>`
				: "";
		const items = events.map((e) => {
			const to = e.to_status ? assetblaze_trace.indicator(e.to_status) : "";
			const from = e.from_status ? `${__(e.from_status)} → ` : "";
			return `<div class="trace-event" style="display:flex; gap: var(--margin-md); padding: var(--padding-sm) 0; border-bottom: 1px solid var(--border-color)">
				<div class="text-muted" style="min-width: 11rem">${frappe.datetime.str_to_user(e.timestamp)}</div>
				<div style="flex:1">
					<div><b>${__(e.event)}</b> <span class="text-muted">${from}</span>${to}</div>
					<div class="small">${link(e.reference_doctype, e.reference_name)}
						${e.detail ? `<span class="text-muted">· ${esc(e.detail)}</span>` : ""}</div>
				</div>
				<div class="text-muted small">${esc(frappe.user.full_name(e.user) || e.user || "")}</div>
			</div>`;
		});
		frm.get_field("timeline_html").$wrapper.html(
			`<div class="trace-timeline">${items.join("") || `<div class="text-muted">${__("No events yet.")}</div>`}</div>`
		);
	},
});
