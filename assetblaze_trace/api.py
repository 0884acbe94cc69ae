"""The app's whitelisted methods: Desk views, scanning, labels, holds, genealogy and recall. Each answers only for
the units the user may read under role permissions and User Permissions (permissions.py, checked set-based)."""

from __future__ import annotations

import inspect
from itertools import product

import frappe
from frappe import _
from frappe.utils import cint

from assetblaze_trace import permissions
from assetblaze_trace.movements import order
from assetblaze_trace.rules.lifecycle import IN_STOCK, STATUS_COLOURS, display_status
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
	"expiry_date",
	"shipped_on",
	"on_hold",
	"hold_reason",
]
VIEW_FILTERS = ("item_code", "work_order", "sales_order", "stock_entry", "delivery_note", "sales_invoice")


def require_role(*roles: str) -> None:
	"""Refuse unless the user has one of ``roles`` (checked in tests too, unlike ``frappe.only_for``)."""
	if not set(roles) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a {0} can do this.").format(" / ".join(_(r) for r in roles)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def _unit_list(units: str | list | None) -> list[str]:
	"""Units given as a JSON list, a list, or one per line."""
	if isinstance(units, str):
		units = frappe.parse_json(units) if units.lstrip().startswith("[") else parse_serial_list(units)
	return [str(u) for u in (units or []) if u]


@frappe.whitelist()
def get_units(filters: dict | str, limit: int = 200, before: list | str | None = None) -> dict:
	"""Units for a document's Serial Numbers view: the newest ``limit`` rows and counts per status. ``before``
	= [manufactured_on, name] of the last row shown gives the next older page (keyset: an index range from
	there, as fast for the thousandth page as for the first; no OFFSET)."""
	filters = frappe.parse_json(filters) or {}
	before = frappe.parse_json(before) if isinstance(before, str) else before
	filters = {k: v for k, v in filters.items() if k in VIEW_FILTERS and v}
	if not filters:
		frappe.throw(_("Say which item or document the units belong to."))
	# The user must be able to read the document the view sits on, and Serial Records.
	for field, value in filters.items():
		doctype = frappe.get_meta("Serial Record").get_field(field).options
		frappe.has_permission(doctype, "read", value, throw=True)
	frappe.has_permission("Serial Record", "read", throw=True)

	limit = min(max(cint(limit) or 200, 1), 1000)
	limits = permissions.restrictions()
	rows = newest_units(filters, limit, before, limits)
	# the kept counts are per item / order, whoever asks: a restricted user's are counted within their reach
	counts = status_counts(filters, limits) if limits else kept_counts(filters)
	for row in rows:
		row.display_status = display_status(row.status, row.sales_order)
	return {
		"rows": rows,
		"counts": counts,
		"total": sum(c.units for c in counts),
		"colours": STATUS_COLOURS,
		"enabled": get_settings().enabled,
	}


def newest_units(filters: dict, limit: int, before: list | None = None, limits=None) -> list[dict]:
	"""The newest ``limit`` units matching the equality ``filters``, older than ``before`` (a keyset cursor)."""
	from assetblaze_trace.traceability.doctype.serial_record.serial_record import NEWEST_BY, index_if_present

	record = frappe.qb.DocType("Serial Record")
	query = frappe.qb.from_(record).select(*(record[f] for f in VIEW_FIELDS))
	if len(filters) == 1 and (index := index_if_present(NEWEST_BY.get(next(iter(filters))))):
		query = query.force_index(index)  # newest first along the filter's own index
	for field, value in filters.items():
		query = query.where(record[field] == value)
	query = _within(query, record, limits)
	if before:
		if not (isinstance(before, list | tuple) and len(before) == 2 and before[1]):
			frappe.throw(_("Give the last row shown as [manufactured_on, name] to see older units."))
		made, name = before
		query = query.where(
			(record.manufactured_on < made) | ((record.manufactured_on == made) & (record.name < name))
		)
	query = query.orderby(record.manufactured_on, order=frappe.qb.desc).orderby(
		record.name, order=frappe.qb.desc
	)
	return query.limit(limit).run(as_dict=True)


