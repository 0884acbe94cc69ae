"""ERPNext's Quality Inspection, naming a unit or a lot (``trace_serial``).

Submitting an *Accepted* inspection releases the unit from an inspection hold (*Awaiting Quality Inspection*, or an
earlier rejection); a *Rejected* one holds it, the reason naming the inspection (a hold for another reason — a
recall — stays as it is). The unit's ``inspection_status`` and ``quality_inspection`` follow the newest inspection;
its timeline gets an *Inspected* event with the result and the readings. Cancelling the inspection puts the unit
back as the inspection found it (kept on the inspection in hidden fields). An item that ERPNext says needs an
inspection before delivery ships only units whose newest inspection accepted them (``uninspected``).
"""

from __future__ import annotations

import frappe
from frappe import _

from assetblaze_trace import permissions
from assetblaze_trace.quality.quarantine import ACCEPTED, REJECTED
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.services import holds
from assetblaze_trace.services.db import as_json, json_names
from assetblaze_trace.services.lifecycle import Reference, log_events

REJECTED_PREFIX = "Rejected by Quality Inspection"


def is_inspection_hold(reason: str | None) -> bool:
	"""A hold an inspection may lift: awaiting one, or put by an earlier rejection."""
	reason = reason or ""
	return reason == rules.AWAITING_INSPECTION or reason.startswith(REJECTED_PREFIX)


def validate(doc, method=None) -> None:
	unit = doc.get("trace_serial")
	if not unit:
		return
	row = frappe.db.get_value("Serial Record", unit, ["name", "item_code", "trace_type"], as_dict=True)
	if not row:
		frappe.throw(
			_("Serial record {0} does not exist. Scan or choose the unit (or lot) inspected.").format(
				frappe.bold(unit)
			),
			title=_("Unit Inspected"),
		)
	permissions.check([unit], _("inspected"))
	if doc.item_code and doc.item_code != row.item_code:
		frappe.throw(
			_("{0} is a unit of {1}, not of {2}. Inspect it as {1}, or choose a unit of {2}.").format(
				frappe.bold(unit), frappe.bold(row.item_code), frappe.bold(doc.item_code)
			),
			title=_("Unit Inspected"),
		)
	doc.item_code = row.item_code


def on_submit(doc, method=None) -> None:
	unit = doc.get("trace_serial")
	if not unit:
		return
	found = frappe.db.get_value(
		"Serial Record",
		unit,
		["on_hold", "hold_reason", "inspection_status", "quality_inspection"],
		as_dict=True,
		for_update=True,
	)
	frappe.db.set_value(
		"Quality Inspection",
		doc.name,
		{
			"trace_found_on_hold": found.on_hold,
			"trace_found_hold_reason": found.hold_reason,
			"trace_found_inspection": found.quality_inspection,
			"trace_found_inspection_status": found.inspection_status,
		},
		update_modified=False,
	)
	detail = summary(doc)
	if doc.status == "Accepted":
		result = ACCEPTED
		if found.on_hold and is_inspection_hold(found.hold_reason):
			holds.release([unit], detail)
	else:
		result = REJECTED
		reason = _("{0} {1}").format(_(REJECTED_PREFIX), doc.name)
		if not found.on_hold:
			holds.hold([unit], reason, detail)
		elif is_inspection_hold(found.hold_reason):
			frappe.db.set_value("Serial Record", unit, "hold_reason", reason, update_modified=False)
	frappe.db.set_value(
		"Serial Record",
		unit,
		{"inspection_status": result, "quality_inspection": doc.name},
		update_modified=False,
	)
	status = frappe.db.get_value("Serial Record", unit, "status")
	log_events([unit], rules.INSPECTED, status, status, Reference(doc.doctype, doc.name, detail))


def on_cancel(doc, method=None) -> None:
	"""The unit as the inspection found it: its hold (and reason), its inspection status and inspection."""
	unit = doc.get("trace_serial")
	if not unit or not frappe.db.exists("Serial Record", unit):
		return
	now_held = frappe.db.get_value("Serial Record", unit, "on_hold", for_update=True)
	detail = _("Inspection {0} cancelled").format(doc.name)
	if doc.get("trace_found_on_hold") and not now_held:
		holds.hold([unit], doc.trace_found_hold_reason or rules.AWAITING_INSPECTION, detail)
	elif not doc.get("trace_found_on_hold") and now_held:
		holds.release([unit], detail)
	elif doc.get("trace_found_on_hold"):
		frappe.db.set_value(
			"Serial Record", unit, "hold_reason", doc.trace_found_hold_reason, update_modified=False
		)
	frappe.db.set_value(
		"Serial Record",
		unit,
		{
			"inspection_status": doc.get("trace_found_inspection_status"),
			"quality_inspection": doc.get("trace_found_inspection"),
		},
		update_modified=False,
	)
	status = frappe.db.get_value("Serial Record", unit, "status")
	log_events([unit], rules.INSPECTION_CANCELLED, status, status, Reference(doc.doctype, doc.name, detail))


