// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.query_reports["Expiring Units"] = {
	filters: [
		{
			fieldname: "days",
			label: __("Expiring Within (Days)"),
			fieldtype: "Int",
			description: __("Blank: the horizon in Traceability Settings."),
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Unit", "Lot", "Item", "Warehouse"],
			default: "Unit",
		},
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{ fieldname: "lot", label: __("Lot"), fieldtype: "Data" },
		{ fieldname: "include_expired", label: __("Include Expired Stock"), fieldtype: "Check", default: 1 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (!data || !["days_left", "expiry_date"].includes(column.fieldname)) return value;
		if (data.days_left < 0) return `<span class="text-danger trace-expired">${value}</span>`;
		if (data.days_left <= 7) return `<span class="text-warning">${value}</span>`;
		return value;
	},
};
