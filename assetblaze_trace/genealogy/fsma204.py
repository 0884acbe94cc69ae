"""The FSMA 204 sortable spreadsheet (21 CFR 1.1455(c)): one row per critical tracking event the app knows —
receiving, transformation (a Manufacture entry making a lot or units), shipping — with its key data elements.

Scope: a lot (or unit) and everything made from it (the Recall report's forward trace), or every event of the
documents posted in a date range. Both are set-based: the records' events are read by their parent or by their
document (each an index), grouped per document and traceability lot code in one statement; the documents'
rows, parties and consumption are then read once per kind of document.

The traceability lot code (TLC) is the lot for lots, the serial for serial units. Its source is where it was
assigned: the supplier for what was received with the supplier's lot, the company (and the warehouse it was
made in) for what was made here.
"""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt, getdate

from assetblaze_trace import permissions
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.services.db import as_json, json_names

RECEIVING, TRANSFORMATION, SHIPPING = "Receiving", "Transformation", "Shipping"
EVENTS = {
	rules.RECEIVED: RECEIVING,
	rules.RECEIVED_FROM_COMPANY: RECEIVING,
	rules.MADE: TRANSFORMATION,
	rules.SHIP: SHIPPING,
	rules.INTERNAL_TRANSFER: SHIPPING,
}
ORDER = {RECEIVING: 0, TRANSFORMATION: 1, SHIPPING: 2}
RECEIPTS = ("Purchase Receipt", "Purchase Invoice", "Stock Entry")
SHIPMENTS = ("Delivery Note", "Sales Invoice")


def records_of_lot(identifier: str, item_code: str | None = None) -> list[str]:
	"""The records of ``identifier`` (its portions) and every unit made from it, within the user's reach."""
	from assetblaze_trace.services import genealogy

	origin = genealogy.resolve(identifier, item_code)
	forward = genealogy.trace_origin(origin, genealogy.FORWARD, ordered=False)
	names = [*(origin.names if origin.kind == "Serial Record" else [])]
	names += [n["identifier"] for n in forward if n["kind"] == "Serial Record"]
	return permissions.readable(names)


def documents_in(from_date, to_date, company: str | None = None) -> list[tuple[str, str]]:
	"""(doctype, name) of the submitted documents that can receive, make or ship units, posted in the range."""
	out = []
	for doctype in (*RECEIPTS, *SHIPMENTS):
		filters = {"docstatus": 1, "posting_date": ("between", [getdate(from_date), getdate(to_date)])}
		if company:
			filters["company"] = company
		if doctype == "Stock Entry":
			filters["purpose"] = ("in", ["Material Receipt", "Manufacture"])
		out += [(doctype, n) for n in frappe.get_all(doctype, filters=filters, pluck="name")]
	return out


def rows(
	lot: str | None = None,
	item_code: str | None = None,
	from_date=None,
	to_date=None,
	company: str | None = None,
) -> list[dict]:
	"""The spreadsheet's rows, by date, then event, then lot code."""
	permissions.require_read()
	events = list(EVENTS)
	placeholders = ", ".join(["%s"] * len(events))
	tlc = "IF(r.trace_type = 'Batch', r.serial_no, r.name)"
	columns = f"""e.event, e.reference_doctype, e.reference_name, {tlc} AS tlc, r.item_code,
		MIN(r.item_name) AS item_name, MIN(r.trace_type) AS trace_type, MIN(r.company) AS company,
		MIN(r.supplier) AS supplier, MIN(r.customer) AS customer, MIN(e.timestamp) AS happened, COUNT(*) AS units,
		SUM(r.qty) AS qty, MIN(r.warehouse) AS warehouse, MIN(r.shipment_row) AS shipment_row"""
	group = "GROUP BY e.event, e.reference_doctype, e.reference_name, tlc, r.item_code"
	if lot:
		names = records_of_lot(lot, item_code)
		if not names:
			return []
		found = _events_of_records(names, columns, group, events)
	else:
		documents = documents_in(from_date, to_date, company)
		if not documents:
			return []
		within, limits = permissions.restrictions().sql("r")
		found = frappe.db.sql(
			f"""SELECT {columns} FROM JSON_TABLE(%s, '$[*]' COLUMNS(dt VARCHAR(140) PATH '$[0]',
				dn VARCHAR(140) PATH '$[1]')) d
			JOIN `tabSerial Record Event` e ON e.reference_name = d.dn AND e.reference_doctype = d.dt
			JOIN `tabSerial Record` r ON r.name = e.parent
			WHERE e.event IN ({placeholders}){within}{" AND r.item_code = %s" if item_code else ""} {group}""",
			[as_json(documents), *events, *limits, *([item_code] if item_code else [])],
			as_dict=True,
		)
	return _spreadsheet(found)


def _events_of_records(names: list[str], columns: str, group: str, events: list[str]) -> list[dict]:
	out = []
	for start in range(0, len(names), 10_000):
		out += frappe.db.sql(
			f"""SELECT {columns} FROM {json_names()}
			JOIN `tabSerial Record Event` e ON e.parent = j.name
			JOIN `tabSerial Record` r ON r.name = e.parent
			WHERE e.event IN %(events)s {group}""",
			{"names": as_json(names[start : start + 10_000]), "events": tuple(events)},
			as_dict=True,
		)
	return out


