"""Material Transfer Stock Entries move traced units with the stock, so a unit is always where
ERPNext's stock says it is."""

from __future__ import annotations

import frappe
from frappe import _

from assetblaze_trace.exceptions import AllocationError
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.picking import duplicates, parse_serial_list
from assetblaze_trace.services.lifecycle import Reference, lock_units, move, name_units, take_portions
from assetblaze_trace.services.shipment import EPSILON, row_qty, traced_rows

TRANSFER_PURPOSES = ("Material Transfer",)


def _pick(row, config, reference) -> list[str]:
	need = row_qty(row, config)
	typed = parse_serial_list(row.get("trace_serials"))
	dup = duplicates(typed)
	if dup:
		frappe.throw(
			_("Row {0}: listed more than once: {1}").format(row.idx, name_units(dup)), AllocationError
		)
	if config.is_serial:
		if len(typed) > need:
			frappe.throw(
				_("Row {0}: {1} serials are listed but {2} units are transferred.").format(
					row.idx, len(typed), need
				),
				AllocationError,
			)
		found = lock_units(typed, ("status", "item_code", "warehouse")) if typed else {}
		bad = [
			u
			for u in typed
			if not found.get(u)
			or found[u].item_code != row.item_code
			or found[u].warehouse != row.s_warehouse
			or found[u].status != rules.AVAILABLE
		]
		if bad:
			frappe.throw(
				_("Row {0}: these serials are not Available units of {1} in {2}: {3}").format(
					row.idx, frappe.bold(row.item_code), row.s_warehouse, name_units(bad)
				),
				AllocationError,
				title=_("Serials Cannot Be Transferred"),
			)
		picked = typed + _oldest(row, need - len(typed), exclude=typed)
		if len(picked) < need:
			_short(row, need, len(picked))
		return picked
	# lots: portions of the listed lots first, then the oldest others; split the last one if needed
	portions = _oldest(row, need, lots=typed, by_qty=True) if typed else []
	got = sum(p.qty for p in portions)
	if got < need - EPSILON:
		portions += _oldest(row, need - got, exclude=[p.name for p in portions], by_qty=True)
	names, _used, remaining = take_portions(portions, need, reference)
	if remaining > EPSILON:
		_short(row, need, need - remaining)
	return names


def _oldest(row, qty, exclude=(), lots=None, by_qty=False):
	if qty <= EPSILON:
		return []
	conditions = ["item_code = %s", "warehouse = %s", "status = 'Available'"]
	values: list = [row.item_code, row.s_warehouse]
	if exclude:
		conditions.append(f"name NOT IN ({', '.join(['%s'] * len(exclude))})")
		values += list(exclude)
	if lots:
		conditions.append(f"serial_no IN ({', '.join(['%s'] * len(lots))})")
		values += list(lots)
	rows = frappe.db.sql(
		f"SELECT name, qty FROM `tabSerial Record` WHERE {' AND '.join(conditions)} "
		f"ORDER BY manufactured_on, name LIMIT {1000 if by_qty else int(qty)} FOR UPDATE SKIP LOCKED",
		values,
		as_dict=True,
	)
	return rows if by_qty else [r.name for r in rows]


def _short(row, need, found):
	frappe.throw(
		_(
			"Row {0}: {1} traced units of {2} are transferred from {3}, but only {4} are Available there."
		).format(row.idx, need, frappe.bold(row.item_code), frappe.bold(row.s_warehouse), found),
		AllocationError,
		title=_("Not Enough Units"),
	)


def transfer(stock_entry) -> None:
	"""On submit: move the row's units (listed by hand, else oldest first) to the target warehouse."""
	if stock_entry.purpose not in TRANSFER_PURPOSES:
		return
	reference = Reference("Stock Entry", stock_entry.name)
	for row, config in traced_rows(stock_entry):
		if not (row.s_warehouse and row.t_warehouse) or row.s_warehouse == row.t_warehouse:
			continue
		units = _pick(row, config, reference)
		move(
			units,
			rules.TRANSFER,
			Reference(
				"Stock Entry", stock_entry.name, _("{0} → {1}").format(row.s_warehouse, row.t_warehouse)
			),
			set_values={"warehouse": row.t_warehouse},
		)
		if config.is_batch:
			units_lots = frappe.get_all("Serial Record", filters={"name": ("in", units)}, pluck="serial_no")
			row.db_set("trace_serials", "\n".join(dict.fromkeys(units_lots)), update_modified=False)
		else:
			row.db_set("trace_serials", "\n".join(units), update_modified=False)


def undo_transfer(stock_entry) -> None:
	"""On cancel: the units this entry moved go back, if they are still Available where it put them."""
	if stock_entry.purpose not in TRANSFER_PURPOSES:
		return
	events = frappe.db.sql(
		"""SELECT e.parent FROM `tabSerial Record Event` e
		WHERE e.reference_doctype = 'Stock Entry' AND e.reference_name = %s AND e.event = %s""",
		(stock_entry.name, rules.TRANSFER),
		pluck=True,
	)
	if not events:
		return
	current = lock_units(events, ("status", "warehouse", "item_code"))
	by_source: dict[str, list[str]] = {}
	stuck = []
	for name, rec in current.items():
		row = next(
			(r for r in stock_entry.items if r.item_code == rec.item_code and r.t_warehouse == rec.warehouse),
			None,
		)
		if not row or rec.status != rules.AVAILABLE:
			stuck.append(name)
		else:
			by_source.setdefault(row.s_warehouse, []).append(name)
	if stuck:
		frappe.throw(
			_("This transfer cannot be cancelled: these units have moved on since: {0}").format(
				name_units(stuck)
			),
			AllocationError,
			title=_("Units Have Moved On"),
		)
	for source, names in by_source.items():
		move(
			names,
			rules.TRANSFER,
			Reference("Stock Entry", stock_entry.name, _("cancelled: back to {0}").format(source)),
			set_values={"warehouse": source},
			current=current,
		)
