"""The executor of the stock movements that are not shipments nor receipts: Stock Entries of every purpose,
counts, subcontracting receipts, purchase returns and internal receipts (``table.MOVEMENTS`` says what each
does to the traced units of its rows; this module carries it out through the lifecycle service).
A row's shape says which side it is on, as it does for ERPNext: a row with a source and a target warehouse
moves its units; a row with only a source warehouse takes them out of stock by the purpose's *leaving*
event (Issued, Consumed); a row with only a target warehouse brings stock in, which is untraced quantity
(only manufacturing makes units — generation.py — or the Stock Manager's *Register Existing Stock*).

Which units a row takes: those listed in its ``trace_serials`` (serials, or lot numbers for lot-traced
items), else the oldest Available units (FIFO) of its source warehouse. Listed units are validated (item,
warehouse, status, listed once, not more than the row's quantity); a shortfall is refused, and the message
says why. Shipments (Delivery Note, Sales Invoice) allocate on save and are in shipments.py; they use the same
rows (rows.py) and the same lifecycle moves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint, flt

from assetblaze_trace.exceptions import MovementError
from assetblaze_trace.movements import order, table
from assetblaze_trace.movements.rows import (
	EPSILON,
	bin_qty,
	held_qty,
	in_stock_breakdown,
	row_qty,
	traced_rows,
	units_in_stock,
	untraced_qty,
	where_problem,
	why_not_taken,
)
from assetblaze_trace.movements.table import MOVEMENTS, Movement
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.picking import duplicates, parse_serial_list
from assetblaze_trace.services import consumption
from assetblaze_trace.services.db import placeholders
from assetblaze_trace.services.lifecycle import Reference, lock_units, move, name_units, take_portions

BY_HAND_FROM = {
	rules.ISSUE: (rules.AVAILABLE, rules.RETURNED),  # a returned unit may be scrapped
	rules.CONSUME: (rules.AVAILABLE,),
	rules.TRANSFER: (rules.AVAILABLE,),
	rules.RETURN_TO_SUPPLIER: (rules.AVAILABLE, rules.RETURNED),
}
UNDO = {
	rules.ISSUE: rules.ISSUE_CANCELLED,
	rules.CONSUME: rules.CONSUME_CANCELLED,
	rules.RETURN_TO_SUPPLIER: rules.RETURN_TO_SUPPLIER_CANCELLED,
}
# the events a movement's cancel undoes
UNDONE_ON_CANCEL = (*UNDO, rules.TRANSFER)


def movement_of(doc) -> Movement | None:
	"""The table's entry for ``doc`` when this module carries it out."""
	movement = table.movement_of(doc)
	return movement if movement and movement.executor == "stock" else None


@dataclass
class Leg:
	"""One row's part of a movement: which item leaves which warehouse, how much, by which event."""

	row: object
	config: object
	item_code: str
	warehouse: str
	qty: float
	event: str
	target: str | None = None  # transfers
	listed: tuple[str, ...] = ()
	locked: dict | None = None  # the units taken, already locked (name -> row with status), for the move
	untraced: float = 0  # the part of the row no unit covered: untraced stock leaves with it


def legs_of(doc, movement: Movement) -> list[Leg]:
	legs = []
	if doc.doctype == "Stock Reconciliation":
		return _count_legs(doc)
	if doc.doctype == "Subcontracting Receipt":
		for row in doc.get("supplied_items") or []:
			config = _traced(row.rm_item_code)
			if config:
				legs.append(
					Leg(
						row,
						config,
						row.rm_item_code,
						doc.supplier_warehouse,
						_qty(row, config, flt(row.consumed_qty)),
						rules.CONSUME,
						listed=tuple(parse_serial_list(row.get("trace_serials"))),
					)
				)
		return legs
	if doc.doctype in ("Purchase Receipt", "Purchase Invoice"):
		for row, config in traced_rows(doc):
			if row.get("from_warehouse") and row.get("warehouse") and movement.transfers:
				qty = row_qty(row, config)
				listed = tuple(parse_serial_list(row.get("trace_serials"))) or _in_transit_from(
					doc, row, config, qty
				)
				legs.append(
					Leg(
						row,
						config,
						row.item_code,
						row.from_warehouse,
						qty,
						rules.TRANSFER,
						row.warehouse,
						listed,
					)
				)
			elif row.get("warehouse") and flt(row.get("stock_qty") or row.qty) < 0:
				legs.append(
					Leg(
						row,
						config,
						row.item_code,
						row.warehouse,
						row_qty(row, config),
						movement.leaving,
						listed=tuple(parse_serial_list(row.get("trace_serials"))),
					)
				)
		return legs
	for row, config in traced_rows(doc):
		if cint(row.get("is_finished_item")) and doc.purpose == "Manufacture":
			continue  # made by generation.py
		source, target = row.get("s_warehouse"), row.get("t_warehouse")
		if not source or (source == target):
			continue  # stock coming in: untraced quantity
		listed = tuple(parse_serial_list(row.get("trace_serials")))
		if target and movement.transfers:
			legs.append(
				Leg(row, config, row.item_code, source, row_qty(row, config), rules.TRANSFER, target, listed)
			)
		elif not target and movement.leaving:
			legs.append(
				Leg(row, config, row.item_code, source, row_qty(row, config), movement.leaving, None, listed)
			)
	return legs