def kept_counts(filters: dict) -> list[dict]:
	"""Counts per status for the view: kept by the lifecycle service for an item, a Work Order or a Sales Order
	(services/counts.py: one index read, however many units), counted live for anything else (a Stock Entry,
	Delivery Note or Sales Invoice: as many rows as the document has units)."""
	from assetblaze_trace.services import counts

	if len(filters) == 1:
		((field, value),) = filters.items()
		if field in counts.DIMENSIONS:
			return [frappe._dict(row) for row in counts.of(field, value)]
	return status_counts(filters)


def _within(query, record, limits):
	"""The query builder's form of the user's restrictions (permissions.Restrictions)."""
	criterion = limits.criterion(record) if limits else None
	return query if criterion is None else query.where(criterion)


def status_counts(filters: dict, limits=None) -> list[dict]:
	"""Units and quantity per status (and how many carry a Sales Order stamp) for equality ``filters``.

	Written with the query builder: Frappe 16 refuses SQL functions as strings in ``get_all`` fields."""
	from frappe.query_builder.functions import Count, Sum

	record = frappe.qb.DocType("Serial Record")
	query = (
		frappe.qb.from_(record)
		.select(
			record.status,
			Count(record.name).as_("units"),
			Sum(record.qty).as_("qty"),
			Sum(frappe.qb.terms.Case().when(record.sales_order.isnotnull(), 1).else_(0)).as_("stamped"),
		)
		.groupby(record.status)
	)
	for field, value in filters.items():
		query = query.where(record[field] == value)
	return _within(query, record, limits).run(as_dict=True)


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
	permissions.require_warehouse(warehouse)
	typed = parse_serial_list(listed)
	need = max(int(float(qty or 0)) - len(typed), 0)
	conditions = {"item_code": item_code, "warehouse": warehouse, "status": "Available", "on_hold": 0}
	pool = []
	# the shipment's own pick (movements/shipments._fifo) in the picking order: the order's reservations, then
	# free units; inside each FIFO or FEFO, never an expired unit
	for reserved_for, phase in product(([sales_order] if sales_order else []) + [None], order.phases()):
		if len(pool) >= need:
			break
		filters = [[k, "=", v] for k, v in conditions.items()]
		filters += [
			["sales_order", "=", reserved_for] if reserved_for else ["sales_order", "is", "not set"],
			["name", "not in", typed + [p.name for p in pool] or [""]],
			*(list(f) for f in phase.filters),
		]
		pool += frappe.get_list(
			"Serial Record",
			filters=filters,
			or_filters=[list(f) for f in phase.or_filters] or None,
			fields=["name", "sales_order", "manufactured_on"],
			order_by=", ".join(f"{c.strip()} asc" for c in phase.order_by.split(",")),
			limit=need - len(pool),
		)
	held = (
		frappe.get_list("Serial Record", filters={"shipment_row": row, "status": "Allocated"}, pluck="name")
		if row
		else []
	)
	return {
		"suggested": [p.name for p in pool],
		"held": held,
		"available": available_units(item_code, warehouse)
		if not permissions.restrictions()
		else len(
			frappe.get_list(
				"Serial Record",
				filters={"item_code": item_code, "warehouse": warehouse, "status": "Available", "on_hold": 0},
				pluck="name",
				limit_page_length=0,
			)
		),
	}


def available_units(item_code: str, warehouse: str) -> int:
	"""Available units of an item in a warehouse, not on hold: counted in the stock index alone (status, item,
	warehouse) less the few held ones (the hold index) — no read of the records themselves."""
	total = frappe.db.sql(
		"SELECT COUNT(*) FROM `tabSerial Record` FORCE INDEX (stock_idx) WHERE status = 'Available' "
		"AND item_code = %s AND warehouse = %s",
		(item_code, warehouse),
	)[0][0]
	held = frappe.db.sql(
		"SELECT COUNT(*) FROM `tabSerial Record` FORCE INDEX (hold_idx) WHERE on_hold = 1 AND status = 'Available' "
		"AND item_code = %s AND warehouse = %s",
		(item_code, warehouse),
	)[0][0]
	return int(total) - int(held)


@frappe.whitelist()
def units_of_stock_entry(stock_entry: str, count_only: int = 0) -> list[str] | int:
	"""Units a Manufacture entry made (their number only with ``count_only``, for the print-labels prompt)."""
	frappe.get_doc("Stock Entry", stock_entry).check_permission("read")
	permissions.require_read()
	if cint(count_only):
		if not permissions.restrictions():
			return frappe.db.count("Serial Record", {"stock_entry": stock_entry})
		return len(
			frappe.get_list("Serial Record", filters={"stock_entry": stock_entry}, pluck="name", limit=0)
		)
	return frappe.get_list(
		"Serial Record",
		filters={"stock_entry": stock_entry},
		pluck="name",
		order_by="serial_sequence asc, name asc",
		limit_page_length=0,
	)


