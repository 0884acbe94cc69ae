// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.query_reports["Traceability"] = {
	filters: [
		{
			fieldname: "search",
			label: __("Search Serial / Lot"),
			fieldtype: "Data",
			description: __("Any part of a serial or lot number"),
		},
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Available", "Reserved", "Allocated", "Shipped", "Returned", "Consumed", "Issued"],
		},
		{
			fieldname: "inspection",
			label: __("Inspection"),
			fieldtype: "Select",
			options: ["", "Awaiting", "Accepted", "Rejected"],
			description: __("Awaiting: held until inspected. Rejected: held, naming the inspection."),
		},
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{ fieldname: "sales_order", label: __("Sales Order"), fieldtype: "Link", options: "Sales Order" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "work_order", label: __("Work Order"), fieldtype: "Link", options: "Work Order" },
		{ fieldname: "expires_before", label: __("Expires By"), fieldtype: "Date", description: __("Units and lots with an expiry date on or before this day.") },
		{ fieldname: "from_date", label: __("Made From"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("Made To"), fieldtype: "Date" },
		{
			fieldname: "limit",
			label: __("Rows"),
			fieldtype: "Select",
			options: ["500", "5000", "50000", "0"],
			default: "500",
			description: __("0 shows every matching record"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "display_status" && data) {
			const status = data.status === "Available" && data.sales_order ? "Reserved" : data.status;
			const colour = (assetblaze_trace.colours || {})[status] || "gray";
			return `<span class="indicator-pill ${colour}">${value}</span>${assetblaze_trace.hold_badge(data)}`;
		}
		return value;
	},
};