def _in_transit_from(doc, row, config, qty) -> tuple[str, ...]:
	"""The units the internal Delivery Note this receipt row comes from put in transit (still there, free), so
	the receipt moves on exactly those; FIFO and untraced stock cover the rest."""
	delivery_note = doc.get("inter_company_reference")
	if not (config.is_serial and delivery_note):
		return ()
	return tuple(
		frappe.db.sql(
			f"""SELECT r.name FROM `tabSerial Record Event` e JOIN `tabSerial Record` r ON r.name = e.parent
			WHERE e.reference_name = %s AND e.reference_doctype = 'Delivery Note' AND e.event = %s
				AND r.status = 'Available' AND r.on_hold = 0 AND r.item_code = %s AND r.warehouse = %s
			ORDER BY r.manufactured_on, r.name LIMIT {int(qty)}""",
			(delivery_note, rules.INTERNAL_TRANSFER, row.item_code, row.from_warehouse),
			pluck=True,
		)
	)


def _count_legs(doc) -> list[Leg]:
	"""A count row takes out the units it lists, and as many more (oldest Available first) as the units in
	stock exceed the new count. Listing more units than the count went down by is refused."""
	legs = []
	for row, config in traced_rows(doc):
		if not row.warehouse:
			continue
		listed = tuple(parse_serial_list(row.get("trace_serials")))
		new_qty = flt(row.qty)
		units = sum(flt(v) for v in in_stock_breakdown(row.item_code, row.warehouse).values())
		excess = max(units - new_qty, 0)
		if config.is_serial:
			lowered_by = max(flt(row.current_qty) - new_qty, 0)
			if len(listed) > lowered_by + EPSILON:
				frappe.throw(
					_(
						"Row {0}: {1} units of {2} are listed as gone, but the count goes down by only {3}. "
						"List only the units that are no longer there."
					).format(row.idx, len(listed), frappe.bold(row.item_code), lowered_by),
					MovementError,
					title=_("Too Many Serials"),
				)
			qty = max(len(listed), round(excess))
		else:
			qty = excess
		if qty > EPSILON:
			legs.append(Leg(row, config, row.item_code, row.warehouse, qty, rules.ISSUE, None, listed))
	return legs


def _traced(item_code):
	from assetblaze_trace.services.config import resolve_item

	if not item_code:
		return None
	config = resolve_item(item_code)
	return config if config.is_traced else None


def _qty(row, config, qty: float) -> float:
	if config.is_serial and abs(qty - round(qty)) > EPSILON:
		frappe.throw(
			_(
				"Row {0}: item {1} is traced by serial number, so its quantity must be whole (it is {2})."
			).format(row.idx, frappe.bold(row.get("rm_item_code") or row.get("item_code")), qty),
			MovementError,
			title=_("Whole Units Needed"),
		)
	return round(qty) if config.is_serial else qty


# ------------------------------------------------------------------------------------------- submit


def submit(doc) -> None:
	"""On submit: every leg takes its units (listed, else FIFO) and moves them in one statement."""
	movement = movement_of(doc)
	if not movement:
		return
	legs = legs_of(doc, movement)
	_refuse_listed_twice(legs)
	outflow: dict[tuple[str, str], float] = defaultdict(float)
	for leg in legs:
		outflow[(leg.item_code, leg.warehouse)] += leg.qty
	listed_everywhere = [u for leg in legs if leg.config.is_serial for u in leg.listed]
	consumed: list[tuple[Leg, list[str]]] = []
	for leg in legs:
		units = take(leg, doc, exclude=listed_everywhere)
		reference = Reference(doc.doctype, doc.name, _detail(leg))
		if leg.event == rules.TRANSFER:
			move(units, rules.TRANSFER, reference, set_values={"warehouse": leg.target}, current=leg.locked)
		else:
			move(
				units,
				leg.event,
				reference,
				set_values={"left_stock_on": frappe.utils.now()},
				current=leg.locked,
			)
			if leg.event == rules.CONSUME:
				consumed.append((leg, units))
		_write_back(leg, units)
	_untraced_must_cover(legs, doc, outflow)
	if movement.records_consumption:
		consumption.record(
			doc, consumed, untraced={leg.row.name: leg.untraced for leg in legs if leg.untraced}
		)