@frappe.whitelist(methods=["POST"])
def print_labels(
	work_order: str | None = None,
	stock_entry: str | None = None,
	names: str | list | None = None,
	filters: str | list | dict | None = None,
	template: str | None = None,
) -> dict:
	"""Labels of a Work Order, a Stock Entry, listed Serial Records or list filters, as one PDF: the PDF itself
	(base64) when small, else the id of a background job (``label_job_status``). Each unit prints with its
	item's Trace Label Template (Item → Item Group → settings) unless ``template`` names one. POST only: a list
	of names never travels in a URL."""
	from assetblaze_trace.floor import labels

	return labels.start(labels.selection_from(work_order, stock_entry, names, filters, template))


@frappe.whitelist(methods=["POST"])
def label_zpl(names: str | list, template: str | None = None) -> str:
	"""The ZPL of the listed Serial Records' labels (one ``^XA…^XZ`` each, in the order they were made), for a
	thermal printer: the same design the PDF prints (``template``, else each unit's resolved template)."""
	from assetblaze_trace.floor import labels

	selection = labels.selection_from(names=names, template=template)
	rows = labels.units(selection)
	if not rows:
		frappe.throw(_("No serial records match, so there are no labels to print."), title=_("No labels"))
	return labels.zpl(rows, template=selection.get("template"))


@frappe.whitelist(methods=["POST"])
def label_preview(template: str | dict, unit: str | None = None) -> dict:
	"""One label of a template (saved, or as the designer holds it, unsaved) as a PNG (base64), for ``unit`` or
	else the newest unit the user may read (field names in capitals when there is none), with its ZPL."""
	from assetblaze_trace.floor import designer

	return designer.preview(template, unit)


@frappe.whitelist()
def label_bindings() -> list[dict]:
	"""The fields a label element can show, for the designer."""
	from assetblaze_trace.floor import labels

	frappe.has_permission("Trace Label Template", "read", throw=True)
	return labels.bindings()


@frappe.whitelist()
def label_job_status(job: str) -> dict:
	"""Progress of a label printing job: status (Queued, Running, Done, Failed), done, total, file_url, error."""
	from assetblaze_trace.floor import labels

	return labels.status(job)


@frappe.whitelist()
def work_order_lot(work_order: str) -> str | None:
	"""The lot a Work Order's earlier completions used (its next completion must use it too)."""
	from assetblaze_trace.services.generation import existing_lot

	doc = frappe.get_doc("Work Order", work_order)
	doc.check_permission("read")
	return existing_lot(doc.name, doc.production_item)


@frappe.whitelist(methods=["POST"])
def register_existing_stock(
	item_code: str, warehouse: str, qty: float, serials: str | None = None, lot: str | None = None
) -> dict:
	"""Give untraced stock of a traced item units (Stock Manager only)."""
	require_role("Stock Manager", "System Manager")
	frappe.has_permission("Item", "read", item_code, throw=True)
	permissions.require_warehouse(warehouse)
	from assetblaze_trace.services.existing_stock import register

	names = register(item_code, warehouse, qty, serials, lot)
	return {"units": names[:200], "count": len(names)}


@frappe.whitelist(methods=["POST"])
def restock(units: str | list) -> int:
	"""Returned units inspected and put back for sale: Returned → Available, an event each."""
	require_role("Stock Manager", "Stock User", "System Manager")
	frappe.has_permission("Serial Record", "read", throw=True)
	from assetblaze_trace.rules import lifecycle as rules
	from assetblaze_trace.services.lifecycle import Reference, move

	names = permissions.check(_unit_list(units), _("restocked"))
	move(names, rules.RESTOCK, Reference("User", frappe.session.user, _("restocked after inspection")))
	return len(names)