def summary(doc) -> str:
	"""The result and the readings, as the unit's timeline shows them: ``Accepted · Length: 10.1 (Accepted)``."""
	parts = []
	for reading in doc.get("readings") or []:
		value = reading.get("reading_value") or reading.get("reading_1") or ""
		if reading.get("numeric") and not value:
			value = reading.get("reading_1") or ""
		parts.append(
			f"{reading.specification}: {value} ({_(reading.status)})"
			if value
			else f"{reading.specification} ({_(reading.status)})"
		)
	head = _(doc.status)
	if doc.get("remarks"):
		head += f" · {doc.remarks}"
	return " · ".join([head, "; ".join(parts)]) if parts else head


def uninspected(units: list[str]) -> list[str]:
	"""Of ``units``, those of items that need an inspection before delivery (ERPNext's Item flag) whose newest
	inspection did not accept them. One query."""
	if not units:
		return []
	return frappe.db.sql(
		f"""SELECT r.name FROM `tabSerial Record` r JOIN {json_names()} ON r.name = j.name
		JOIN `tabItem` i ON i.name = r.item_code
		WHERE i.inspection_required_before_delivery = 1 AND IFNULL(r.inspection_status, '') <> %(accepted)s
		ORDER BY r.name""",
		{"names": as_json(units), "accepted": ACCEPTED},
		pluck=True,
	)


def refuse_uninspected(units: list[str], doc) -> None:
	"""A shipment may not carry units of an inspected-before-delivery item that no inspection accepted."""
	missing = uninspected(units)
	if missing:
		from assetblaze_trace.services.lifecycle import name_units

		frappe.throw(
			_(
				"{0} needs an accepted Quality Inspection before delivery, and no inspection accepted these units: {1}. Inspect them (Quality Inspection with the unit in Unit or Lot), or ship others."
			).format(
				frappe.bold(frappe.db.get_value("Serial Record", missing[0], "item_code")),
				name_units(missing),
			),
			title=_("Inspection Needed"),
		)


def defaults(unit: str, work_order: str | None = None) -> dict:
	"""A new Quality Inspection of ``unit`` (a serial or lot scanned or chosen, within the user's reach): the
	item, the document that made or received it as the reference, the inspection type; with ``work_order``, the
	unit must be of that run."""
	from assetblaze_trace.api import scanned_unit

	found = scanned_unit(unit)
	if not found:
		frappe.throw(
			_("{0} is not a unit or lot you may read. Scan the unit's label again.").format(
				frappe.bold(unit)
			),
			frappe.DoesNotExistError,
			title=_("Unit Not Found"),
		)
	name = found.get("trace_serial")
	if not name:  # a lot's label: its portion in stock (one per completion until it is split)
		portions = frappe.get_list(
			"Serial Record",
			filters={"serial_no": found["trace_lot"], "item_code": found["item_code"], "trace_type": "Batch"},
			fields=["name", "status"],
			order_by="manufactured_on asc, name asc",
			limit_page_length=50,
		)
		in_stock = [p.name for p in portions if p.status in rules.IN_STOCK]
		name = (in_stock or [p.name for p in portions])[0]
	row = frappe.db.get_value(
		"Serial Record",
		name,
		[
			"name",
			"item_code",
			"trace_type",
			"qty",
			"work_order",
			"stock_entry",
			"receipt_voucher_type",
			"receipt_voucher_no",
			"inspection_status",
			"on_hold",
			"hold_reason",
		],
		as_dict=True,
	)
	if work_order and row.work_order != work_order:
		frappe.throw(
			_("{0} was not made by {1}: scan a unit of this Work Order.").format(
				frappe.bold(row.name), frappe.bold(work_order)
			),
			title=_("Another Run"),
		)
	if row.receipt_voucher_type and row.receipt_voucher_no:
		reference = (row.receipt_voucher_type, row.receipt_voucher_no, "Incoming")
	elif row.stock_entry:
		reference = ("Stock Entry", row.stock_entry, "In Process")
	else:
		reference = (None, None, "In Process")
	return {
		"trace_serial": row.name,
		"item_code": row.item_code,
		"reference_type": reference[0],
		"reference_name": reference[1],
		"inspection_type": reference[2],
		"sample_size": row.qty if row.trace_type == "Batch" else 1,
		"inspection_status": row.inspection_status,
		"on_hold": row.on_hold,
		"hold_reason": row.hold_reason,
	}
