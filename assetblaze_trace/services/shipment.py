"""Shipments (Delivery Note, Sales Invoice with Update Stock): allocate on save, release, ship,
returns, and what cancelling does. Every status change goes through the lifecycle service."""

from __future__ import annotations

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint, flt, now

from assetblaze_trace.exceptions import AllocationError, NotEnoughUnitsError, ReturnError
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.picking import duplicates, parse_serial_list
from assetblaze_trace.services.config import ItemTraceConfig, resolve_item
from assetblaze_trace.services.db import chunks, placeholders
from assetblaze_trace.services.lifecycle import Reference, lock_units, move, name_units, split, take_portions

EPSILON = 1e-9
CLEARED_SHIPMENT = {"delivery_note": None, "sales_invoice": None, "shipment_row": None, "allocated_on": None}


@dataclass(frozen=True)
class Kind:
	link_field: str  # the Serial Record field naming the shipment
	so_field: str  # the row field naming the Sales Order


def kind_of(doc) -> Kind | None:
	if doc.doctype == "Delivery Note":
		return Kind("delivery_note", "against_sales_order")
	if doc.doctype == "Sales Invoice" and cint(doc.get("update_stock")):
		return Kind("sales_invoice", "sales_order")
	return None


def traced_rows(doc) -> list[tuple[object, ItemTraceConfig]]:
	out = []
	for row in doc.get("items") or []:
		if not row.item_code:
			continue
		config = resolve_item(row.item_code)
		if config.is_traced:
			out.append((row, config))
	return out


def row_qty(row, config: ItemTraceConfig) -> float:
	qty = abs(flt(row.get("stock_qty") or row.get("transfer_qty") or row.qty))
	if config.is_serial and abs(qty - round(qty)) > EPSILON:
		frappe.throw(
			_(
				"Row {0}: item {1} is traced by serial number, so its quantity must be a whole number of units (it is {2})."
			).format(row.idx, frappe.bold(row.item_code), qty),
			AllocationError,
			title=_("Whole Units Needed"),
		)
	return round(qty) if config.is_serial else qty


def allocate(doc) -> None:
	"""On save of a draft shipment: each traced row gets exactly its stock quantity of units."""
	kind = kind_of(doc)
	if not kind or cint(doc.get("is_return")):
		return
	rows = traced_rows(doc)
	reference = Reference(doc.doctype, doc.name)
	held = frappe.db.sql(
		f"SELECT name, qty, serial_no, shipment_row, sales_order, manufactured_on FROM `tabSerial Record` "
		f"WHERE `{kind.link_field}` = %s AND status = 'Allocated' ORDER BY allocated_on, manufactured_on, name FOR UPDATE",
		doc.name,
		as_dict=True,
	)
	live_rows = {row.name for row, _c in rows}
	release([h.name for h in held if h.shipment_row not in live_rows], reference)
	by_row: dict[str, list] = {}
	for h in held:
		if h.shipment_row in live_rows:
			by_row.setdefault(h.shipment_row, []).append(h)
	carried = _carried_units(doc, kind)
	for row, config in rows:
		if config.is_serial:
			_allocate_serial_row(doc, kind, row, config, by_row.get(row.name, []), carried, reference)
		else:
			_allocate_batch_row(doc, kind, row, config, by_row.get(row.name, []), reference)


def _carried_units(doc, kind: Kind) -> dict[tuple[str, str], list[str]]:
	"""Units shipped on the cancelled document this one amends: they carry over, never re-picked."""
	if not doc.get("amended_from"):
		return {}
	out: dict[tuple[str, str], list[str]] = {}
	for r in frappe.db.sql(
		f"SELECT name, item_code, warehouse FROM `tabSerial Record` WHERE `{kind.link_field}` = %s "
		"AND status = 'Shipped' AND trace_type = 'Serial' ORDER BY manufactured_on, name",
		doc.amended_from,
		as_dict=True,
	):
		out.setdefault((r.item_code, r.warehouse), []).append(r.name)
	return out


