"""Stock that was on the shelves before tracing started (or came in by purchase, receipt or a raised count)
is *untraced quantity*. The Stock Manager can give it units explicitly: the units are made as if completed
now, with the event "Registered From Existing Stock" saying how they came to be."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, flt, now_datetime

from assetblaze_trace.exceptions import TraceabilityError
from assetblaze_trace.movements.rows import EPSILON, untraced_qty
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.picking import duplicates, parse_serial_list
from assetblaze_trace.services.config import resolve_item
from assetblaze_trace.services.generation import existing_names, lot_portion_name, parsed_format, take_serials
from assetblaze_trace.services.lifecycle import NewUnit, Reference, create_units, name_units


def register(item_code: str, warehouse: str, qty: float, serials=None, lot: str | None = None) -> list[str]:
	config = resolve_item(item_code)
	if not config.is_traced:
		frappe.throw(
			_("Item {0} is not traced: set its Traceability Type first.").format(frappe.bold(item_code)),
			TraceabilityError,
		)
	if not warehouse or not frappe.db.exists("Warehouse", warehouse):
		frappe.throw(_("Choose the warehouse the stock is in."), TraceabilityError)
	qty = flt(qty)
	listed = parse_serial_list(serials) if isinstance(serials, str) or serials is None else list(serials)
	if config.is_serial:
		if listed and not qty:
			qty = len(listed)
		if qty <= 0 or abs(qty - round(qty)) > EPSILON:
			frappe.throw(
				_("Give a whole number of units of {0} to register (it is {1}).").format(
					frappe.bold(item_code), qty
				),
				TraceabilityError,
			)
		qty = round(qty)
	elif qty <= 0:
		frappe.throw(_("Give the quantity of the lot to register."), TraceabilityError)
	untraced = untraced_qty(item_code, warehouse)
	if qty > untraced + EPSILON:
		frappe.throw(
			_(
				"Only {0} of item {1} in {2} is untraced (ERPNext's stock there minus the units already in stock), "
				"so {3} cannot be registered. Receive the stock in ERPNext first."
			).format(untraced, frappe.bold(item_code), frappe.bold(warehouse), qty),
			TraceabilityError,
			title=_("Not That Much Untraced Stock"),
		)
	made_on = now_datetime()
	company = frappe.db.get_value("Warehouse", warehouse, "company")
	base = {
		"item_code": item_code,
		"item_name": frappe.db.get_value("Item", item_code, "item_name"),
		"trace_type": config.trace_type,
		"warehouse": warehouse,
		"company": company,
		"manufactured_on": made_on,
	}
	reference = Reference("Item", item_code, _("existing stock in {0}").format(warehouse))
	if config.is_batch:
		lot = (lot or "").strip()
		if not lot:
			frappe.throw(_("Give the lot number of the stock being registered."), TraceabilityError)
		units = [NewUnit(lot_portion_name(lot), {**base, "serial_no": lot, "qty": qty})]
	elif listed:
		if len(listed) != qty:
			frappe.throw(
				_("{0} serials are listed for {1} units. List one serial per unit.").format(len(listed), qty),
				TraceabilityError,
			)
		problems = duplicates(listed) or sorted(existing_names(listed))
		if problems:
			frappe.throw(
				_("These serials are listed twice or exist already: {0}").format(name_units(problems)),
				TraceabilityError,
				title=_("Serials Taken"),
			)
		units = [NewUnit(s, {**base, "serial_no": s, "qty": 1}) for s in listed]
	else:
		taken = take_serials(parsed_format(config), cint(qty), made_on)
		units = [
			NewUnit(s, {**base, "serial_no": s, "qty": 1, "serial_counter": key, "serial_sequence": seq})
			for s, key, seq in taken
		]
	create_units(units, reference, made_event=rules.REGISTERED)
	return [u.name for u in units]
