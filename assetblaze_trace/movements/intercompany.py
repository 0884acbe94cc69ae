"""Between the companies of a group, identity follows the goods. ERPNext's inter-company transfer is a Delivery
Note to an internal customer that represents the other company (the units ship, as in any sale), then that
company's internal Purchase Receipt made from it (``inter_company_reference``, rows with ``delivery_note_item``).
The receipt receives the *same* units the Delivery Note shipped: they become Available in the receiving company's
warehouse, with the event *Received From Another Company*. Cancelling the receipt ships them again.

(Within one company, ERPNext's internal transfer moves stock to the Delivery Note's target warehouse and on with
an internal Purchase Receipt's From Warehouse: shipments.py and stock.py follow that.)
"""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cint, now

from assetblaze_trace.exceptions import TraceabilityError
from assetblaze_trace.movements.rows import EPSILON, row_qty, traced_rows
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.picking import parse_serial_list
from assetblaze_trace.services.lifecycle import Reference, lock_units, move, name_units

# what a shipment left on a unit that no longer applies once another company holds it in stock
LEFT_BY_SHIPMENT = {
	"customer": None,
	"delivery_note": None,
	"sales_invoice": None,
	"shipment_row": None,
	"pick_list": None,
	"allocated_on": None,
	"shipped_on": None,
	"sales_order": None,
}


class InterCompanyError(TraceabilityError):
	pass


def delivery_note_of(doc) -> str | None:
	"""The other company's Delivery Note this internal Purchase Receipt receives, if it is one."""
	if doc.doctype != "Purchase Receipt" or not cint(doc.get("is_internal_supplier")):
		return None
	if not doc.get("represents_company") or doc.represents_company == doc.company:
		return None  # within one company: an internal transfer (movements.py)
	return doc.get("inter_company_reference") or None


def is_sister_row(doc, row) -> bool:
	return bool(delivery_note_of(doc) and row.get("delivery_note_item"))


def receive(doc) -> None:
	"""Per row: the units shipped on the Delivery Note row it comes from (the listed ones when the row lists
	them, else the oldest), as many as the row receives, become Available here."""
	delivery_note = delivery_note_of(doc)
	if not delivery_note:
		return
	reference = Reference(doc.doctype, doc.name, _("from {0}").format(delivery_note))
	for row, config in traced_rows(doc):
		if not row.get("delivery_note_item"):
			continue
		qty = row_qty(row, config)
		shipped = frappe.db.sql(
			"""SELECT name, qty, status FROM `tabSerial Record` WHERE shipment_row = %s AND delivery_note = %s
			AND item_code = %s AND status = 'Shipped' ORDER BY manufactured_on, name FOR UPDATE""",
			(row.delivery_note_item, delivery_note, row.item_code),
			as_dict=True,
		)
		listed = parse_serial_list(row.get("trace_serials"))
		if listed:
			unknown = sorted(set(listed) - {u.name for u in shipped} - {u.get("serial_no") for u in shipped})
			if unknown:
				frappe.throw(
					_("Row {0}: {1} did not come with {2}: list only units it shipped.").format(
						row.idx, name_units(unknown), delivery_note
					),
					InterCompanyError,
					title=_("Not On The Delivery Note"),
				)
			shipped = [u for u in shipped if u.name in set(listed)]
		taken, total = [], 0.0
		for unit in shipped:
			if total + unit.qty > qty + EPSILON:
				break
			taken.append(unit)
			total += unit.qty
		move(
			[u.name for u in taken],
			rules.RECEIVED_FROM_COMPANY,
			reference,
			set_values={
				**LEFT_BY_SHIPMENT,
				"warehouse": row.warehouse,
				"company": doc.company,
				"supplier": doc.supplier,
				"receipt_voucher_type": doc.doctype,
				"receipt_voucher_no": doc.name,
			},
			current={u.name: u for u in taken},
		)
		if config.is_serial:
			row.db_set("trace_serials", "\n".join(u.name for u in taken), update_modified=False)


def cancel(doc) -> None:
	"""Cancelling the receipt: its units are Shipped again on the other company's Delivery Note, where they left
	from. Refused, naming them, once one has moved on."""
	delivery_note = delivery_note_of(doc)
	if not delivery_note:
		return
	units = frappe.db.sql(
		"SELECT parent FROM `tabSerial Record Event` WHERE reference_name = %s AND reference_doctype = %s "
		"AND event = %s",
		(doc.name, doc.doctype, rules.RECEIVED_FROM_COMPANY),
		pluck=True,
	)
	if not units:
		return
	current = lock_units(units, ("status", "warehouse", "item_code"))
	moved_on = [u for u in units if current[u]["status"] != rules.AVAILABLE]
	if moved_on:
		frappe.throw(
			_("{0} cannot be cancelled: units it received have moved on since: {1}.").format(
				doc.name, name_units(moved_on)
			),
			InterCompanyError,
			title=_("Units Have Moved On"),
		)
	dn = frappe.get_doc("Delivery Note", delivery_note)
	dn_rows = {r.name: r for r in dn.items}
	# a unit does not remember its receipt row: each row takes back its quantity from the units of its item in
	# its warehouse (rows of one item into one warehouse are interchangeable)
	pool: dict[tuple[str, str], list[str]] = defaultdict(list)
	for unit in sorted(units):
		pool[(current[unit]["item_code"], current[unit]["warehouse"])].append(unit)
	for row, config in traced_rows(doc):
		dn_row = dn_rows.get(row.get("delivery_note_item"))
		if not dn_row:
			continue
		free = pool[(row.item_code, row.warehouse)]
		count = int(row_qty(row, config)) if config.is_serial else len(free)
		names, pool[(row.item_code, row.warehouse)] = free[:count], free[count:]
		move(
			names,
			rules.RECEIVED_FROM_COMPANY_CANCELLED,
			Reference(doc.doctype, doc.name, _("cancelled: back to {0}").format(delivery_note)),
			set_values={
				"warehouse": dn_row.warehouse,
				"company": dn.company,
				"customer": dn.customer,
				"delivery_note": dn.name,
				"shipment_row": dn_row.name,
				"shipped_on": now(),
				"sales_order": dn_row.get("against_sales_order"),
				"supplier": None,
				"receipt_voucher_type": None,
				"receipt_voucher_no": None,
			},
			current=current,
		)