def _allocate_serial_row(doc, kind, row, config, held, carried, reference) -> None:
	need = int(row_qty(row, config))
	current = [h.name for h in held]
	typed = parse_serial_list(row.get("trace_serials"))
	dup = duplicates(typed)
	if dup:
		frappe.throw(
			_("Row {0}: these serials are listed more than once: {1}").format(row.idx, name_units(dup)),
			AllocationError,
			title=_("Duplicate Serials"),
		)
	carry_pool = carried.get((row.item_code, row.warehouse), [])
	if carry_pool:
		pool = set(carry_pool)
		carry = [u for u in typed if u in pool] if typed else carry_pool[:need]
		taken = set(carry)
		carry_pool[:] = [u for u in carry_pool if u not in taken]
		typed_rest = [u for u in typed if u not in taken]
	else:
		carry, typed_rest = [], typed
	current_set = set(current)

	if typed_rest and set(typed_rest) != current_set:
		if len(typed) > need:
			frappe.throw(
				_(
					"Row {0}: {1} serials are listed for item {2} but its quantity is {3}. Remove serials or raise the quantity."
				).format(row.idx, len(typed), frappe.bold(row.item_code), need),
				AllocationError,
				title=_("Too Many Serials"),
			)
		_validate_hand_picked(doc, kind, row, typed_rest)
		wanted = set(typed_rest)
		release([u for u in current if u not in wanted], reference)
		keep = typed_rest
	else:
		keep = [u for u in (typed_rest or current) if u in current_set]
		room = max(need - len(carry), 0)
		release(keep[room:], reference)
		keep = keep[:room]

	missing = need - len(carry) - len(keep)
	picked = (
		_fifo(row.item_code, row.warehouse, row.get(kind.so_field), missing, exclude=keep)
		if missing > 0
		else []
	)
	if len(picked) < missing:
		_not_enough(row, need, len(carry) + len(keep) + len(picked))
	newly = [u for u in keep if u not in current_set] + [p.name for p in picked]
	move(
		newly,
		rules.ALLOCATE,
		reference,
		set_values={kind.link_field: doc.name, "shipment_row": row.name, "allocated_on": now()},
	)
	row.trace_serials = "\n".join(carry + keep + [p.name for p in picked])