def _spreadsheet(found: list[dict]) -> list[dict]:
	by_doc: dict[str, set[str]] = defaultdict(set)
	for f in found:
		by_doc[f.reference_doctype].add(f.reference_name)
	docs = {dt: _documents(dt, sorted(names)) for dt, names in by_doc.items()}
	lines = _lines(by_doc)
	inputs = _inputs(by_doc.get("Stock Entry", ()))
	uoms = dict(
		frappe.get_all(
			"Item",
			filters={"name": ("in", list({f.item_code for f in found}) or [""])},
			fields=["name", "stock_uom"],
			as_list=True,
		)
	)
	out = []
	for f in found:
		kind = EVENTS[f.event]
		doc = docs.get(f.reference_doctype, {}).get(f.reference_name, {})
		line = _line_for(lines, f)
		qty = flt(f.qty)
		if kind != SHIPPING and f.trace_type == "Batch" and line:
			qty = flt(
				line.get("qty")
			)  # what the document received or made (the portion may have split since)
		where = line.get("warehouse") if line else f.warehouse
		company = doc.get("company") or f.company
		row = {
			"critical_tracking_event": _(kind),
			"traceability_lot_code": f.tlc,
			"product_description": f.item_name or f.item_code,
			"item_code": f.item_code,
			"quantity": qty,
			"unit_of_measure": uoms.get(f.item_code),
			"ship_from_location": "",
			"ship_to_location": "",
			"location": "",
			"event_date": getdate(doc.get("posting_date") or f.happened),
			"reference_document_type": f.reference_doctype,
			"reference_document_number": f.reference_name,
			"tlc_source": "",
			"input_lots": "",
		}
		if kind == RECEIVING:
			supplier = doc.get("supplier") or f.supplier or doc.get("represents_company") or ""
			row["ship_from_location"] = _place(supplier, doc.get("supplier_address"))
			row["location"] = _place(company, where)
			row["tlc_source"] = _place(supplier, doc.get("supplier_address")) if supplier else company
		elif kind == TRANSFORMATION:
			row["location"] = _place(company, where)
			row["tlc_source"] = _place(company, where)
			row["input_lots"] = "; ".join(inputs.get(f.reference_name, []))
		else:
			row["ship_from_location"] = _place(company, where)
			row["ship_to_location"] = _place(
				doc.get("customer") or f.customer, doc.get("shipping_address_name")
			)
			row["tlc_source"] = _place(f.supplier, None) if f.supplier else company
		out.append((row["event_date"], f.happened, ORDER[kind], f.tlc, row))
	# as it happened: by date, then time, and receiving before transformation before shipping
	out.sort(key=lambda r: r[:4])
	return [r[-1] for r in out]


def _place(party: str | None, detail: str | None) -> str:
	return " · ".join(p for p in (party, detail) if p)


def _documents(doctype: str, names: list[str]) -> dict[str, dict]:
	fields = ["name", "posting_date", "company"]
	meta = frappe.get_meta(doctype)
	fields += [
		f
		for f in ("supplier", "supplier_address", "customer", "shipping_address_name", "represents_company")
		if meta.has_field(f)
	]
	return {
		d.name: d
		for d in frappe.get_all(doctype, filters={"name": ("in", names)}, fields=fields, limit_page_length=0)
	}


def _lines(by_doc: dict[str, set[str]]) -> dict[tuple[str, str], list[dict]]:
	"""The documents' item rows (item, warehouse, stock quantity, listed serials or lot), by document."""
	out: dict[tuple[str, str], list[dict]] = defaultdict(list)
	tables = {
		"Purchase Receipt": ("Purchase Receipt Item", "warehouse", "stock_qty"),
		"Purchase Invoice": ("Purchase Invoice Item", "warehouse", "stock_qty"),
		"Delivery Note": ("Delivery Note Item", "warehouse", "stock_qty"),
		"Sales Invoice": ("Sales Invoice Item", "warehouse", "stock_qty"),
		"Stock Entry": ("Stock Entry Detail", "t_warehouse", "transfer_qty"),
	}
	for doctype, names in by_doc.items():
		if doctype not in tables:
			continue
		table, warehouse, qty = tables[doctype]
		for line in frappe.get_all(
			table,
			filters={"parent": ("in", sorted(names)), "parenttype": doctype},
			fields=[
				"name",
				"parent",
				"item_code",
				f"{warehouse} as warehouse",
				f"{qty} as qty",
				"trace_serials",
			],
			limit_page_length=0,
		):
			out[(doctype, line.parent)].append(line)
	return out


def _line_for(lines, f) -> dict | None:
	"""The document row an event group came from: the shipment's own row, else the row of the item that lists
	the lot, else the item's row that brought stock in."""
	candidates = [
		ln for ln in lines.get((f.reference_doctype, f.reference_name), []) if ln.item_code == f.item_code
	]
	if f.shipment_row:
		for ln in candidates:
			if ln.name == f.shipment_row:
				return ln
	if f.trace_type == "Batch":
		for ln in candidates:
			if f.tlc in (ln.trace_serials or "").split():
				return ln
	with_warehouse = [ln for ln in candidates if ln.warehouse]
	return (with_warehouse or candidates or [None])[0]


def _inputs(entries) -> dict[str, list[str]]:
	"""Each Manufacture entry's input lot codes: what it consumed (lot, serial, or ERPNext batch / serial no),
	with item and quantity."""
	if not entries:
		return {}
	out: dict[str, list[str]] = defaultdict(list)
	t = frappe.qb.DocType("Trace Consumption")
	keys = (t.reference_name, t.consumed_kind, t.consumed, t.serial_no, t.item_code)
	for c in (
		frappe.qb.from_(t)
		.select(*keys, Sum(t.qty).as_("qty"))
		.where((t.reference_doctype == "Stock Entry") & t.reference_name.isin(sorted(entries)))
		.groupby(*keys)
		.orderby(t.reference_name)
		.orderby(t.item_code)
		.orderby(t.consumed)
		.run(as_dict=True)
	):
		code = c.serial_no or c.consumed or _("untraced")
		out[c.reference_name].append(f"{code} ({c.item_code}, {flt(c.qty):g})")
	return out