def _untraced_must_cover(legs: list[Leg], doc, outflow) -> None:
	"""The part of a row no unit covered left as untraced stock: allowed exactly as far as ERPNext had untraced
	stock there. After the moves, the units still in stock must fit ERPNext's stock (which already shows this
	document); if they do not, the stock that left was units that could not be taken (held, allocated,
	returned), and the document is refused saying so."""
	taken: dict[tuple[str, str], float] = defaultdict(float)
	for leg in legs:
		taken[(leg.item_code, leg.warehouse)] += leg.qty - leg.untraced
	for leg in legs:
		if leg.untraced <= EPSILON:
			continue
		key = (leg.item_code, leg.warehouse)
		units, stock = units_in_stock(*key), bin_qty(*key)
		if units > stock + EPSILON:
			# what was untraced before this document: its stock before, less the units before
			untraced_before = max(stock + outflow[key] - units - taken[key], 0)
			short(leg, leg.qty - leg.untraced, untraced_before)


def _detail(leg: Leg) -> str:
	if leg.event == rules.TRANSFER:
		return _("{0} → {1}").format(leg.warehouse, leg.target)
	return _("from {0}").format(leg.warehouse)


def _write_back(leg: Leg, units: list[str]) -> None:
	"""The row lists what it took, so the document shows which units moved."""
	if leg.config.is_batch:
		lots = (
			frappe.get_all("Serial Record", filters={"name": ("in", units)}, pluck="serial_no")
			if units
			else []
		)
		text = "\n".join(dict.fromkeys(lots))
	else:
		text = "\n".join(units)
	if (leg.row.get("trace_serials") or "") != text:
		leg.row.db_set("trace_serials", text, update_modified=False)


def _refuse_listed_twice(legs: list[Leg]) -> None:
	seen: dict[str, int] = {}
	for leg in legs:
		dup = duplicates(list(leg.listed))
		if dup:
			frappe.throw(
				_("Row {0}: listed more than once: {1}. List each unit once.").format(
					leg.row.idx, name_units(dup)
				),
				MovementError,
				title=_("Listed Twice"),
			)
		if not leg.config.is_serial:
			continue
		for unit in leg.listed:
			if unit in seen and seen[unit] != leg.row.idx:
				frappe.throw(
					_("{0} is listed on row {1} and on row {2}. A unit can leave only once.").format(
						frappe.bold(unit), seen[unit], leg.row.idx
					),
					MovementError,
					title=_("Listed Twice"),
				)
			seen[unit] = leg.row.idx


def take(leg: Leg, doc, exclude=()) -> list[str]:
	"""The units (or split-off lot portions) ``leg`` takes: listed ones validated, the rest FIFO; what they do
	not cover is ``leg.untraced``."""
	reference = Reference(doc.doctype, doc.name)
	if leg.config.is_serial:
		need = int(leg.qty)
		if len(leg.listed) > need:
			frappe.throw(
				_(
					"Row {0}: {1} serials are listed for item {2} ({3}) but the row moves {4}. Remove serials or raise "
					"the quantity."
				).format(
					leg.row.idx,
					len(leg.listed),
					frappe.bold(leg.item_code),
					name_units(list(leg.listed)),
					need,
				),
				MovementError,
				title=_("Too Many Serials"),
			)
		listed = list(leg.listed)
		locked = _validate_listed(leg, listed) if listed else {}
		fifo = oldest(
			leg.item_code,
			leg.warehouse,
			need - len(listed),
			exclude=[*exclude, *listed],
			with_expired=_follows_stock_gone(leg),
		)
		picked = listed + fifo
		leg.untraced = need - len(
			picked
		)  # untraced stock, if ERPNext has that much (checked after the moves)
		# the pick locked its units with status Available: the move need not read them again
		leg.locked = {**locked, **{name: frappe._dict(status=rules.AVAILABLE) for name in fifo}}
		return picked
	portions = (
		oldest(leg.item_code, leg.warehouse, leg.qty, lots=list(leg.listed), by_qty=True, with_expired=True)
		if leg.listed
		else []
	)
	if leg.listed:
		unknown = [lot for lot in leg.listed if lot not in {p.serial_no for p in portions}]
		if unknown:
			frappe.throw(
				_("Row {0}: no Available lot {1} of item {2} in warehouse {3}.").format(
					leg.row.idx, ", ".join(unknown), frappe.bold(leg.item_code), frappe.bold(leg.warehouse)
				),
				MovementError,
				title=_("Lot Not Available"),
			)
	got = sum(p.qty for p in portions)
	if got < leg.qty - EPSILON:
		portions += oldest(
			leg.item_code,
			leg.warehouse,
			leg.qty - got,
			exclude=[p.name for p in portions],
			by_qty=True,
			with_expired=_follows_stock_gone(leg),
		)
	names, _used, remaining = take_portions(portions, leg.qty, reference)
	leg.untraced = remaining if remaining > EPSILON else 0
	return names