def _validate_hand_picked(doc, kind, row, units: list[str]) -> None:
	found = lock_units(
		units, ("status", "item_code", "warehouse", "sales_order", "shipment_row", "trace_type")
	)
	problems = []
	for u in units:
		rec = found.get(u)
		if not rec:
			problems.append(_("{0} does not exist").format(u))
		elif rec.item_code != row.item_code:
			problems.append(_("{0} is item {1}, not {2}").format(u, rec.item_code, row.item_code))
		elif rec.warehouse != row.warehouse:
			problems.append(_("{0} is in warehouse {1}, not {2}").format(u, rec.warehouse, row.warehouse))
		elif not (
			rec.status == rules.AVAILABLE or (rec.status == rules.ALLOCATED and rec.shipment_row == row.name)
		):
			problems.append(_("{0} is {1}").format(u, _(rec.status)))
	if problems:
		frappe.throw(
			_(
				"Row {0} ({1}): these serials cannot be shipped: {2}. Remove them from Traced Serials or leave it blank for a FIFO pick."
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
	order's reservations first, then unreserved ones, oldest first. Rows that another transaction is
	allocating right now are skipped (SKIP LOCKED), so two shipments never get the same unit."""
	picked: list[frappe._dict] = []

	def short() -> float:
		return qty - (sum(p.qty for p in picked) if by_qty else len(picked))

	for reserved_for in ([sales_order] if sales_order else []) + [None]:
		while short() > EPSILON:
			conditions = ["item_code = %s", "warehouse = %s", "status = 'Available'"]
			values: list = [item_code, warehouse]
			if reserved_for:
				conditions.append("sales_order = %s")
				values.append(reserved_for)
			else:
				conditions.append("sales_order IS NULL")
			skip = [*exclude, *(p.name for p in picked)]
			if skip:
				conditions.append(f"name NOT IN ({placeholders(skip)})")
				values += skip
			if lots:
				conditions.append(f"serial_no IN ({placeholders(lots)})")
				values += lots
			limit = 20 if by_qty else int(short())
			page = frappe.db.sql(
				f"SELECT name, qty, serial_no, sales_order FROM `tabSerial Record` WHERE {' AND '.join(conditions)} "
				f"ORDER BY manufactured_on, name LIMIT {limit} FOR UPDATE SKIP LOCKED",
				values,
				as_dict=True,
			)
			picked += page
			if len(page) < limit:
				break
	return picked


def _not_enough(row, need, found) -> None:
	frappe.throw(
		_(
			"Row {0}: item {1} needs {2} traced units in warehouse {3}, but only {4} are available "
			"(units reserved for other Sales Orders are not picked automatically)."
		).format(row.idx, frappe.bold(row.item_code), need, frappe.bold(row.warehouse), found),
		NotEnoughUnitsError,
		title=_("Not Enough Units"),
	)


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
			if unknown:
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
			_not_enough(row, need, need - remaining)
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


def release_all(doc) -> None:
	"""A draft shipment deleted: every unit it held goes back."""
	kind = kind_of(doc)
	if not kind:
		return
	held = frappe.db.sql(
		f"SELECT name FROM `tabSerial Record` WHERE `{kind.link_field}` = %s AND status = 'Allocated'",
		doc.name,
	)
	release([h[0] for h in held], Reference(doc.doctype, doc.name))


# ------------------------------------------------------------------------------------------------
# Shipping and cancelling


def ship(doc) -> None:
	"""On submit: the allocated units leave (Shipped), carrying the date, customer and document."""
	kind = kind_of(doc)
	if not kind or cint(doc.get("is_return")):
		return
	reference = Reference(doc.doctype, doc.name)
	shipped_on = now()
	for row, _config in traced_rows(doc):
		current = {
			r.name: r
			for r in frappe.db.sql(
				f"SELECT name, status FROM `tabSerial Record` WHERE `{kind.link_field}` = %s AND shipment_row = %s "
				"AND status = 'Allocated' FOR UPDATE",
				(doc.name, row.name),
				as_dict=True,
			)
		}
		values = {
			"shipped_on": shipped_on,
			"customer": doc.customer,
			kind.link_field: doc.name,
			"shipment_row": row.name,
		}
		if row.get(kind.so_field):
			values["sales_order"] = row.get(kind.so_field)
		move(list(current), rules.SHIP, reference, set_values=values, current=current)
		if not doc.get("amended_from"):
			continue
		carried = [u for u in parse_serial_list(row.get("trace_serials")) if u not in current]
		if carried:
			rows = lock_units(carried, ("status", kind.link_field))
			carried = [u for u in carried if rows.get(u) and rows[u][kind.link_field] == doc.amended_from]
			move(carried, rules.SHIPMENT_AMENDED, reference, set_values=values, current=rows)


def on_cancel(doc) -> None:
	kind = kind_of(doc)
	if not kind:
		return
	if cint(doc.get("is_return")):
		cancel_return(doc)
		return
	shipped = frappe.db.count("Serial Record", {kind.link_field: doc.name, "status": rules.SHIPPED})
	if shipped:
		frappe.msgprint(
			_(
				"{0} traced units shipped with {1} stay Shipped: shipping is a one-way door. To take them back, "
				"make a return against this document (or amend it: the amendment takes over its units)."
			).format(shipped, doc.name),
			title=_("Units Stay Shipped"),
			indicator="orange",
		)


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
		"SELECT name, shipment_row FROM `tabSerial Record` WHERE return_document = %s AND return_doctype = %s "
		"AND status = 'Returned'",
		(doc.name, doc.doctype),
		as_dict=True,
	)
	by_warehouse: dict[str | None, list[str]] = {}
	rows = [u.shipment_row for u in units if u.shipment_row]
	origin = {}
	for table in ("Delivery Note Item", "Sales Invoice Item"):
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
