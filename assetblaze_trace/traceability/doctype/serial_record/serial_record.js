// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.ui.form.on("Serial Record", {
	refresh(frm) {
		const status = assetblaze_trace.status_of(frm.doc);
		if (frm.doc.on_hold) {
			frm.page.set_indicator(__("On Hold"), "red");
			frm.dashboard.set_headline(
				__("On hold since {0}: {1}. Status: {2}. It is not allocated, moved, issued or consumed until released.", [
					frappe.datetime.str_to_user(frm.doc.held_on),
					frappe.utils.escape_html(frm.doc.hold_reason || ""),
					__(status),
				]),
				"red"
			);
		} else {
			frm.page.set_indicator(__(status), assetblaze_trace.colours[status] || "gray");
		}
		frm.trigger("render_timeline");
		assetblaze_trace.render_genealogy(frm, "genealogy_html");
		const manager = frappe.user.has_role("Stock Manager") || frappe.user.has_role("System Manager");
		const in_stock = ["Available", "Allocated", "Returned"].includes(frm.doc.status);
		if (manager && in_stock && !frm.doc.on_hold) {
			frm.add_custom_button(__("Put On Hold"), () =>
				frappe.prompt(
					{ fieldname: "reason", label: __("Reason"), fieldtype: "Small Text", reqd: 1 },
					({ reason }) =>
						frappe
							.xcall("assetblaze_trace.api.hold_units", { units: [frm.doc.name], reason })
							.then(() => frm.reload_doc()),
					__("Put {0} on hold", [frm.doc.name]),
					__("Hold")
				)
			);
		}
		if (manager && frm.doc.on_hold) {
			frm.add_custom_button(__("Release Hold"), () =>
				frappe.confirm(__("Release {0} from its hold?", [frm.doc.name]), () =>
					frappe
						.xcall("assetblaze_trace.api.release_units", { units: [frm.doc.name] })
						.then(() => frm.reload_doc())
				)
			);
		}
		frm.add_custom_button(__("Recall Report"), () =>
			frappe.set_route("query-report", "Recall", {
				identifier: frm.doc.serial_no || frm.doc.name,
				item_code: frm.doc.item_code,
				direction: "Forward",
			})
		);
		frm.add_custom_button(__("Print Label"), () => assetblaze_trace.print_labels([frm.doc.name]));
		if (frappe.model.can_create("Quality Inspection")) {
			frm.add_custom_button(__("Inspect"), () => assetblaze_trace.inspect(frm.doc.name));
		}
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
		const into = (frm.doc.__onload && frm.doc.__onload.consumed_into) || {};
		const events = [...(frm.doc.events || [])].sort((a, b) =>
			a.timestamp === b.timestamp ? b.idx - a.idx : a.timestamp < b.timestamp ? 1 : -1
		);
		const link = (doctype, name) =>
			doctype && name
				? `<a href="${frappe.utils.get_form_link(doctype, name)}">${__(doctype)} ${esc(name)}</a>`
				: "";
		const items = events.map((e) => {
			const to = e.to_status ? assetblaze_trace.indicator(e.to_status) : "";
			const from = e.from_status && e.from_status !== e.to_status ? `${__(e.from_status)} → ` : "";
			const made = e.event === "Consumed" && into[e.reference_name];
			const into_text = made
				? ` <span class="trace-consumed-into">${__("into")} ${made.units
						.map((u) => `<a href="${frappe.utils.get_form_link("Serial Record", u)}">${esc(u)}</a>`)
						.join(", ")}${made.total > made.units.length ? " " + __("and {0} more", [made.total - made.units.length]) : ""}</span>`
				: "";
			return `<div class="trace-event" style="display:flex; gap: var(--margin-md); padding: var(--padding-sm) 0; border-bottom: 1px solid var(--border-color)">
				<div class="text-muted" style="min-width: 11rem">${frappe.datetime.str_to_user(e.timestamp)}</div>
				<div style="flex:1">
					<div><b>${__(e.event)}</b> <span class="text-muted">${from}</span>${to}</div>
					<div class="small">${e.event === "Consumed" && e.reference_name ? `${__("Consumed by")} ` : ""}${link(e.reference_doctype, e.reference_name)}${into_text}
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