@frappe.whitelist(methods=["POST"])
def release_cancelled_shipment(doctype: str, name: str) -> int:
	"""Units a cancelled Delivery Note / Sales Invoice still holds become Available."""
	if doctype not in ("Delivery Note", "Sales Invoice"):
		frappe.throw(_("Only Delivery Notes and Sales Invoices hold shipped units."))
	doc = frappe.get_doc(doctype, name)
	doc.check_permission("cancel")
	from assetblaze_trace.movements.shipments import kind_of, release_cancelled

	held = frappe.get_all(
		"Serial Record", filters={kind_of(doc).link_field: doc.name, "status": "Allocated"}, pluck="name"
	)
	permissions.check(held, _("released"))

	return release_cancelled(doc)


@frappe.whitelist()
def untraced_stock(item_code: str, warehouse: str) -> float:
	frappe.has_permission("Item", "read", item_code, throw=True)
	permissions.require_read()
	permissions.require_warehouse(warehouse)
	from assetblaze_trace.movements.rows import untraced_qty

	return untraced_qty(item_code, warehouse)


@frappe.whitelist()
def item_stock_check(item_code: str) -> list[dict]:
	"""For the Item form: per warehouse, ERPNext's stock, the units in stock and the untraced quantity."""
	frappe.has_permission("Item", "read", item_code, throw=True)
	frappe.has_permission("Serial Record", "read", throw=True)
	from assetblaze_trace.traceability.report.traced_stock_check.traced_stock_check import rows

	return rows(frappe._dict(item_code=item_code))  # (within the user's warehouses: the report's rows)


# --------------------------------------------------------------------------------- genealogy and recall


@frappe.whitelist()
def genealogy(identifier: str, direction: str = "backward", item_code: str | None = None) -> list[dict]:
	"""The trace of a serial, lot, ERPNext Batch or Serial No: backward (what went into it, every level
	down) or forward (every unit it went into, every level up). See PRODUCT.md §7 for the nodes."""
	from assetblaze_trace.services import genealogy as trace

	frappe.has_permission("Serial Record", "read", throw=True)
	if item_code:
		frappe.has_permission("Item", "read", item_code, throw=True)
	return trace.trace(identifier, direction, item_code or None)


@frappe.whitelist()
def recall_customers(identifier: str, item_code: str | None = None) -> list[dict]:
	"""The customers a forward trace reaches, with their primary contact and the documents they got."""
	from assetblaze_trace.services import genealogy as trace

	frappe.has_permission("Serial Record", "read", throw=True)
	frappe.has_permission("Customer", "read", throw=True)
	return trace.customers(trace.trace(identifier, "forward", item_code or None))


@frappe.whitelist(methods=["POST"])
def hold_recall(
	identifier: str, reason: str, direction: str = "forward", item_code: str | None = None
) -> int:
	"""Put every in-stock unit the trace finds on hold (one statement). Stock Manager only."""
	from assetblaze_trace.services import genealogy as trace
	from assetblaze_trace.services import holds

	require_role("Stock Manager", "System Manager")
	frappe.has_permission("Serial Record", "write", throw=True)
	nodes = trace.trace(identifier, direction, item_code or None, ordered=False)
	# only what can be held travels on (holds.hold checks each again, under lock)
	units = [
		n["identifier"]
		for n in nodes
		if n["kind"] == "Serial Record" and n.get("status") in IN_STOCK and not n.get("on_hold")
	]
	detail = _("Recall of {0}: {1}").format(identifier, (reason or "").strip())
	return holds.hold(units, reason, detail)


@frappe.whitelist(methods=["POST"])
def release_recall(identifier: str, direction: str = "forward", item_code: str | None = None) -> int:
	"""Release the held units the trace finds. Stock Manager only."""
	from assetblaze_trace.services import genealogy as trace
	from assetblaze_trace.services import holds

	require_role("Stock Manager", "System Manager")
	frappe.has_permission("Serial Record", "write", throw=True)
	nodes = trace.trace(identifier, direction, item_code or None, ordered=False)
	units = [n["identifier"] for n in nodes if n["kind"] == "Serial Record" and n.get("on_hold")]
	return holds.release(units, _("Recall of {0} released").format(identifier))


@frappe.whitelist(methods=["POST"])
def hold_units(units: str | list, reason: str) -> int:
	"""Put the given in-stock units on hold. Stock Manager only."""
	from assetblaze_trace.services import holds

	require_role("Stock Manager", "System Manager")
	frappe.has_permission("Serial Record", "write", throw=True)
	names = permissions.check(_unit_list(units), _("put on hold"))
	return holds.hold(names, reason)