def _follows_stock_gone(leg: Leg) -> bool:
	"""A count that went down says the stock is gone already: the records follow it, expired units included (last).
	Every other movement takes expired units only when they are listed (an issue of expired stock is a scrap)."""
	return leg.row.get("doctype") == "Stock Reconciliation Item"


def _validate_listed(leg: Leg, listed: list[str]) -> dict:
	found = lock_units(listed, ("status", "item_code", "warehouse", "trace_type", "on_hold"))
	allowed = BY_HAND_FROM[leg.event]
	problems = []
	for unit in listed:
		rec = found.get(unit)
		problem = where_problem(unit, rec, leg.item_code, leg.warehouse)
		if problem:
			problems.append(problem)
		elif rec.status not in allowed:
			problems.append(_("{0} is {1}").format(unit, _(rec.status)))
	if problems:
		frappe.throw(
			_(
				"Row {0} ({1}): these units cannot be {2}: {3}. Correct Traced Serials, or leave it blank to take "
				"the oldest Available units."
			).format(leg.row.idx, leg.item_code, _(leg.event).lower(), "; ".join(problems[:20])),
			MovementError,
			title=_("Units Cannot Move"),
		)
	return found


def oldest(item_code, warehouse, qty, exclude=(), lots=None, by_qty=False, with_expired=False):
	"""Lock and return the Available units (or lot portions, ``by_qty``) of an item in a warehouse that the
	picking order takes first (``order.phases``: FIFO or FEFO, expired ones only ``with_expired``): one statement
	per phase, skipping rows another transaction holds."""
	if qty <= EPSILON:
		return []
	exclude = list(exclude)
	rows: list = []
	for phase in order.phases(with_expired=with_expired):
		short = qty - (sum(r.qty for r in rows) if by_qty else len(rows))
		if short <= EPSILON:
			break
		rows += order.pick_page(
			item_code,
			warehouse,
			phase,
			1000 if by_qty else int(short),
			exclude=[*exclude, *(r.name for r in rows)],
			lots=lots,
		)
	return rows if by_qty else [r.name for r in rows]


def short(leg: Leg, found: float, untraced: float) -> None:
	message = _(
		"Row {0}: {1} of {2} leave {3}, but only {4} traced units and {5} untraced stock are there to take."
	).format(leg.row.idx, leg.qty, frappe.bold(leg.item_code), frappe.bold(leg.warehouse), found, untraced)
	reasons = why_not_taken(leg.item_code, leg.warehouse, untraced_allowed=True)
	if reasons:
		message += " " + _("The rest of the units there: {0}.").format(reasons)
	frappe.throw(message, MovementError, title=_("Not Enough Units"))


# ------------------------------------------------------------------------------------------- cancel


