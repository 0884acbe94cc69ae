"""Whitelisted reads for the Desk views. Each checks permission before reading."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint

from assetblaze_trace.rules.lifecycle import STATUS_COLOURS, display_status
from assetblaze_trace.rules.picking import parse_serial_list
from assetblaze_trace.services.settings import get_settings

VIEW_FIELDS = [
	"name",
	"serial_no",
	"trace_type",
	"item_code",
	"item_name",
	"qty",
	"status",
	"warehouse",
	"work_order",
	"sales_order",
	"customer",
	"delivery_note",
	"sales_invoice",
	"manufactured_on",
	"shipped_on",
]
VIEW_FILTERS = ("item_code", "work_order", "sales_order", "stock_entry", "delivery_note", "sales_invoice")


@frappe.whitelist()
def get_units(filters: dict | str, limit: int = 200) -> dict:
	"""Units for a document's Serial Numbers view: the newest ``limit`` rows and counts per status."""
	filters = frappe.parse_json(filters) or {}
	filters = {k: v for k, v in filters.items() if k in VIEW_FILTERS and v}
	if not filters:
		frappe.throw(_("Say which item or document the units belong to."))
	# The user must be able to read the document the view sits on, and Serial Records.
	for field, value in filters.items():
		doctype = frappe.get_meta("Serial Record").get_field(field).options
		frappe.has_permission(doctype, "read", value, throw=True)
	frappe.has_permission("Serial Record", "read", throw=True)

	limit = min(max(cint(limit) or 200, 1), 1000)
	rows = frappe.get_all(
		"Serial Record",
		filters=filters,
		fields=VIEW_FIELDS,
		order_by="manufactured_on desc, name desc",
		limit=limit,
	)
	counts = frappe.get_all(
		"Serial Record",
		filters=filters,
		fields=[
			"status",
			"count(name) as units",
			"sum(qty) as qty",
			"sum(if(sales_order is null, 0, 1)) as stamped",
		],
		group_by="status",
	)
	for row in rows:
		row.display_status = display_status(row.status, row.sales_order)
	return {
		"rows": rows,
		"counts": counts,
		"total": sum(c.units for c in counts),
		"colours": STATUS_COLOURS,
		"enabled": get_settings().enabled,
	}


@frappe.whitelist()
def suggest_units(
	doctype: str,
	name: str,
	row: str,
	item_code: str,
	warehouse: str,
	qty: float,
	sales_order: str | None = None,
	listed: str | None = None,
) -> dict:
	"""For the shipment dialog: what FIFO would pick for a row, after the units typed or scanned."""
	if not frappe.db.exists(doctype, name):
		frappe.has_permission(doctype, "create", throw=True)
	else:
		frappe.get_doc(doctype, name).check_permission("read")
	frappe.has_permission("Serial Record", "read", throw=True)
	typed = parse_serial_list(listed)
	need = max(int(float(qty or 0)) - len(typed), 0)
	conditions = {"item_code": item_code, "warehouse": warehouse, "status": "Available"}
	pool = []
	if need:
		if sales_order:
			pool += frappe.get_all(
				"Serial Record",
				filters={**conditions, "sales_order": sales_order, "name": ("not in", typed or [""])},
				fields=["name", "sales_order", "manufactured_on"],
				order_by="manufactured_on asc, name asc",
				limit=need,
			)
		if len(pool) < need:
			pool += frappe.get_all(
				"Serial Record",
				filters={**conditions, "sales_order": ("is", "not set"), "name": ("not in", typed or [""])},
				fields=["name", "sales_order", "manufactured_on"],
				order_by="manufactured_on asc, name asc",
				limit=need - len(pool),
			)
	held = (
		frappe.get_all("Serial Record", filters={"shipment_row": row, "status": "Allocated"}, pluck="name")
		if row
		else []
	)
	return {
		"suggested": [p.name for p in pool],
		"held": held,
		"available": frappe.db.count("Serial Record", conditions),
	}


@frappe.whitelist()
def units_of_stock_entry(stock_entry: str) -> list[str]:
	"""Units a Manufacture entry made (for the print-labels prompt)."""
	frappe.get_doc("Stock Entry", stock_entry).check_permission("read")
	return frappe.get_all(
		"Serial Record",
		filters={"stock_entry": stock_entry},
		pluck="name",
		order_by="serial_sequence asc, name asc",
	)


@frappe.whitelist()
def work_order_lot(work_order: str) -> str | None:
	"""The lot a Work Order's earlier completions used (its next completion must use it too)."""
	from assetblaze_trace.services.generation import existing_lot

	doc = frappe.get_doc("Work Order", work_order)
	doc.check_permission("read")
	return existing_lot(doc.name, doc.production_item)
