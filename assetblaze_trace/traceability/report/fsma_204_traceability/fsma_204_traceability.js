// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.query_reports["FSMA 204 Traceability"] = {
	filters: [
		{
			fieldname: "lot",
			label: __("Lot / Serial"),
			fieldtype: "Data",
			description: __("The lot and everything made from it. Blank: every event in the date range."),
		},
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
	],
	onload(report) {
		report.page.add_inner_button(__("Export Spreadsheet"), () => report.export_report());
	},
};
