// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.query_reports["Traced Stock Check"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{ fieldname: "only_untraced", label: __("Only With Untraced Quantity"), fieldtype: "Check" },
		{ fieldname: "only_differences", label: __("Only Differences"), fieldtype: "Check" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (!data) return value;
		if (column.fieldname === "difference" && data.difference) {
			return `<span class="text-danger bold">${value}</span>`;
		}
		if (column.fieldname === "untraced_qty" && data.untraced_qty) {
			return `<span class="text-warning">${value}</span>`;
		}
		return value;
	},
};
