"""Custom fields on ERPNext DocTypes, as data: applied on install and on every migrate, removed on uninstall.

``depends_on`` reads ``frappe.boot.assetblaze_trace`` (see boot.py), so switching the master toggle
off hides every field and section at once, and the scope decides where the configuration shows.
"""

ENABLED = "eval:frappe.boot.assetblaze_trace && frappe.boot.assetblaze_trace.enabled"


def _scope(scope: str) -> str:
	return f"{ENABLED} && frappe.boot.assetblaze_trace.scope == '{scope}'"


TRACE_TYPE_OPTIONS = "\nNone\nSerial\nBatch"
FORMAT_HELP = "Blank inherits. Placeholders: {YY}, {YYYY} and one sequence such as {00000}."

CUSTOM_FIELDS = {
	"Item": [
		{
			"fieldname": "trace_tab",
			"fieldtype": "Tab Break",
			"label": "Traceability",
			"insert_after": "total_projected_qty",
			"depends_on": ENABLED,
		},
		{
			"fieldname": "trace_type",
			"fieldtype": "Select",
			"label": "Traceability Type",
			"options": TRACE_TYPE_OPTIONS,
			"insert_after": "trace_tab",
			"depends_on": _scope("Item"),
			"description": "Blank inherits from the Item Group, then Traceability Settings.",
		},
		{
			"fieldname": "trace_serial_format",
			"fieldtype": "Data",
			"label": "Serial Format",
			"insert_after": "trace_type",
			"depends_on": _scope("Item"),
			"description": FORMAT_HELP,
		},
		{
			"fieldname": "trace_label_template",
			"fieldtype": "Link",
			"label": "Label Template",
			"options": "Trace Label Template",
			"insert_after": "trace_serial_format",
			"depends_on": ENABLED,
			"description": "The label its units print with. Blank inherits from the Item Group, then Traceability Settings.",
		},
		{
			"fieldname": "trace_shelf_life_days",
			"fieldtype": "Int",
			"label": "Shelf Life (Days)",
			"insert_after": "trace_label_template",
			"depends_on": ENABLED,
			"non_negative": 1,
			"description": "Days from manufacture to expiry of its units and lots. Blank inherits from the Item Group, "
			"then Traceability Settings; none anywhere: they do not expire.",
		},
		{
			"fieldname": "trace_gtin",
			"fieldtype": "Data",
			"label": "GTIN",
			"insert_after": "trace_shelf_life_days",
			"depends_on": ENABLED,
			"length": 14,
			"translatable": 0,
			"description": "The item's GS1 Global Trade Item Number (8, 12, 13 or 14 digits): GS1 labels carry it as (01), "
			"and a GS1 scan of it finds the unit.",
		},
		{
			"fieldname": "trace_column_break",
			"fieldtype": "Column Break",
			"insert_after": "trace_gtin",
		},
		{
			"fieldname": "trace_resolved_html",
			"fieldtype": "HTML",
			"label": "Resolved Traceability",
			"insert_after": "trace_column_break",
		},
		{
			"fieldname": "trace_serials_section",
			"fieldtype": "Section Break",
			"label": "Serial Numbers",
			"insert_after": "trace_resolved_html",
		},
		{
			"fieldname": "trace_serials_html",
			"fieldtype": "HTML",
			"label": "Serial Numbers",
			"insert_after": "trace_serials_section",
		},
	],
	"Item Group": [
		{
			"fieldname": "trace_section",
			"fieldtype": "Section Break",
			"label": "Traceability",
			"insert_after": "old_parent",
			"depends_on": ENABLED,
		},
		{
			"fieldname": "trace_type",
			"fieldtype": "Select",
			"label": "Traceability Type",
			"options": TRACE_TYPE_OPTIONS,
			"insert_after": "trace_section",
			"depends_on": _scope("Item Group"),
			"description": "Blank inherits from the parent group, then Traceability Settings.",
		},
		{
			"fieldname": "trace_column_break",
			"fieldtype": "Column Break",
			"insert_after": "trace_type",
		},
		{
			"fieldname": "trace_serial_format",
			"fieldtype": "Data",
			"label": "Serial Format",
			"insert_after": "trace_column_break",
			"depends_on": _scope("Item Group"),
			"description": FORMAT_HELP,
		},
		{
			"fieldname": "trace_label_template",
			"fieldtype": "Link",
			"label": "Label Template",
			"options": "Trace Label Template",
			"insert_after": "trace_serial_format",
			"description": "The label this group's units print with. Blank inherits from the parent group, then Traceability Settings.",
		},
		{
			"fieldname": "trace_shelf_life_days",
			"fieldtype": "Int",
			"label": "Shelf Life (Days)",
			"insert_after": "trace_label_template",
			"depends_on": ENABLED,
			"non_negative": 1,
			"description": "Days from manufacture to expiry of this group's units and lots. Blank inherits from the parent "
			"group, then Traceability Settings.",
		},
	],
	"Quality Inspection": [
		{
			"fieldname": "trace_serial",
			"fieldtype": "Link",
			"label": "Unit or Lot",
			"options": "Serial Record",
			"insert_after": "item_name",
			"depends_on": ENABLED,
			"description": "The unit (or lot) inspected: an Accepted inspection releases it, a Rejected one holds it.",
			"search_index": 1,
			"no_copy": 0,  # Frappe's new_doc sets only fields that may be copied (Inspect opens one filled in)
		},
		# what the inspection found, for its cancellation to put back (never shown)
		{
			"fieldname": "trace_found_on_hold",
			"fieldtype": "Check",
			"label": "Found On Hold",
			"insert_after": "trace_serial",
			"hidden": 1,
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "trace_found_hold_reason",
			"fieldtype": "Small Text",
			"label": "Found Hold Reason",
			"insert_after": "trace_found_on_hold",
			"hidden": 1,
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "trace_found_inspection_status",
			"fieldtype": "Data",
			"label": "Found Inspection Status",
			"insert_after": "trace_found_hold_reason",
			"hidden": 1,
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "trace_found_inspection",
			"fieldtype": "Link",
			"options": "Quality Inspection",
			"label": "Found Inspection",
			"insert_after": "trace_found_inspection_status",
			"hidden": 1,
			"read_only": 1,
			"no_copy": 1,
		},
	],
	"Stock Entry": [
		{
			"fieldname": "trace_batch_no",
			"fieldtype": "Data",
			"label": "Lot / Batch No",
			"insert_after": "fg_completed_qty",
			"depends_on": f"{ENABLED} && doc.purpose == 'Manufacture'",
			"description": "The lot of a Batch-traced finished item. Every completion of one Work Order shares its lot.",
			"no_copy": 1,
			"allow_on_submit": 0,
			"translatable": 0,
		},
	],
	(
		"Delivery Note Item",
		"Sales Invoice Item",
		"Stock Entry Detail",
		"Stock Reconciliation Item",
		"Subcontracting Receipt Supplied Item",
		"Pick List Item",
	): [
		{
			# A section of its own: ERPNext's serial/batch section around batch_no only shows when
			# a row ticks "Use Serial No / Batch Fields".
			"fieldname": "trace_section",
			"fieldtype": "Section Break",
			"label": "Traceability",
			"insert_after": "batch_no",
			"depends_on": ENABLED,
		},
		{
			"fieldname": "trace_serials",
			"fieldtype": "Long Text",  # a shipment of thousands of units lists them all
			"label": "Traced Serials",
			"insert_after": "trace_section",
			"depends_on": ENABLED,
			"description": "One serial or lot per line, typed or scanned. Left blank, they are picked FIFO "
			"(shipments on save, stock movements on submit). On a Material Receipt: the supplier's serials or lot.",
			"no_copy": 1,
			"translatable": 0,
		},
	],
	("Purchase Receipt Item", "Purchase Invoice Item", "Packed Item"): [
		{
			"fieldname": "trace_section",
			"fieldtype": "Section Break",
			"label": "Traceability",
			"insert_after": "batch_no",
			"depends_on": ENABLED,
		},
		{
			"fieldname": "trace_serials",
			"fieldtype": "Long Text",
			"label": "Traced Serials",
			"insert_after": "trace_section",
			"depends_on": ENABLED,
			"description": "Receiving: the supplier's serials (one per unit) or lot number, typed, pasted or scanned; "
			"left blank, the stock is untraced quantity. Returns and bundles: the units that leave, else FIFO.",
			"no_copy": 1,
			"translatable": 0,
		},
	],
	("Purchase Receipt Item", "Purchase Invoice Item", "Stock Entry Detail"): [
		{
			"fieldname": "trace_expiry_date",
			"fieldtype": "Date",
			"label": "Expiry Date (Supplier's)",
			"insert_after": "trace_serials",
			# receiving rows only: a Purchase Receipt, a Purchase Invoice that updates stock, a Material Receipt
			"depends_on": f"{ENABLED} && !parent.is_return && (!parent.purpose || parent.purpose == 'Material Receipt')"
			" && (parent.doctype != 'Purchase Invoice' || parent.update_stock)",
			"no_copy": 1,
			"description": "The expiry the supplier gives for the serials or lot received here; blank: the receipt "
			"date plus the item's shelf life.",
		},
	],
	("Delivery Note Item", "Sales Invoice Item"): [
		{
			"fieldname": "trace_pick",
			"fieldtype": "Button",
			"label": "Pick or Scan Serials",
			"insert_after": "trace_serials",
			"depends_on": f"{ENABLED} && parent.docstatus == 0",
		},
	],
	"Sales Order": [
		{
			"fieldname": "trace_serials_section",
			"fieldtype": "Section Break",
			"label": "Serial Numbers",
			"insert_after": "pricing_rules",
			"depends_on": ENABLED,
			"collapsible": 1,
		},
		{
			"fieldname": "trace_serials_html",
			"fieldtype": "HTML",
			"label": "Serial Numbers",
			"insert_after": "trace_serials_section",
		},
	],
	"Work Order": [
		{
			"fieldname": "trace_tab",
			"fieldtype": "Tab Break",
			"label": "Traceability",
			"insert_after": "amended_from",
			"depends_on": ENABLED,
		},
		{
			"fieldname": "trace_serials_html",
			"fieldtype": "HTML",
			"label": "Serial Numbers",
			"insert_after": "trace_tab",
		},
	],
}
