// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.query_reports["Recall"] = {
	filters: [
		{
			fieldname: "identifier",
			label: __("Serial / Lot / Batch / Serial No"),
			fieldtype: "Data",
			reqd: 1,
		},
		{
			fieldname: "direction",
			label: __("Direction"),
			fieldtype: "Select",
			options: "Forward\nBackward",
			default: "Forward",
		},
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
	],
	tree: true,
	name_field: "node",
	parent_field: "parent_node",
	initial_depth: 3,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (!data) return value;
		if (column.fieldname === "status" && data.status) {
			const colour = data.on_hold ? "red" : assetblaze_trace.colours[data.display_status] || "gray";
			return `<span class="indicator-pill ${colour} trace-status">${frappe.utils.escape_html(data.status)}</span>`;
		}
		if (column.fieldname === "identifier" && data.indent === 0) {
			return `<b>${value}</b>`;
		}
		return value;
	},
	onload(report) {
		const args = () => ({
			identifier: report.get_filter_value("identifier"),
			direction: report.get_filter_value("direction"),
			item_code: report.get_filter_value("item_code"),
		});
		const need_identifier = () => {
			if (!args().identifier) {
				frappe.msgprint(__("Enter the identifier to recall first."));
				return false;
			}
			return true;
		};
		if (frappe.user.has_role("Stock Manager") || frappe.user.has_role("System Manager")) {
			report.page.add_inner_button(
				__("Hold In-Stock Units"),
				() => {
					if (!need_identifier()) return;
					frappe.prompt(
						{ fieldname: "reason", label: __("Reason"), fieldtype: "Small Text", reqd: 1 },
						({ reason }) =>
							frappe
								.xcall("assetblaze_trace.api.hold_recall", { ...args(), reason })
								.then((n) => {
									frappe.show_alert({ message: __("{0} unit(s) put on hold", [n]), indicator: "red" });
									report.refresh();
								}),
						__("Hold every in-stock unit this recall found"),
						__("Hold")
					);
				},
				__("Recall")
			);
			report.page.add_inner_button(
				__("Release Holds"),
				() => {
					if (!need_identifier()) return;
					frappe.confirm(__("Release every held unit this recall found?"), () =>
						frappe.xcall("assetblaze_trace.api.release_recall", args()).then((n) => {
							frappe.show_alert({ message: __("{0} unit(s) released from hold", [n]), indicator: "green" });
							report.refresh();
						})
					);
				},
				__("Recall")
			);
		}
		report.page.add_inner_button(
			__("FSMA 204 Spreadsheet"),
			() => {
				if (!need_identifier()) return;
				frappe.set_route("query-report", "FSMA 204 Traceability", {
					lot: args().identifier,
					item_code: args().item_code || "",
				});
			},
			__("Recall")
		);
		report.page.add_inner_button(
			__("Customers To Notify"),
			() => {
				if (!need_identifier()) return;
				frappe
					.xcall("assetblaze_trace.api.recall_customers", {
						identifier: args().identifier,
						item_code: args().item_code,
					})
					.then((customers) => assetblaze_trace.show_recall_customers(customers))
			},
			__("Recall")
		);
	},
};

assetblaze_trace.show_recall_customers = function (customers) {
	const esc = frappe.utils.escape_html;
	const link = (doctype, name) =>
		name ? `<a href="${frappe.utils.get_form_link(doctype, name)}">${esc(name)}</a>` : "";
	const rows = customers
		.map(
			(c) => `<tr>
				<td>${link("Customer", c.customer)}<div class="text-muted small">${esc(c.customer_name || "")}</div></td>
				<td>${link("Contact", c.contact)}</td>
				<td>${c.email_id ? `<a href="mailto:${esc(c.email_id)}">${esc(c.email_id)}</a>` : ""}</td>
				<td>${esc(c.mobile_no || "")}</td>
				<td class="text-right">${c.units}</td>
				<td>${c.documents.map((d) => esc(d)).join(", ")}</td>
			</tr>`
		)
		.join("");
	const dialog = new frappe.ui.Dialog({
		title: __("Customers To Notify ({0})", [customers.length]),
		size: "extra-large",
		fields: [{ fieldtype: "HTML", fieldname: "table" }],
	});
	dialog.fields_dict.table.$wrapper.html(
		customers.length
			? `<table class="table table-bordered table-sm trace-recall-customers">
				<thead><tr><th>${__("Customer")}</th><th>${__("Contact")}</th><th>${__("Email")}</th>
				<th>${__("Mobile")}</th><th class="text-right">${__("Units")}</th><th>${__("Documents")}</th></tr></thead>
				<tbody>${rows}</tbody></table>`
			: `<div class="text-muted">${__("No shipped unit found: no customer to notify.")}</div>`
	);
	dialog.show();
};
