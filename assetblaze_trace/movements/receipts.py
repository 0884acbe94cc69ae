"""Receiving with the supplier's identity: a Purchase Receipt, a Purchase Invoice with *Update Stock* or a Material
Receipt row lists the supplier's serials (Serial items) or lot number (Batch items) in ``trace_serials``; on submit
they become units (first event *Received*) that record the supplier and the receipt. The app still generates
numbers only at manufacture completion: a receipt records identities that already exist.

A receiving row left blank brings untraced quantity, as before. Cancelling the receipt takes its units back
(refused, naming them, once one has moved on).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from assetblaze_trace.exceptions import TraceabilityError
from assetblaze_trace.expiry.dates import new_unit_dates
from assetblaze_trace.movements.rows import row_qty, traced_rows
from assetblaze_trace.quality import quarantine
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.picking import duplicates, parse_serial_list
from assetblaze_trace.services.generation import existing_names, lot_portion_name
from assetblaze_trace.services.lifecycle import (
	NewUnit,
	Reference,
	create_units,
	lock_units,
	name_units,
	take_back,
)


class ReceivingError(TraceabilityError):
	pass


def is_receipt(doc) -> bool:
	if doc.doctype == "Stock Entry":
		return doc.get("purpose") == "Material Receipt"
	if doc.doctype == "Purchase Invoice" and not cint(doc.get("update_stock")):
		return False
	return doc.doctype in ("Purchase Receipt", "Purchase Invoice") and not cint(doc.get("is_return"))


def _rows(doc):
	"""(row, config, warehouse, qty, listed) of every traced receiving row that lists identities."""
	from assetblaze_trace.movements.intercompany import is_sister_row

	out = []
	for row, config in traced_rows(doc):
		if row.get("from_warehouse") or is_sister_row(doc, row):
			continue  # moves units that exist (movements.py, intercompany.py): nothing new is received
		listed = parse_serial_list(row.get("trace_serials"))
		if not listed:
			continue
		warehouse = row.get("t_warehouse") if doc.doctype == "Stock Entry" else row.get("warehouse")
		if not warehouse:
			continue
		out.append((row, config, warehouse, row_qty(row, config), listed))
	return out


def validate(doc) -> None:
	"""Listed identities are checked on save, so a receipt is refused before it is submitted: one serial per
	unit received, none twice, none that exists already; one lot per row."""
	if not is_receipt(doc):
		return
	seen: dict[str, int] = {}
	for row, config, _warehouse, qty, listed in _rows(doc):
		dup = duplicates(listed)
		if dup:
			frappe.throw(
				_("Row {0}: listed more than once: {1}. List each serial once.").format(
					row.idx, name_units(dup)
				),
				ReceivingError,
				title=_("Listed Twice"),
			)
		if config.is_batch:
			if len(listed) > 1:
				frappe.throw(
					_(
						"Row {0}: item {1} is traced by lot, and a row receives one lot ({2} are listed: {3}). Put each "
						"lot on a row of its own."
					).format(row.idx, frappe.bold(row.item_code), len(listed), ", ".join(listed)),
					ReceivingError,
					title=_("One Lot Per Row"),
				)
			continue
		if len(listed) != qty:
			frappe.throw(
				_(
					"Row {0}: {1} units of {2} are received but {3} serials are listed. List one serial per unit, or "
					"none (the stock is then untraced)."
				).format(row.idx, qty, frappe.bold(row.item_code), len(listed)),
				ReceivingError,
				title=_("One Serial Per Unit"),
			)
		for serial in listed:
			if serial in seen:
				frappe.throw(
					_("{0} is listed on row {1} and on row {2}. A serial names one unit.").format(
						frappe.bold(serial), seen[serial], row.idx
					),
					ReceivingError,
					title=_("Listed Twice"),
				)
			seen[serial] = row.idx
	taken = sorted(existing_names(list(seen)))
	if taken:
		frappe.throw(
			_(
				"These serials exist already, so they cannot be received as new units: {0}. A unit that comes back "
				"from a customer is a return; correct the serials the supplier sent."
			).format(name_units(taken)),
			ReceivingError,
			title=_("Serials Taken"),
		)


def receive(doc) -> list[str]:
	"""On submit: every listed identity becomes a unit in the row's warehouse, Received from the supplier."""
	if not is_receipt(doc):
		return []
	validate(doc)
	made_on = now_datetime()
	reference = Reference(doc.doctype, doc.name, doc.get("supplier"))
	created: list[str] = []
	groups: dict[str, list[NewUnit]] = {}
	for row, config, warehouse, qty, listed in _rows(doc):
		base = {
			"item_code": row.item_code,
			"item_name": row.get("item_name") or frappe.db.get_value("Item", row.item_code, "item_name"),
			"trace_type": config.trace_type,
			"warehouse": warehouse,
			"company": doc.company,
			"manufactured_on": made_on,
			"supplier": doc.get("supplier"),
			"receipt_voucher_type": doc.doctype,
			"receipt_voucher_no": doc.name,
			**new_unit_dates(row.item_code, doc.get("posting_date") or made_on, row.get("trace_expiry_date")),
		}
		if config.is_batch:
			lot = listed[0]
			units = [NewUnit(lot_portion_name(lot), {**base, "serial_no": lot, "qty": qty})]
		else:
			units = [NewUnit(serial, {**base, "serial_no": serial, "qty": 1}) for serial in listed]
		groups.setdefault(row.item_code, []).extend(units)
	for units in groups.values():
		create_units(units, reference, made_event=rules.RECEIVED)
		created += [u.name for u in units]
	quarantine.new_units(created)  # held until inspected, when the settings say so
	return created


def units_received_by(doctype: str, name: str) -> list[str]:
	"""The units a receipt created (by their Received event: the events are indexed by reference)."""
	return frappe.db.sql(
		"SELECT parent FROM `tabSerial Record Event` WHERE reference_name = %s AND reference_doctype = %s "
		"AND event = %s",
		(name, doctype, rules.RECEIVED),
		pluck=True,
	)


def check_cancel(doc) -> None:
	"""Before cancelling a receipt: every unit it received must still be Available where it landed."""
	if not is_receipt(doc):
		return
	units = units_received_by(doc.doctype, doc.name)
	if not units:
		return
	current = lock_units(units, ("status",))
	moved_on = [u for u in units if (current.get(u) or {}).get("status") != rules.AVAILABLE]
	if moved_on:
		frappe.throw(
			_(
				"{0} cannot be cancelled: units it received have moved on since ({1}). Cancel what moved them "
				"first (their shipment, issue, transfer or consumption)."
			).format(
				doc.name,
				name_units([f"{u} ({_(current[u]['status'])})" if u in current else u for u in moved_on]),
			),
			ReceivingError,
			title=_("Units Have Moved On"),
		)


def cancel(doc) -> None:
	"""On cancel: the units the receipt brought are taken back (ERPNext takes the stock out again)."""
	if not is_receipt(doc):
		return
	check_cancel(doc)
	units = units_received_by(doc.doctype, doc.name)
	take_back(units, Reference(doc.doctype, doc.name, _("receipt cancelled")))
