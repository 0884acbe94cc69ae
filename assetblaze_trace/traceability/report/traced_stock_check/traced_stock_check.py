# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt
"""Traced Stock Check: per traced item and warehouse, ERPNext's stock beside the units in stock.

ERPNext's stock = units in stock + untraced quantity, always: *untraced quantity* is stock that no unit
stands for (it came in by purchase, receipt or a raised count, or was there before tracing started), and
*difference* is units in stock beyond ERPNext's stock — records that claim more than there is. Difference
is zero unless something outside the app changed stock or records behind its back; a row with a difference
is shown in red.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, flt

from assetblaze_trace.services.settings import get_settings

IN_STOCK = ("Available", "Allocated", "Returned")


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	frappe.has_permission("Serial Record", "read", throw=True)
	return columns(), rows(filters)


def columns() -> list[dict]:
	def col(fieldname, label, fieldtype="Float", width=100, **extra):
		return {"fieldname": fieldname, "label": _(label), "fieldtype": fieldtype, "width": width, **extra}

	return [
		col("item_code", "Item", "Link", 160, options="Item"),
		col("item_name", "Item Name", "Data", 130),
		col("warehouse", "Warehouse", "Link", 170, options="Warehouse"),
		col("trace_type", "Traced By", "Data", 80),
		col("erpnext_qty", "ERPNext Stock"),
		col("units_in_stock", "Units in Stock"),
		col("available", "Available"),
		col("allocated", "Allocated"),
		col("held_by_cancelled", "Held by Cancelled Shipments", width=130),
		col("returned", "Returned"),
		col("untraced_qty", "Untraced Qty"),
		col("difference", "Difference"),
	]


def traced_items(filters) -> dict[str, tuple[str, str]]:
	"""item -> (item name, effective trace type), resolved in one query over the Item Group tree
	(Item → nearest group with a value → the global default), leaving ERPNext's own serial/batch items out."""
	default = get_settings().default_trace_type or "None"
	conditions, values = ["i.has_serial_no = 0", "i.has_batch_no = 0"], {"default": default}
	if filters.item_code:
		conditions.append("i.name = %(item_code)s")
		values["item_code"] = filters.item_code
	rows = frappe.db.sql(
		f"""SELECT i.name, i.item_name, COALESCE(NULLIF(i.trace_type, ''), (
				SELECT a.trace_type FROM `tabItem Group` a JOIN `tabItem Group` g ON g.name = i.item_group
				WHERE a.lft <= g.lft AND a.rgt >= g.rgt AND IFNULL(a.trace_type, '') != ''
				ORDER BY a.lft DESC LIMIT 1), %(default)s) AS effective
		FROM `tabItem` i WHERE {" AND ".join(conditions)}
		HAVING effective IN ('Serial', 'Batch')""",
		values,
	)
	return {name: (item_name, effective) for name, item_name, effective in rows}


def rows(filters) -> list[dict]:
	items = traced_items(filters)
	where, values = ["r.status IN %(statuses)s"], {"statuses": IN_STOCK}
	bin_where = []
	for field in ("item_code", "warehouse"):
		if filters.get(field):
			where.append(f"r.{field} = %({field})s")
			bin_where.append(f"b.{field} = %({field})s")
			values[field] = filters[field]
	if filters.company:
		where.append("r.company = %(company)s")
		bin_where.append("w.company = %(company)s")
		values["company"] = filters.company

	table: dict[tuple[str, str], dict] = {}

	def entry(item, warehouse):
		return table.setdefault(
			(item, warehouse),
			frappe._dict(
				item_code=item,
				warehouse=warehouse,
				erpnext_qty=0.0,
				available=0.0,
				allocated=0.0,
				returned=0.0,
				held_by_cancelled=0.0,
			),
		)

	# One grouped read per in-stock status: each walks its part of the (status, item, warehouse, qty) index in
	# order, so the grouping needs no temporary table and no sort.
	per_status = " UNION ALL ".join(
		f"""(SELECT r.item_code, r.warehouse, '{status}', SUM(r.qty) FROM `tabSerial Record` r
		WHERE r.status = '{status}' {"".join(" AND " + w for w in where[1:])}
		GROUP BY r.item_code, r.warehouse)"""
		for status in IN_STOCK
	)
	for item, warehouse, status, qty in frappe.db.sql(per_status, values):
		entry(item, warehouse)[status.lower()] = flt(qty)
	for link, doctype in (("delivery_note", "Delivery Note"), ("sales_invoice", "Sales Invoice")):
		for item, warehouse, qty in frappe.db.sql(
			f"""SELECT r.item_code, r.warehouse, SUM(r.qty) FROM `tabSerial Record` r
			JOIN `tab{doctype}` d ON d.name = r.{link}
			WHERE r.status = 'Allocated' AND d.docstatus = 2 AND {" AND ".join(where[1:]) or "1=1"}
			GROUP BY r.item_code, r.warehouse""",
			values,
		):
			entry(item, warehouse).held_by_cancelled += flt(qty)
	if items:
		bin_where.append("b.item_code IN %(items)s")
		for item, warehouse, qty in frappe.db.sql(
			f"""SELECT b.item_code, b.warehouse, b.actual_qty FROM `tabBin` b
			JOIN `tabWarehouse` w ON w.name = b.warehouse
			WHERE {" AND ".join(bin_where)} AND b.actual_qty != 0""",
			{**values, "items": tuple(items)},
		):
			entry(item, warehouse).erpnext_qty = flt(qty)

	from assetblaze_trace.permissions import restrictions

	limits = restrictions()
	if limits:  # only the items and warehouses within the user's reach (User Permissions)
		table = {
			k: v for k, v in table.items() if limits.allows({"item_code": k[0], "warehouse": k[1]}, True)
		}
	out = []
	names = dict(
		frappe.db.sql(
			"SELECT name, item_name FROM `tabItem` WHERE name IN %(n)s",
			{"n": tuple({k[0] for k in table}) or ("",)},
		)
	)
	for (item, _warehouse), row in sorted(table.items()):
		row.item_name = names.get(item)
		row.trace_type = _(items[item][1]) if item in items else _("not traced now")
		row.units_in_stock = row.available + row.allocated + row.returned
		row.untraced_qty = max(row.erpnext_qty - row.units_in_stock, 0)
		row.difference = max(row.units_in_stock - row.erpnext_qty, 0)
		if cint(filters.only_differences) and not row.difference:
			continue
		if cint(filters.only_untraced) and not row.untraced_qty:
			continue
		out.append(row)
	return out
