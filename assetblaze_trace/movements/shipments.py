"""Shipments (Delivery Note, Sales Invoice with Update Stock): allocate on save, release, ship,
returns, and what cancelling does. A Pick List (purpose Delivery) allocates its units the same way; the
Delivery Note made from it takes them over. Every status change goes through the lifecycle service."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import frappe
from frappe import _
from frappe.utils import cint, flt, now, nowdate

from assetblaze_trace.exceptions import AllocationError, NotEnoughUnitsError, ReturnError
from assetblaze_trace.expiry.dates import refuse_expired
from assetblaze_trace.movements import order
from assetblaze_trace.movements.rows import (
	EPSILON,
	assert_units_fit,
	row_qty,
	rows_of,
	target_of,
	traced_rows,
	untraced_qty,
	where_problem,
	why_not_taken,
)
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.picking import duplicates, parse_serial_list
from assetblaze_trace.services import counts
from assetblaze_trace.services.db import chunks, placeholders
from assetblaze_trace.services.lifecycle import Reference, lock_units, move, name_units, split, take_portions
from assetblaze_trace.services.settings import get_settings

CLEARED_SHIPMENT = {
	"delivery_note": None,
	"sales_invoice": None,
	"pick_list": None,
	"shipment_row": None,
	"allocated_on": None,
}


@dataclass(frozen=True)
class Kind:
	link_field: str  # the Serial Record field naming the shipment
	so_field: str  # the row field naming the Sales Order
	held_only: str = ""  # further condition on the units it holds


# a Pick List holds its units until a Delivery Note made from it takes them over
PICK_LIST = Kind("pick_list", "sales_order", "AND delivery_note IS NULL AND sales_invoice IS NULL")


def kind_of(doc) -> Kind | None:
	if doc.doctype == "Delivery Note":
		return Kind("delivery_note", "against_sales_order")
	if doc.doctype == "Sales Invoice" and cint(doc.get("update_stock")):
		return Kind("sales_invoice", "sales_order")
	if doc.doctype == "Pick List" and doc.get("purpose") == "Delivery":
		return PICK_LIST
	return None


def allocate(doc) -> None:
	"""On save of a draft shipment: each traced row gets exactly its stock quantity of units."""
	kind = kind_of(doc)
	if not kind or cint(doc.get("is_return")):
		return
	_name_packed_rows(doc)
	rows = traced_rows(doc)
	reference = Reference(doc.doctype, doc.name)
	doc._untraced_claims = {}
	if doc.get("amended_from"):
		_take_over_cancelled(doc, kind, rows, reference)
	if doc.doctype == "Delivery Note":
		_take_over_picked(doc, rows, reference)
	held = frappe.db.sql(
		f"SELECT name, qty, serial_no, shipment_row, sales_order, manufactured_on, item_code, warehouse "
		f"FROM `tabSerial Record` WHERE `{kind.link_field}` = %s AND status = 'Allocated' {kind.held_only} "
		"ORDER BY allocated_on, manufactured_on, name FOR UPDATE",
		doc.name,
		as_dict=True,
	)
	# A unit stays with its row only while it is the row's item in the row's warehouse: a row whose item or
	# warehouse was changed, or a removed row, lets its units go (and is picked again below).
	live_rows = {row.name: row for row, _c in rows}
	stays = {
		h.name
		for h in held
		if h.shipment_row in live_rows
		and live_rows[h.shipment_row].item_code == h.item_code
		and live_rows[h.shipment_row].warehouse == h.warehouse
	}
	let_go = [h for h in held if h.name not in stays]
	release([h.name for h in let_go], reference)
	# a row's old text still names the units it let go: they are not a hand-pick
	stale = {h.name for h in let_go}
	by_row: dict[str, list] = {}
	for h in held:
		if h.name in stays:
			by_row.setdefault(h.shipment_row, []).append(h)
	for row, config in rows:
		if config.is_serial:
			if stale:
				listed = parse_serial_list(row.get("trace_serials"))
				row.trace_serials = "\n".join(u for u in listed if u not in stale)
			_allocate_serial_row(doc, kind, row, config, by_row.get(row.name, []), reference)
		else:
			_allocate_batch_row(doc, kind, row, config, by_row.get(row.name, []), reference)


def _name_packed_rows(doc) -> None:
	"""ERPNext packs a bundle's components during validate, after Frappe named the document's rows: a packed
	row gets its name now (as Frappe would on insert), so its units can point at it."""
	from frappe.model.naming import set_new_name

	for row in doc.get("packed_items") or []:
		if not row.name:
			set_new_name(row)


def _take_over_cancelled(doc, kind: Kind, rows, reference: Reference) -> None:
	"""An amendment takes over the units its cancelled original holds (they went back to Allocated when it was
	cancelled): each to the first row of the same item and warehouse; the per-row allocation then keeps, trims
	or tops them up like any held units."""
	units = frappe.db.sql(
		f"SELECT name, item_code, warehouse FROM `tabSerial Record` WHERE `{kind.link_field}` = %s "
		"AND status = 'Allocated' ORDER BY manufactured_on, name FOR UPDATE",
		doc.amended_from,
		as_dict=True,
	)
	by_row: dict[str, list[str]] = {}
	for unit in units:
		row = next(
			(r for r, _c in rows if r.item_code == unit.item_code and r.warehouse == unit.warehouse), None
		)
		if row:
			by_row.setdefault(row.name, []).append(unit.name)
	for row_name, names in by_row.items():
		move(
			names,
			rules.SHIPMENT_AMENDED,
			Reference(doc.doctype, doc.name, _("amends {0}").format(doc.amended_from)),
			set_values={kind.link_field: doc.name, "shipment_row": row_name, "allocated_on": now()},
		)


def _take_over_picked(doc, rows, reference: Reference) -> None:
	"""A Delivery Note made from a Pick List ships exactly what was picked: each row takes over the units the
	pick list row it came from holds (one statement per row)."""
	for row, _config in rows:
		if not row.get("pick_list_item"):
			continue
		picked = frappe.db.sql(
			f"SELECT name, status, on_hold, hold_reason FROM `tabSerial Record` WHERE shipment_row = %s "
			f"AND status = 'Allocated' AND pick_list IS NOT NULL {PICK_LIST.held_only} FOR UPDATE",
			row.pick_list_item,
			as_dict=True,
		)
		if picked:
			move(
				[p.name for p in picked],
				rules.HANDED_OVER,
				Reference(
					doc.doctype, doc.name, _("from Pick List {0}").format(row.get("against_pick_list"))
				),
				set_values={"delivery_note": doc.name, "shipment_row": row.name, "allocated_on": now()},
				current={p.name: p for p in picked},
			)


def _copied_list(doc, row, typed: list[str], held) -> bool:
	"""A row duplicated in the form carries its original's list: every unit it names is held by one other row
	of this document. Such a row starts without units (it is picked FIFO). (A document copied whole starts
	blank anyway: ``trace_serials`` is a no-copy field. A unit another shipment holds, typed by hand, is
	refused as before.)"""
	if not typed or held:
		return False
	siblings = {r.name for r in rows_of(doc) if r.name != row.name}
	holders = frappe.db.sql(
		f"SELECT shipment_row, COUNT(*) FROM `tabSerial Record` WHERE name IN ({placeholders(typed)}) "
		"AND status = 'Allocated' GROUP BY shipment_row",
		typed,
	)
	return len(holders) == 1 and holders[0][0] in siblings and holders[0][1] == len(typed)


def _allocate_serial_row(doc, kind, row, config, held, reference) -> None:
	need = int(row_qty(row, config))
	current = [h.name for h in held]
	typed = parse_serial_list(row.get("trace_serials"))
	if _copied_list(doc, row, typed, held):
		typed = []
	dup = duplicates(typed)
	if dup:
		frappe.throw(
			_("Row {0}: these serials are listed more than once: {1}").format(row.idx, name_units(dup)),
			AllocationError,
			title=_("Duplicate Serials"),
		)
	current_set = set(current)

	if typed and set(typed) != current_set:
		if len(typed) > need:
			frappe.throw(
				_(
					"Row {0}: {1} serials are listed for item {2} but its quantity is {3}. Remove serials or raise the quantity."
				).format(row.idx, len(typed), frappe.bold(row.item_code), need),
				AllocationError,
				title=_("Too Many Serials"),
			)
		_validate_hand_picked(doc, kind, row, typed)
		wanted = set(typed)
		release([u for u in current if u not in wanted], reference)
		keep = typed
	else:
		keep = [u for u in (typed or current) if u in current_set]
		release(keep[need:], reference)
		keep = keep[:need]

	missing = need - len(keep)
	picked = (
		_fifo(row.item_code, row.warehouse, row.get(kind.so_field), missing, exclude=keep)
		if missing > 0
		else []
	)
	if len(picked) < missing:
		_not_enough(doc, row, need, len(keep) + len(picked))
	newly = [u for u in keep if u not in current_set] + [p.name for p in picked]
	move(
		newly,
		rules.ALLOCATE,
		reference,
		set_values={kind.link_field: doc.name, "shipment_row": row.name, "allocated_on": now()},
	)
	row.trace_serials = "\n".join(keep + [p.name for p in picked])


def _validate_hand_picked(doc, kind, row, units: list[str]) -> None:
	found = lock_units(
		units,
		(
			"status",
			"item_code",
			"warehouse",
			"sales_order",
			"shipment_row",
			"trace_type",
			"on_hold",
			"expiry_date",
		),
	)
	problems = []
	on = doc.get("posting_date")
	for u in units:
		rec = found.get(u)
		problem = where_problem(u, rec, row.item_code, row.warehouse)
		if problem:
			problems.append(problem)
		elif not (
			rec.status == rules.AVAILABLE or (rec.status == rules.ALLOCATED and rec.shipment_row == row.name)
		):
			problems.append(_("{0} is {1}").format(u, _(rec.status)))
	if not problems:  # an expired one is named with its expiry (ExpiredUnitError)
		refuse_expired([found[u] for u in units], on, row.idx, row.item_code)
	if not problems:
		from assetblaze_trace.quality.inspection import uninspected

		problems = [_("{0} has no accepted Quality Inspection").format(u) for u in uninspected(units)]
	if problems:
		frappe.throw(
			_(
				"Row {0} ({1}): these serials cannot be shipped: {2}. Remove them from Traced Serials, or leave it blank for the picking order to choose."
			).format(row.idx, row.item_code, "; ".join(problems[:20])),
			AllocationError,
			title=_("Serials Cannot Be Allocated"),
		)
	own = row.get(kind.so_field)
	foreign = [u for u in units if found[u].sales_order and found[u].sales_order != own]
	if foreign:
		frappe.msgprint(
			_("Row {0}: {1} are reserved for another Sales Order and were picked by hand.").format(
				row.idx, name_units(foreign)
			),
			title=_("Reserved Units Picked"),
			indicator="orange",
		)


def _fifo(
	item_code, warehouse, sales_order, qty, exclude=(), lots: list[str] | None = None, by_qty: bool = False
):
	"""Lock and return pickable units (or lot portions, ``by_qty``) covering ``qty``, in the order
	``rules.picking.fifo_rank`` defines (here in SQL, so the database picks and locks in one step): the row's own
	order's reservations first, then unreserved ones; inside each, the picking order's phases (``order.phases``:
	FIFO, or FEFO; never an expired unit). Rows that another transaction is allocating right now are skipped
	(SKIP LOCKED), so two shipments never get the same unit."""
	picked: list[frappe._dict] = []
	inspected_only = frappe.get_cached_value("Item", item_code, "inspection_required_before_delivery")

	def short() -> float:
		return qty - (sum(p.qty for p in picked) if by_qty else len(picked))

	for reserved_for, phase in product(([sales_order] if sales_order else []) + [None], order.phases()):
		while short() > EPSILON:
			# ERPNext's "Inspection Required before Delivery": accepted units only
			more = [("inspection_status = 'Accepted'", ())] if inspected_only else []
			more.append(
				("sales_order = %s", (reserved_for,)) if reserved_for else ("sales_order IS NULL", ())
			)
			limit = 20 if by_qty else int(short())
			page = order.pick_page(
				item_code,
				warehouse,
				phase,
				limit,
				exclude=[*exclude, *(p.name for p in picked)],
				lots=lots,
				more=tuple(more),
				columns="name, qty, serial_no, sales_order",
			)
			picked += page
			if len(page) < limit:
				break
	return picked


def _not_enough(doc, row, need, found) -> None:
	"""A row that FIFO and the listed units do not cover: the rest ships as untraced stock when Traceability
	Settings allow it and there is enough of it (shared by the document's rows); otherwise refused, saying
	exactly what the rest of the stock there is doing."""
	shortfall = need - found
	allowed = cint(get_settings().get("ship_untraced"))
	key = (row.item_code, row.warehouse)
	claims = doc.__dict__.setdefault("_untraced_claims", {})
	untraced = max(untraced_qty(*key) - claims.get(key, 0), 0)
	if allowed and untraced >= shortfall - EPSILON:
		claims[key] = claims.get(key, 0) + shortfall
		return
	message = _(
		"Row {0}: item {1} needs {2} in warehouse {3}, but only {4} traced units can be picked"
	).format(row.idx, frappe.bold(row.item_code), need, frappe.bold(row.warehouse), found)
	if allowed and untraced > EPSILON:
		message += " " + _("and {0} untraced").format(untraced)
	message += "."
	reasons = why_not_taken(row.item_code, row.warehouse, untraced_allowed=bool(allowed))
	message += " " + (
		_("The rest of the stock there: {0}.").format(reasons)
		if reasons
		else _("There is no more of it there.")
	)
	frappe.throw(message, NotEnoughUnitsError, title=_("Not Enough Units"))


def _allocate_batch_row(doc, kind, row, config, held, reference) -> None:
	need = row_qty(row, config)
	typed = parse_serial_list(row.get("trace_serials"))
	held_lots = {h.serial_no for h in held}
	if typed and set(typed) != held_lots:
		release([h.name for h in held], reference)
		held = []
	# keep what is held, up to the quantity (split the last portion if it is too much)
	kept, total = [], 0.0
	for h in held:
		if total + h.qty <= need + EPSILON:
			kept.append(h.serial_no)
			total += h.qty
		elif total < need - EPSILON:
			extra = split(h.name, h.qty - (need - total), reference)
			release([extra], reference)
			kept.append(h.serial_no)
			total = need
		else:
			release([h.name], reference)
	missing = need - total
	allocated_lots = list(kept)
	if missing > EPSILON:
		so = row.get(kind.so_field)
		portions = []
		if typed:
			portions = _fifo(row.item_code, row.warehouse, so, missing, lots=typed, by_qty=True)
			unknown = [lot for lot in typed if lot not in {p.serial_no for p in portions} | held_lots]
			if unknown:  # an expired lot is named with its expiry
				refuse_expired(
					frappe.db.sql(
						f"""SELECT serial_no AS name, MIN(expiry_date) AS expiry_date FROM `tabSerial Record`
						WHERE serial_no IN ({placeholders(unknown)}) AND item_code = %s AND warehouse = %s
							AND status = 'Available' AND expiry_date < %s GROUP BY serial_no""",
						[*unknown, row.item_code, row.warehouse, nowdate()],
						as_dict=True,
					),
					None,
					row.idx,
					row.item_code,
				)
				frappe.throw(
					_("Row {0}: no available lot {1} of item {2} in warehouse {3}.").format(
						row.idx, ", ".join(unknown), frappe.bold(row.item_code), row.warehouse
					),
					AllocationError,
					title=_("Lot Not Available"),
				)
		got = sum(p.qty for p in portions)
		if got < missing - EPSILON:
			portions += _fifo(
				row.item_code,
				row.warehouse,
				so,
				missing - got,
				exclude=[p.name for p in portions],
				by_qty=True,
			)
		names, used, remaining = take_portions(portions, missing, reference)
		allocated_lots += [p.serial_no for p in used]
		if remaining > EPSILON:
			_not_enough(doc, row, need, need - remaining)
		move(
			names,
			rules.ALLOCATE,
			reference,
			set_values={kind.link_field: doc.name, "shipment_row": row.name, "allocated_on": now()},
		)
	row.trace_serials = "\n".join(dict.fromkeys(allocated_lots))


def release(names: list[str], reference: Reference) -> None:
	"""Allocated units go back to Available, keeping their reservation stamp."""
	if names:
		move(names, rules.RELEASE, reference, set_values=CLEARED_SHIPMENT)


def release_all(doc, detail: str | None = None) -> int:
	"""Every unit the shipment holds goes back to Available: a draft deleted, or a cancelled document's units
	released (or the cancelled document deleted). Returns how many."""
	kind = kind_of(doc)
	if not kind:
		return 0
	held = frappe.db.sql(
		f"SELECT name FROM `tabSerial Record` WHERE `{kind.link_field}` = %s AND status = 'Allocated' "
		f"{kind.held_only}",
		doc.name,
		pluck=True,
	)
	release(held, Reference(doc.doctype, doc.name, detail))
	return len(held)


# ------------------------------------------------------------------------------------------------
# Shipping and cancelling


def is_internal_transfer(doc, row) -> bool:
	"""A row delivered to the company's own internal customer, into a warehouse of the same company: ERPNext
	moves its stock there instead of letting it leave."""
	target = target_of(row)
	return bool(
		cint(doc.get("is_internal_customer"))
		and target
		and frappe.get_cached_value("Warehouse", target, "company") == doc.company
	)


def ship(doc) -> None:
	"""On submit: the allocated units leave (Shipped), carrying the date, customer and document; a row to the
	company's own internal customer moves its units to the target warehouse instead. Units of an item that needs
	an inspection before delivery leave only once an inspection accepted them."""
	from assetblaze_trace.quality.inspection import refuse_uninspected

	kind = kind_of(doc)
	if not kind or cint(doc.get("is_return")):
		return
	reference = Reference(doc.doctype, doc.name)
	shipped_on = now()
	touched = set()
	for row, _config in traced_rows(doc):
		current = {
			r.name: r
			for r in frappe.db.sql(
				f"SELECT name, status, on_hold, hold_reason, expiry_date, {', '.join(counts.FIELDS)} FROM `tabSerial Record` "
				f"WHERE `{kind.link_field}` = %s AND shipment_row = %s AND status = 'Allocated' FOR UPDATE",
				(doc.name, row.name),
				as_dict=True,
			)
		}
		refuse_uninspected(list(current), doc)
		if not is_internal_transfer(doc, row):
			refuse_expired(current.values(), doc.get("posting_date"), row.idx, row.item_code)
		if len(current) < row_qty(row, _config) - EPSILON or _config.is_batch:
			# the row carries untraced stock (units cover the rest exactly, so only such rows can break §6)
			touched.add((row.item_code, row.warehouse))
		if is_internal_transfer(doc, row):
			target = target_of(row)
			move(
				list(current),
				rules.INTERNAL_TRANSFER,
				Reference(doc.doctype, doc.name, _("{0} → {1}").format(row.warehouse, target)),
				set_values={**CLEARED_SHIPMENT, "warehouse": target},
				current=current,
			)
			continue
		values = {
			"shipped_on": shipped_on,
			"customer": doc.customer,
			kind.link_field: doc.name,
			"shipment_row": row.name,
		}
		if row.get(kind.so_field):
			values["sales_order"] = row.get(kind.so_field)
		move(list(current), rules.SHIP, reference, set_values=values, current=current)
	assert_units_fit(doc, touched)


def on_cancel(doc) -> None:
	kind = kind_of(doc)
	if not kind:
		return
	if cint(doc.get("is_return")):
		cancel_return(doc)
		return
	_cancel_internal_transfer(doc, kind)
	# ERPNext puts the stock back in the warehouse: the units come back too, held by the cancelled document
	# (Allocated to it, never picked by anyone else) until its amendment takes them over or they are released.
	shipped = frappe.db.sql(
		f"SELECT name, status FROM `tabSerial Record` WHERE `{kind.link_field}` = %s AND status = 'Shipped' FOR UPDATE",
		doc.name,
		as_dict=True,
	)
	if not shipped:
		return
	move(
		[u.name for u in shipped],
		rules.SHIPMENT_CANCELLED,
		Reference(doc.doctype, doc.name),
		set_values={"shipped_on": None},
		current={u.name: u for u in shipped},
	)
	frappe.msgprint(
		_(
			"{0} traced units shipped with {1} are back in stock, held by the cancelled document. Amend it to ship "
			"them again, or use Release Traced Units on it to make them Available."
		).format(len(shipped), doc.name),
		title=_("Units Back in Stock"),
		indicator="orange",
	)


def _cancel_internal_transfer(doc, kind: Kind) -> None:
	"""ERPNext takes the stock back out of the target warehouse: the units it moved there come back to their
	row's warehouse, held by the cancelled document like a cancelled shipment's. Refused, naming them, when one
	has moved on from where the transfer put it."""
	moved = frappe.db.sql(
		"""SELECT r.name, r.status, r.warehouse FROM `tabSerial Record Event` e
		JOIN `tabSerial Record` r ON r.name = e.parent
		WHERE e.reference_doctype = %s AND e.reference_name = %s AND e.event = %s FOR UPDATE""",
		(doc.doctype, doc.name, rules.INTERNAL_TRANSFER),
		as_dict=True,
	)
	if not moved:
		return
	rows = {}
	for row, _config in traced_rows(doc):
		if is_internal_transfer(doc, row):
			rows.setdefault((row.item_code, target_of(row)), row)
	item_of = dict(
		frappe.db.sql(
			f"SELECT name, item_code FROM `tabSerial Record` WHERE name IN ({placeholders([m.name for m in moved])})",
			[m.name for m in moved],
		)
	)
	stuck, groups = [], {}
	for unit in moved:
		row = rows.get((item_of[unit.name], unit.warehouse))
		if unit.status != rules.AVAILABLE or row is None:
			stuck.append(unit.name)
		else:
			groups.setdefault(row.name, (row, []))[1].append(unit.name)
	if stuck:
		frappe.throw(
			_(
				"{0} cannot be cancelled: units it moved to the internal customer's warehouse have moved on since: "
				"{1}."
			).format(doc.name, name_units(sorted(stuck))),
			ReturnError,
			title=_("Units Have Moved On"),
		)
	for row, names in groups.values():
		move(
			names,
			rules.INTERNAL_TRANSFER_CANCELLED,
			Reference(doc.doctype, doc.name, _("cancelled: back to {0}").format(row.warehouse)),
			set_values={
				"warehouse": row.warehouse,
				kind.link_field: doc.name,
				"shipment_row": row.name,
				"allocated_on": now(),
			},
		)


def release_cancelled(doc) -> int:
	"""The units a cancelled shipment still holds become Available again."""
	if doc.docstatus != 2:
		return 0
	return release_all(doc, _("released from the cancelled document"))


# ------------------------------------------------------------------------------------------------
# Returns


def _return_units(doc, kind, row, config, *, final: bool) -> list[str]:
	"""The units a return row brings back: listed by hand, each shipped on the returned document."""
	typed = parse_serial_list(row.get("trace_serials"))
	need = row_qty(row, config)
	dup = duplicates(typed)
	if dup:
		frappe.throw(_("Row {0}: listed more than once: {1}").format(row.idx, name_units(dup)), ReturnError)
	if config.is_batch:
		return typed  # lots; quantities are settled on submit
	if len(typed) > need:
		frappe.throw(
			_("Row {0}: {1} serials are listed but {2} units are returned.").format(
				row.idx, len(typed), need
			),
			ReturnError,
			title=_("Too Many Serials"),
		)
	if final and len(typed) < need:
		frappe.throw(
			_(
				"Row {0}: {1} units of {2} are returned; list the serial of each in Traced Serials ({3} listed)."
			).format(row.idx, need, frappe.bold(row.item_code), len(typed)),
			ReturnError,
			title=_("Serials Needed"),
		)
	found = lock_units(typed, ("status", "item_code", kind.link_field)) if typed else {}
	problems = []
	for u in typed:
		rec = found.get(u)
		if not rec:
			problems.append(_("{0} does not exist").format(u))
		elif rec.item_code != row.item_code:
			problems.append(_("{0} is item {1}").format(u, rec.item_code))
		elif rec[kind.link_field] != doc.return_against:
			problems.append(_("{0} was not shipped on {1}").format(u, doc.return_against))
		elif rec.status != rules.SHIPPED:
			problems.append(_("{0} is {1}").format(u, _(rec.status)))
	if problems:
		frappe.throw(
			_("Row {0}: these serials cannot be returned: {1}").format(row.idx, "; ".join(problems[:20])),
			ReturnError,
			title=_("Serials Cannot Be Returned"),
		)
	return typed


def validate_return(doc) -> None:
	kind = kind_of(doc)
	if not kind or not cint(doc.get("is_return")):
		return
	for row, config in traced_rows(doc):
		_return_units(doc, kind, row, config, final=doc.docstatus == 1)


def receive_return(doc) -> None:
	"""On submit of a return: the listed units become Returned, in the warehouse they came back to."""
	kind = kind_of(doc)
	if not kind or not cint(doc.get("is_return")):
		return
	reference = Reference(doc.doctype, doc.name)
	for row, config in traced_rows(doc):
		values = {
			"return_doctype": doc.doctype,
			"return_document": doc.name,
			"returned_on": now(),
			"warehouse": row.warehouse,
		}
		if config.is_serial:
			units = _return_units(doc, kind, row, config, final=True)
		else:
			units = _batch_return_portions(doc, kind, row, config, reference)
		move(units, rules.RETURN, reference, set_values=values)


def _batch_return_portions(doc, kind, row, config, reference) -> list[str]:
	lots = parse_serial_list(row.get("trace_serials"))
	need = row_qty(row, config)
	if not lots:
		frappe.throw(
			_("Row {0}: list the lot(s) of item {1} being returned in Traced Serials.").format(
				row.idx, frappe.bold(row.item_code)
			),
			ReturnError,
			title=_("Lot Needed"),
		)
	portions = frappe.db.sql(
		f"SELECT name, qty FROM `tabSerial Record` WHERE `{kind.link_field}` = %s AND item_code = %s AND status = 'Shipped' "
		f"AND serial_no IN ({placeholders(lots)}) ORDER BY manufactured_on, name FOR UPDATE",
		[doc.return_against, row.item_code, *lots],
		as_dict=True,
	)
	names, _used, remaining = take_portions(portions, need, reference)
	if remaining > EPSILON:
		frappe.throw(
			_("Row {0}: only {1} of lot(s) {2} were shipped on {3}; {4} are being returned.").format(
				row.idx, need - remaining, ", ".join(lots), doc.return_against, need
			),
			ReturnError,
			title=_("More Than Was Shipped"),
		)
	return names


def cancel_return(doc) -> None:
	"""Cancelling a return: its units are Shipped again, back where they were shipped from."""
	reference = Reference(doc.doctype, doc.name)
	units = frappe.db.sql(
		"SELECT name, shipment_row, status FROM `tabSerial Record` WHERE return_document = %s AND return_doctype = %s "
		"FOR UPDATE",
		(doc.name, doc.doctype),
		as_dict=True,
	)
	moved_on = [u.name for u in units if u.status != rules.RETURNED]
	if moved_on:
		# ERPNext takes the returned stock out again: only units still Returned can go back to Shipped
		frappe.throw(
			_(
				"{0} cannot be cancelled: units it brought back have moved on since (restocked, issued, consumed "
				"or shipped again): {1}."
			).format(doc.name, name_units(moved_on)),
			ReturnError,
			title=_("Units Have Moved On"),
		)
	by_warehouse: dict[str | None, list[str]] = {}
	rows = [u.shipment_row for u in units if u.shipment_row]
	origin = {}
	for table in ("Delivery Note Item", "Sales Invoice Item", "Packed Item"):
		for part in chunks(rows):
			origin.update(
				frappe.db.sql(
					f"SELECT name, warehouse FROM `tab{table}` WHERE name IN ({placeholders(part)})", part
				)
			)
	for u in units:
		by_warehouse.setdefault(origin.get(u.shipment_row), []).append(u.name)
	for warehouse, names in by_warehouse.items():
		values = {"return_doctype": None, "return_document": None, "returned_on": None}
		if warehouse:
			values["warehouse"] = warehouse
		move(names, rules.RETURN_CANCELLED, reference, set_values=values)
