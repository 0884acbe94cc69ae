# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt
"""Every Serial Record of the site, filtered and searchable (a serial or lot by any part of its string)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate

from assetblaze_trace.rules.lifecycle import display_status

DEFAULT_LIMIT = 500
SEARCH_CAP = 5000  # a fragment search looks at no more than this many matching serials
SELECTIVE = ("item_code", "sales_order", "customer", "work_order")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters)


def get_columns() -> list[dict]:
	return [
		{"label": _("Serial / Lot No"), "fieldname": "serial_no", "fieldtype": "Data", "width": 170},
		{
			"label": _("Record"),
			"fieldname": "name",
			"fieldtype": "Link",
			"options": "Serial Record",
			"width": 150,
		},
		{"label": _("Status"), "fieldname": "display_status", "fieldtype": "Data", "width": 100},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 140},
		{"label": _("Qty"), "fieldname": "qty", "fieldtype": "Float", "width": 70},
		{
			"label": _("Warehouse"),
			"fieldname": "warehouse",
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 150,
		},
		{
			"label": _("Work Order"),
			"fieldname": "work_order",
			"fieldtype": "Link",
			"options": "Work Order",
			"width": 150,
		},
		{
			"label": _("Sales Order"),
			"fieldname": "sales_order",
			"fieldtype": "Link",
			"options": "Sales Order",
			"width": 140,
		},
		{
			"label": _("Customer"),
			"fieldname": "customer",
			"fieldtype": "Link",
			"options": "Customer",
			"width": 140,
		},
		{
			"label": _("Delivery Note"),
			"fieldname": "delivery_note",
			"fieldtype": "Link",
			"options": "Delivery Note",
			"width": 140,
		},
		{
			"label": _("Sales Invoice"),
			"fieldname": "sales_invoice",
			"fieldtype": "Link",
			"options": "Sales Invoice",
			"width": 140,
		},
		{
			"label": _("Manufactured On"),
			"fieldname": "manufactured_on",
			"fieldtype": "Datetime",
			"width": 150,
		},
		{"label": _("Expiry Date"), "fieldname": "expiry_date", "fieldtype": "Date", "width": 110},
		{"label": _("Shipped On"), "fieldname": "shipped_on", "fieldtype": "Datetime", "width": 150},
		{"label": _("Inspection"), "fieldname": "inspection_status", "fieldtype": "Data", "width": 100},
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
		record.expiry_date,
		record.shipped_on,
		record.on_hold,
		record.inspection_status,
	)
	query = query.where(_conditions(record, filters))
	search = (filters.get("search") or "").strip()
	if not search and (index := newest_index(filters)):
		if index in COVERING:
			# the page's names first, from the index alone (it holds every column these filters test), then
			# those rows: a backward walk of an index does not test conditions inside it, so a one-step query
			# would read a record for every unit it passes over
			names = (
				frappe.qb.from_(record)
				.select(record.name)
				.force_index(index)
				.where(_conditions(record, filters))
				.orderby(record.manufactured_on, order=frappe.qb.desc)
				.orderby(record.name, order=frappe.qb.desc)
				.limit(cint(filters.get("limit") or DEFAULT_LIMIT) or 100_000)
				.run(pluck=True)
			)
			query = query.where(record.name.isin(names or [""]))
		else:
			query = query.force_index(index)
	gs1_names = scanned_gs1(search) if search else None
	if gs1_names is not None:  # a GS1 label scanned into the search: its unit or lot, exactly
		query = query.where(record.name.isin(gs1_names or [""]))
	elif search:
		names = matching_names(search)
		if len(names) < SEARCH_CAP:  # every holder of the fragment is known: the filters apply to those
			query = query.where(record.name.isin(names or [""]))
		elif any(filters.get(f) for f in SELECTIVE):
			patterns = search_patterns(search)
			# more holders than the cap: a selective filter narrows the rows first, the fragment is checked on those
			condition = record.serial_no.like(patterns[0])
			for pattern in patterns[1:]:
				condition = condition | record.serial_no.like(pattern)
			query = query.where(condition)
		else:
			query = query.where(record.name.isin(names))
	limit = cint(filters.get("limit") or DEFAULT_LIMIT)
	query = query.orderby(record.manufactured_on, order=frappe.qb.desc).orderby(
		record.name, order=frappe.qb.desc
	)
	if limit > 0:
		query = query.limit(limit)
	return query


# the indexes that hold every column the status / item / warehouse / date filters test
COVERING = ("status_date_idx", "item_status_date_idx")


def _conditions(record, filters: frappe._dict):
	"""The filters as one condition. Reserved and Available are told apart as on the list: an Available unit
	with an order is Reserved."""
	condition = record.name.isnotnull()
	status = filters.get("status")
	if status == "Reserved":
		condition &= (record.status == "Available") & record.sales_order.isnotnull()
	elif status == "Available":
		condition &= (record.status == "Available") & record.sales_order.isnull()
	elif status:
		condition &= record.status == status
	for field in ("item_code", "warehouse", "sales_order", "customer", "work_order"):
		if filters.get(field):
			condition &= record[field] == filters.get(field)
	if filters.get("inspection"):  # Awaiting, Accepted or Rejected (the newest inspection's result)
		condition &= record.inspection_status == filters.get("inspection")
	if filters.get("expires_before"):  # units with an expiry date on or before the day
		condition &= record.expiry_date <= getdate(filters.expires_before)
	if filters.get("from_date"):
		condition &= record.manufactured_on >= getdate(filters.from_date)
	if filters.get("to_date"):
		condition &= record.manufactured_on < add_days(getdate(filters.to_date), 1)
	from assetblaze_trace.permissions import restrictions

	within = restrictions().criterion(record)  # the user's User Permissions, in the query itself
	return condition if within is None else condition & within


def newest_index(filters: frappe._dict) -> str | None:
	"""The index whose order is "newest first" among the units the filters keep: the narrowest filter's
	(a document, a customer), else item + status, the item, the status. None: no such filter (the date index)."""
	from assetblaze_trace.traceability.doctype.serial_record.serial_record import NEWEST_BY, index_if_present

	def pick():
		for field in ("work_order", "sales_order", "customer"):
			if filters.get(field):
				return NEWEST_BY[field]
		if filters.get("item_code"):
			return "item_status_date_idx" if filters.get("status") else NEWEST_BY["item_code"]
		if filters.get("status"):
			return "status_date_idx"  # with a warehouse too: it is in the index
		if filters.get("warehouse"):
			return NEWEST_BY["warehouse"]
		return None

	return index_if_present(pick())


def scanned_gs1(search: str) -> list[str] | None:
	"""The records a GS1 element string in the search names ((21) serial, or (10) lot of the (01) GTIN's item);
	None when the search is not one (see ``rules.gs1.parse``)."""
	from assetblaze_trace.floor.gs1 import named_unit

	named = named_unit(search)
	if not named:
		return None
	scan, items = named
	filters: dict = {"serial_no": scan.lot, "trace_type": "Batch"} if scan.lot and not scan.serial else {}
	if scan.serial:
		filters = {"name": scan.serial}
	if items:
		filters["item_code"] = ("in", items)
	return frappe.get_all("Serial Record", filters=filters, pluck="name", limit=SEARCH_CAP)


def search_patterns(search: str) -> list[str]:
	"""LIKE patterns for a fragment: as typed, and in upper case (serials compare exactly)."""
	escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
	return list(dict.fromkeys([f"%{escaped}%", f"%{escaped.upper()}%"]))


def matching_names(search: str) -> list[str]:
	"""Records whose serial holds the fragment, capped at ``SEARCH_CAP`` matches: from the suffix index
	(services/fragments.py); a fragment shorter than 3 characters is in most serials, so for it one scan of
	the narrow serial index stops at the cap almost at once (LOCATE on the binary column is the cheapest
	per-row "contains" MariaDB offers)."""
	from assetblaze_trace.services import fragments as fragment_index

	indexed = fragment_index.matching(search, SEARCH_CAP)
	if indexed is not None:  # the suffix index: a range read, whatever the number of records
		return indexed
	fragments = list(dict.fromkeys([search, search.upper()]))
	if frappe.db.db_type != "mariadb":
		return frappe.get_all(
			"Serial Record",
			or_filters=[["serial_no", "like", p] for p in search_patterns(search)],
			pluck="name",
			limit=SEARCH_CAP,
		)
	condition = " OR ".join(["LOCATE(%s, serial_no) > 0"] * len(fragments))
	return frappe.db.sql(
		f"SELECT name FROM `tabSerial Record` USE INDEX (serial_no_index) WHERE {condition} LIMIT {SEARCH_CAP}",
		fragments,
		pluck=True,
	)


def get_data(filters: frappe._dict) -> list[dict]:
	rows = build_query(filters).run(as_dict=True)
	for row in rows:
		row.display_status = _(display_status(row.status, row.sales_order))
	return rows
