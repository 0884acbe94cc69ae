"""The picking order in SQL: ``rules.picking`` (FIFO / FEFO, expired units never picked) as the conditions and
ORDER BY of the statements that pick and lock units, so the database picks in one step.

A pick reads its phases in turn, each one range of an index: FIFO is one phase (the oldest first, expired units
left out); FEFO is the units with an expiry date, first to expire first (``item_status_expiry_idx``), then the
units without one, oldest first. ``with_expired`` adds a last phase of the expired units, first expired first:
for the takes that follow stock which has already gone (a count that went down, a voucher the app does not
follow), where the records must agree with ERPNext's stock whatever the units' dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import frappe
from frappe.utils import getdate, nowdate

from assetblaze_trace.rules.picking import FEFO, FIFO
from assetblaze_trace.services.db import placeholders
from assetblaze_trace.services.settings import get_settings


@dataclass(frozen=True)
class Phase:
	condition: str
	values: tuple
	order_by: str
	filters: tuple = ()  # the same phase for frappe.get_list (with the user's permissions)
	or_filters: tuple = ()


def picking_order() -> str:
	return FEFO if get_settings().get("picking_order") == FEFO else FIFO


def phases(on=None, *, with_expired: bool = False, alias: str = "") -> list[Phase]:
	"""The picking order's phases on day ``on`` (today by default) for a table aliased ``alias``."""
	a = f"{alias}." if alias else ""
	today = str(getdate(on or nowdate()))
	if picking_order() == FEFO:
		out = [
			Phase(
				f"{a}expiry_date >= %s",
				(today,),
				f"{a}expiry_date, {a}manufactured_on, {a}name",
				filters=(("expiry_date", ">=", today),),
			),
			Phase(
				f"{a}expiry_date IS NULL",
				(),
				f"{a}manufactured_on, {a}name",
				filters=(("expiry_date", "is", "not set"),),
			),
		]
	else:
		out = [
			Phase(
				f"({a}expiry_date IS NULL OR {a}expiry_date >= %s)",
				(today,),
				f"{a}manufactured_on, {a}name",
				or_filters=(("expiry_date", "is", "not set"), ("expiry_date", ">=", today)),
			)
		]
	if with_expired:
		out.append(
			Phase(
				f"{a}expiry_date < %s",
				(today,),
				f"{a}expiry_date, {a}manufactured_on, {a}name",
				filters=(("expiry_date", "<", today),),
			)
		)
	return out


def sort_sql(alias: str = "") -> str:
	"""The picking order as one ORDER BY (no phases: for the short reads that sort a few rows in memory)."""
	a = f"{alias}." if alias else ""
	if picking_order() == FEFO:
		return f"{a}expiry_date IS NULL, {a}expiry_date, {a}manufactured_on, {a}name"
	return f"{a}manufactured_on, {a}name"


def pick_page(
	item_code: str,
	warehouse: str,
	phase: Phase,
	limit: int,
	*,
	exclude=(),
	lots=None,
	more: tuple[tuple[str, tuple], ...] = (),
	columns: str = "name, qty, serial_no",
) -> list:
	"""One page of a pick: the Available, unheld units (or lot portions) of an item in a warehouse in ``phase``,
	locked, skipping rows another transaction holds (two picks never get the same unit). ``more``: further
	(condition, values) pairs."""
	conditions = ["item_code = %s", "warehouse = %s", "status = 'Available'", "on_hold = 0", phase.condition]
	values: list = [item_code, warehouse, *phase.values]
	for condition, condition_values in more:
		conditions.append(condition)
		values += condition_values
	if exclude:
		conditions.append(f"name NOT IN ({placeholders(exclude)})")
		values += list(exclude)
	if lots:
		conditions.append(f"serial_no IN ({placeholders(lots)})")
		values += list(lots)
	return frappe.db.sql(
		f"SELECT {columns} FROM `tabSerial Record` WHERE {' AND '.join(conditions)} "
		f"ORDER BY {phase.order_by} LIMIT {int(limit)} FOR UPDATE SKIP LOCKED",
		values,
		as_dict=True,
	)