@frappe.whitelist(methods=["POST"])
def release_units(units: str | list) -> int:
	"""Release the given held units. Stock Manager only."""
	from assetblaze_trace.services import holds

	require_role("Stock Manager", "System Manager")
	frappe.has_permission("Serial Record", "write", throw=True)
	names = permissions.check(_unit_list(units), _("released"))
	return holds.release(names)


# ------------------------------------------------------------------------------------------ scanning


@frappe.whitelist()
def scan_barcode(search_value: str, ctx: dict | str | None = None) -> dict:
	"""ERPNext's *Scan Barcode* (``erpnext.stock.utils.scan_barcode``, overridden in hooks.py): our serials and
	lot numbers answer with their item and where the unit is; everything else (item barcodes, ERPNext's own
	serial and batch numbers) is ERPNext's answer, unchanged.

	The unit's warehouse travels as ``trace_warehouse``, not ``warehouse``: ERPNext 16's scanner reads a
	``warehouse`` key as a scanned *location*."""
	from erpnext.stock import utils as erpnext_stock_utils

	unit = scanned_unit(search_value)
	if unit:
		return unit
	from assetblaze_trace.floor.gs1 import new_identity

	identity = new_identity(search_value)  # a supplier's GS1 label: the lot or serial it brings, to receive
	if identity:
		return identity
	if ctx is not None and "ctx" in inspect.signature(erpnext_stock_utils.scan_barcode).parameters:
		return erpnext_stock_utils.scan_barcode(search_value, ctx)  # ERPNext 16
	return erpnext_stock_utils.scan_barcode(search_value)


def scanned_unit(search_value: str) -> dict | None:
	from assetblaze_trace.expiry.dates import expired_on
	from assetblaze_trace.services.settings import is_enabled

	value = (search_value or "").strip()
	if not value or not is_enabled() or not frappe.has_permission("Serial Record", "read"):
		return None
	rows = _scanned_rows(value, value)
	if not rows:  # a GS1 label: its (21) serial or (10) lot, of the item its (01) GTIN names
		from assetblaze_trace.floor.gs1 import named_unit

		if named := named_unit(value):
			scan, items = named
			rows = _scanned_rows(scan.serial, scan.lot, items)
	if not rows:
		return None
	unit = rows[0]
	lot = unit.trace_type == "Batch"
	if lot:  # a lot label: the portions in stock, the first one's place
		in_stock = [r for r in rows if r.status in IN_STOCK and r.item_code == unit.item_code]
		unit = (in_stock or rows)[0]
	return {
		"item_code": unit.item_code,
		"uom": frappe.get_cached_value("Item", unit.item_code, "stock_uom"),
		"trace_serial": None if lot else unit.name,
		"trace_lot": unit.serial_no if lot else None,
		"trace_warehouse": unit.warehouse,
		"default_warehouse": unit.warehouse,  # ERPNext 16 picks the row of this warehouse
		"trace_status": unit.status,
		"trace_display_status": display_status(unit.status, unit.sales_order),
		"on_hold": cint(unit.on_hold),
		"hold_reason": unit.hold_reason,
		"trace_pick_list": unit.pick_list if unit.status == "Allocated" else None,  # the Pick List holding it
		"trace_expiry_date": str(unit.expiry_date) if unit.expiry_date else None,
		"trace_expired": 1 if expired_on(unit.expiry_date) else 0,  # a shipment's scan refuses it
		"has_serial_no": 0,
		"has_batch_no": 0,
	}


def _scanned_rows(serial: str | None, lot: str | None, items: list[str] | None = None) -> list:
	"""The unit named ``serial`` and the portions of lot ``lot`` (of ``items``, when given): only units within
	the user's reach answer; one outside is, to this user, a code nobody knows."""
	within, limits = permissions.restrictions().sql()
	if items:
		within += f" AND item_code IN ({', '.join(['%s'] * len(items))})"
		limits = [*limits, *items]
	columns = (
		"name, serial_no, trace_type, item_code, status, sales_order, warehouse, on_hold, hold_reason, pick_list, "
		"expiry_date"
	)
	parts, values = [], []
	if serial:
		parts.append(f"SELECT {columns} FROM `tabSerial Record` WHERE name = %s{within}")
		values += [serial, *limits]
	if lot:
		parts.append(
			f"SELECT {columns} FROM `tabSerial Record` WHERE serial_no = %s AND trace_type = 'Batch'{within}"
		)
		values += [lot, *limits]
	if not parts:
		return []
	return frappe.db.sql(" UNION ".join(parts) + " LIMIT 50", values, as_dict=True)


