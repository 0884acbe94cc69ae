# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

"""Recall: from a supplier's lot to every customer, or from a unit to everything inside it, as a tree.

Backward (what went into the identifier) or Forward (every unit it went into), with a summary on top. The
rows come from ``services/genealogy.py`` (the same as ``assetblaze_trace.api.genealogy``) in tree order; the
report adds the identifier itself as the root row."""

import frappe
from frappe import _

from assetblaze_trace.services import genealogy


def execute(filters=None):
	filters = frappe._dict(filters or {})
	columns = get_columns(filters)
	if not (filters.get("identifier") or "").strip():
		return columns, [], _("Enter a serial number, a lot, or an ERPNext Batch or Serial No."), None, []
	frappe.has_permission("Serial Record", "read", throw=True)
	direction = genealogy.direction_of(filters.get("direction"))
	identifier = filters.identifier.strip()
	origin = genealogy.resolve(identifier, filters.get("item_code") or None)
	nodes = genealogy.trace_origin(origin, direction)
	root = {
		"identifier": identifier,
		"kind": origin.kind,
		"item_code": origin.item_code,
		"qty": None,
		"indent": 0,
		"parent": None,
		"node": identifier,
	}
	data = [root]
	for n in nodes:
		# the tree's own keys: a component can appear under several parents (an ERPNext batch used twice)
		data.append({**n, "node": f"{n['parent']}/{n['identifier']}", "parent_node": None})
	_link_tree(data)
	for row in data:
		row["status"] = _("On Hold") if row.get("on_hold") else _(row.get("display_status") or "")
	return columns, data, None, None, report_summary(nodes, direction)


def _link_tree(rows: list[dict]) -> None:
	"""``parent_node``: the tree key of the row each row hangs from (rows are in tree order)."""
	last_at: dict[int, str] = {}
	for row in rows:
		indent = int(row.get("indent") or 0)
		row["parent_node"] = last_at.get(indent - 1) if indent else None
		last_at[indent] = row["node"]


def get_columns(filters) -> list[dict]:
	forward = genealogy.direction_of(filters.get("direction")) == genealogy.FORWARD
	columns = [
		{
			"label": _("Identifier"),
			"fieldname": "identifier",
			"fieldtype": "Dynamic Link",
			"options": "kind",
			"width": 260,
		},
		{"label": _("Kind"), "fieldname": "kind", "fieldtype": "Data", "width": 110},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 150},
		{"label": _("Qty"), "fieldname": "qty", "fieldtype": "Float", "width": 80},
		{"label": _("Status"), "fieldname": "status", "fieldtype": "Data", "width": 100},
		{
			"label": _("Warehouse"),
			"fieldname": "warehouse",
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 150,
		},
	]
	if forward:
		columns += [
			{
				"label": _("Customer"),
				"fieldname": "customer",
				"fieldtype": "Link",
				"options": "Customer",
				"width": 150,
			},
			{
				"label": _("Delivery Note"),
				"fieldname": "delivery_note",
				"fieldtype": "Link",
				"options": "Delivery Note",
				"width": 150,
			},
			{
				"label": _("Sales Invoice"),
				"fieldname": "sales_invoice",
				"fieldtype": "Link",
				"options": "Sales Invoice",
				"width": 150,
			},
			{
				"label": _("Made By"),
				"fieldname": "made_by",
				"fieldtype": "Link",
				"options": "Stock Entry",
				"width": 150,
			},
		]
	else:
		columns += [
			{
				"label": _("Consumed By"),
				"fieldname": "consumed_by",
				"fieldtype": "Link",
				"options": "Stock Entry",
				"width": 150,
			},
			{
				"label": _("Supplier"),
				"fieldname": "supplier",
				"fieldtype": "Link",
				"options": "Supplier",
				"width": 150,
			},
			{
				"label": _("Purchase Receipt"),
				"fieldname": "purchase_receipt",
				"fieldtype": "Link",
				"options": "Purchase Receipt",
				"width": 150,
			},
		]
	columns.append({"label": _("Level"), "fieldname": "level", "fieldtype": "Int", "width": 60})
	return columns


def report_summary(nodes: list[dict], direction: str) -> list[dict]:
	s = genealogy.summary(nodes, direction)
	if direction == genealogy.FORWARD:
		return [
			{"label": _("Units Found"), "value": s["units"], "indicator": "blue", "datatype": "Int"},
			{"label": _("In Stock"), "value": s["in_stock"], "indicator": "green", "datatype": "Int"},
			{"label": _("On Hold"), "value": s["on_hold"], "indicator": "red", "datatype": "Int"},
			{"label": _("Shipped"), "value": s["shipped"], "indicator": "orange", "datatype": "Int"},
			{
				"label": _("Customers Reached"),
				"value": s["customers"],
				"indicator": "orange",
				"datatype": "Int",
			},
		]
	return [
		{"label": _("Components"), "value": s["components"], "indicator": "blue", "datatype": "Int"},
		{"label": _("Our Units And Lots"), "value": s["units"], "indicator": "green", "datatype": "Int"},
		{"label": _("ERPNext Batches"), "value": s["batches"], "indicator": "blue", "datatype": "Int"},
		{"label": _("ERPNext Serial Nos"), "value": s["serial_nos"], "indicator": "blue", "datatype": "Int"},
		{"label": _("Untraced Items"), "value": s["untraced"], "indicator": "gray", "datatype": "Int"},
		{"label": _("Suppliers"), "value": s["suppliers"], "indicator": "orange", "datatype": "Int"},
	]