def cancel(doc) -> None:
	"""On cancel: every unit this document issued or consumed comes back to the status it left, where it was;
	transferred units go back to their source warehouse. Refused, naming them, if a unit has moved on since."""
	movement = movement_of(doc)
	if not movement:
		return
	rows = frappe.db.sql(
		"""SELECT e.parent, e.event, e.from_status, r.status, r.warehouse, r.item_code
		FROM `tabSerial Record Event` e JOIN `tabSerial Record` r ON r.name = e.parent
		WHERE e.reference_doctype = %s AND e.reference_name = %s AND e.event IN %s""",
		(doc.doctype, doc.name, UNDONE_ON_CANCEL),
		as_dict=True,
	)
	if not rows:
		consumption.remove(doc)
		return
	current = lock_units(list({r.parent for r in rows}), ("status", "warehouse", "item_code"))
	groups: dict[tuple[str, str | None, str | None], list[str]] = defaultdict(list)
	stuck = []
	transfer_back = _transfer_sources(doc)
	for r in rows:
		rec = current[r.parent]
		if r.event == rules.TRANSFER:
			source = transfer_back.get((rec.item_code, rec.warehouse))
			if rec.status != rules.AVAILABLE or not source:
				stuck.append(r.parent)
			else:
				groups[(rules.TRANSFER, None, source)].append(r.parent)
		else:
			if rec.status != rules.target_status(r.event):
				stuck.append(r.parent)
			else:
				groups[(UNDO[r.event], r.from_status, None)].append(r.parent)
	if stuck:
		frappe.throw(
			_("{0} cannot be cancelled: these units have moved on since: {1}").format(
				doc.name, name_units(sorted(set(stuck)))
			),
			MovementError,
			title=_("Units Have Moved On"),
		)
	for (event, back_to, source), names in groups.items():
		if event == rules.TRANSFER:
			move(
				names,
				rules.TRANSFER,
				Reference(doc.doctype, doc.name, _("cancelled: back to {0}").format(source)),
				set_values={"warehouse": source},
				current=current,
			)
		else:
			move(
				names,
				event,
				Reference(doc.doctype, doc.name, _("cancelled")),
				set_values={"left_stock_on": None},
				current=current,
				back_to=back_to,
			)
	consumption.remove(doc)


def _transfer_sources(doc) -> dict[tuple[str, str], str]:
	out = {}
	for row in doc.get("items") or []:
		if row.get("s_warehouse") and row.get("t_warehouse"):
			out.setdefault((row.item_code, row.t_warehouse), row.s_warehouse)
		elif row.get("from_warehouse") and row.get("warehouse"):  # an internal Purchase Receipt
			out.setdefault((row.item_code, row.warehouse), row.from_warehouse)
	return out


def refuse_cancel_under_a_later_count(doc) -> None:
	"""Before cancelling a document that moved traced units: refuse when a Stock Reconciliation of the same
	item and warehouse comes after it. ERPNext lets the later count absorb the cancel (the count fixes the
	quantity from then on, so its stock does not change) while the units would move back: the records and
	ERPNext would disagree. Cancel the count first, then this document."""
	moved = frappe.db.sql(
		"""SELECT DISTINCT r.item_code FROM `tabSerial Record Event` e JOIN `tabSerial Record` r ON r.name = e.parent
		WHERE e.reference_name = %s AND e.reference_doctype = %s""",
		(doc.name, doc.doctype),
		pluck=True,
	)
	if not moved:
		return
	counts = frappe.db.sql(
		"""SELECT DISTINCT voucher_no, item_code, warehouse FROM `tabStock Ledger Entry`
		WHERE voucher_type = 'Stock Reconciliation' AND is_cancelled = 0 AND item_code IN %(items)s
			AND voucher_no != %(name)s
			AND (posting_date > %(date)s OR (posting_date = %(date)s AND posting_time > %(time)s))""",
		{
			"items": tuple(moved),
			"name": doc.name,
			"date": doc.posting_date,
			"time": doc.get("posting_time") or "00:00:00",
		},
		as_dict=True,
	)
	touched = _warehouses_of(doc)
	later = [c for c in counts if (c.item_code, c.warehouse) in touched or not touched]
	if later:
		frappe.throw(
			_(
				"{0} cannot be cancelled while a later stock count of the same items counts them: {1}. ERPNext "
				"would keep the counted quantity, so the traced units could no longer match it. Cancel the count "
				"first (then count again if needed)."
			).format(
				doc.name, ", ".join(sorted({f"{c.voucher_no} ({c.item_code}, {c.warehouse})" for c in later}))
			),
			MovementError,
			title=_("A Later Stock Count"),
		)


def _warehouses_of(doc) -> set[tuple[str, str]]:
	out = set()
	rows = (doc.get("items") or []) + (doc.get("supplied_items") or []) + (doc.get("packed_items") or [])
	for row in rows:
		item = row.get("item_code") or row.get("rm_item_code")
		for field in ("s_warehouse", "t_warehouse", "warehouse", "target_warehouse"):
			if row.get(field):
				out.add((item, row.get(field)))
	if doc.get("supplier_warehouse"):
		for row in doc.get("supplied_items") or []:
			out.add((row.rm_item_code, doc.supplier_warehouse))
	return out