@frappe.whitelist()
def inspection_defaults(unit: str, work_order: str | None = None) -> dict:
	"""What a new Quality Inspection of a scanned or chosen unit (or lot) starts with: the unit, its item, the
	document that made or received it, the inspection type. With ``work_order``, the unit must be of that run."""
	from assetblaze_trace.quality import inspection

	return inspection.defaults(unit, work_order)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def search_serial_records(doctype, txt, searchfield, start, page_len, filters, **kwargs):
	"""Frappe's link search for Serial Record (every Link field, the awesome bar's doctype search, the list's
	ID filter), hooked as a standard query: Frappe's own would test ``LIKE '%txt%'`` on every record. Serials
	holding ``txt`` come from the suffix index; the exact serial first, then the newest. Rows: name, item,
	status."""
	from assetblaze_trace.services import fragments
	from assetblaze_trace.traceability.report.traceability.traceability import SEARCH_CAP

	frappe.has_permission("Serial Record", "read", throw=True)
	txt = (txt or "").strip()
	conditions = (
		[
			["Serial Record", k, "=", v] if not isinstance(v, list | tuple) else ["Serial Record", k, *v]
			for k, v in filters.items()
		]
		if isinstance(filters, dict)
		else list(filters or [])
	)
	from assetblaze_trace.traceability.report.traceability.traceability import scanned_gs1

	gs1_names = scanned_gs1(txt) if txt else None
	if gs1_names is not None:  # a GS1 label scanned into the field: its unit or lot, exactly
		txt = gs1_names[0] if len(gs1_names) == 1 else txt
		names = gs1_names
	else:
		names = fragments.matching(txt, SEARCH_CAP) if txt else None
	if txt and names is None:  # too short for the index: serials that begin with it (a range of the name)
		conditions.append(
			["Serial Record", "name", "like", txt.replace("%", "\\%").replace("_", "\\_") + "%"]
		)
	elif txt:
		if not names:
			return []
		conditions.append(["Serial Record", "name", "in", names])
	rows = frappe.get_list(
		"Serial Record",
		filters=conditions or None,
		fields=["name", "item_code", "status", "manufactured_on"],
		order_by="manufactured_on desc, name desc",
		limit_start=cint(start),
		limit_page_length=cint(page_len) or 20,
	)
	rows.sort(key=lambda r: r.name != txt)  # an exact hit first (stable: the rest stay newest first)
	return [(r.name, r.item_code, _(r.status)) for r in rows]


SERIAL_RECORD = "Serial Record"


@frappe.whitelist()
def global_search(text: str, start: int = 0, limit: int = 20, doctype: str = "") -> list:
	"""The awesome bar's *Search for* and the search dialog (Frappe's ``frappe.utils.global_search.search``,
	overridden in hooks). Serial Records are not in ``__global_search``: Frappe's MATCH there ranks every row
	holding a word of the text, and a serial's prefix (``ACME`` of ``ACME-26-000123``) is in every serial, so
	with millions of units the search never came back (measured: > 60 s at 9.9 M rows). They come from the
	suffix index instead (the link search's path); every other DocType from Frappe's own search, as before."""
	from frappe.utils.global_search import search

	start, limit = cint(start), cint(limit) or 20
	results = []
	wanted = doctype in ("", None, SERIAL_RECORD)
	# the dialog's "more" for all DocTypes asks from start > 0: the serials were on its first page
	if (
		wanted
		and (text or "").strip()
		and (start == 0 or doctype == SERIAL_RECORD)
		and get_settings().enabled
	):
		if frappe.has_permission(SERIAL_RECORD, "read"):
			for name, item_code, status in search_serial_records(
				SERIAL_RECORD, text, "name", start, limit, {}
			):
				results.append(
					frappe._dict(
						doctype=SERIAL_RECORD,
						name=name,
						content=f"{_('Serial / Lot No')} : {name} ||| {_('Item')} : {item_code} ||| "
						f"{_('Status')} : {status}",
						rank=1.0,
					)
				)
	if doctype != SERIAL_RECORD:
		results += search(text, start=start, limit=limit, doctype=doctype)
	return results
