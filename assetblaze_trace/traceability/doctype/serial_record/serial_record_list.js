// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.listview_settings["Serial Record"] = {
	add_fields: ["status", "sales_order", "trace_type", "qty", "on_hold"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		if (doc.on_hold) return [__("On Hold"), "red", "on_hold,=,1"];
		const status = doc.status === "Available" && doc.sales_order ? "Reserved" : doc.status;
		const colours = { Available: "green", Reserved: "yellow", Allocated: "blue", Shipped: "gray", Returned: "purple", Consumed: "darkgrey", Issued: "orange" };
		const filter = {
			Reserved: "status,=,Available|sales_order,is,set",
			Available: "status,=,Available|sales_order,is,not set",
		}[status] || `status,=,${doc.status}`;
		return [__(status), colours[status] || "gray", filter];
	},
	onload(listview) {
		listview.page.add_action_item(__("Print Labels"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) {
				frappe.msgprint(__("Select the serial records to print labels for."));
				return;
			}
			assetblaze_trace.print_labels({ names });
		});
		// every unit the list's filters match, however many (the filters travel, not the names)
		listview.page.add_menu_item(__("Print Labels of All Matching"), () =>
			assetblaze_trace.print_labels({ filters: listview.get_filters_for_args() })
		);
	},
};
