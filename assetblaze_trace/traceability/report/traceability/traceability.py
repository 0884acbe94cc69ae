# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt
"""Every Serial Record of the site, filtered and searchable (a serial or lot by any part of its string)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate

from assetblaze_trace.rules.lifecycle import display_status

DEFAULT_LIMIT = 500


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters)


def get_columns() -> list[dict]:
	return [
		{"label": _("Serial / Lot No"), "fieldname": "serial_no", "fieldtype": "Data", "width": 170},
		{"label": _("Record"), "fieldname": "name", "fieldtype": "Link", "options": "Serial Record", "width": 150},
		{"label": _("Status"), "fieldname": "display_status", "fieldtype": "Data", "width": 100},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 140},
		{"label": _("Qty"), "fieldname": "qty", "fieldtype": "Float", "width": 70},
		{"label": _("Warehouse"), "fieldname": "warehouse", "fieldtype": "Link", "options": "Warehouse", "width": 150},
		{"label": _("Work Order"), "fieldname": "work_order", "fieldtype": "Link", "options": "Work Order", "width": 150},
		{"label": _("Sales Order"), "fieldname": "sales_order", "fieldtype": "Link", "options": "Sales Order", "width": 140},
		{"label": _("Customer"), "fieldname": "customer", "fieldtype": "Link", "options": "Customer", "width": 140},
		{"label": _("Delivery Note"), "fieldname": "delivery_note", "fieldtype": "Link", "options": "Delivery Note", "width": 140},
		{"label": _("Sales Invoice"), "fieldname": "sales_invoice", "fieldtype": "Link", "options": "Sales Invoice", "width": 140},
		{"label": _("Manufactured On"), "fieldname": "manufactured_on", "fieldtype": "Datetime", "width": 150},
		{"label": _("Shipped On"), "fieldname": "shipped_on", "fieldtype": "Datetime", "width": 150},
	]


def build_query(filters: frappe._dict):
	record = frappe.qb.DocType("Serial Record")
	query = frappe.qb.from_(record).select(
		record.name,
		record.serial_no,
		record.status,
		record.item_code,
		record.qty,
		record.warehouse,
		record.work_order,
		record.sales_order,
		record.customer,
		record.delivery_note,
		record.sales_invoice,
		record.manufactured_on,
		record.shipped_on,
	)
	status = filters.get("status")
	if status == "Reserved":
		query = query.where((record.status == "Available") & record.sales_order.isnotnull())
	elif status:
		query = query.where(record.status == status)
	for field in ("item_code", "warehouse", "sales_order", "customer", "work_order"):
		if filters.get(field):
			query = query.where(record[field] == filters.get(field))
	if filters.get("from_date"):
		query = query.where(record.manufactured_on >= getdate(filters.from_date))
	if filters.get("to_date"):
		query = query.where(record.manufactured_on < add_days(getdate(filters.to_date), 1))
	search = (filters.get("search") or "").strip()
	if search:
		escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
		condition = record.serial_no.like(f"%{escaped}%")
		if escaped.upper() != escaped:  # serials compare exactly: also find the fragment typed in lower case
			condition = condition | record.serial_no.like(f"%{escaped.upper()}%")
		query = query.where(condition)
	limit = cint(filters.get("limit") or DEFAULT_LIMIT)
	query = query.orderby(record.manufactured_on, order=frappe.qb.desc).orderby(record.name, order=frappe.qb.desc)
	if limit > 0:
		query = query.limit(limit)
	return query


def get_data(filters: frappe._dict) -> list[dict]:
	rows = build_query(filters).run(as_dict=True)
	for row in rows:
		row.display_status = _(display_status(row.status, row.sales_order))
	return rows
