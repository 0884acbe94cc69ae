"""Units per status of every item, Work Order and Sales Order, kept as the units change.

An item's Serial Numbers view shows counts per status; counting them live reads every unit the item ever had
(198,000 rows for one item of a 10-million-unit site: 13 s). So the lifecycle service keeps the counts in
``tabTrace Unit Count`` — one row per (dimension, value, status) with units, quantity and how many of them carry
a Sales Order stamp — in the same transaction and under the same row locks as the statement that moves the
units: it knows each unit's old values (it locked them) and its new ones (the move), so one INSERT ... ON
DUPLICATE KEY UPDATE of a handful of aggregated rows keeps them exact. Nothing else writes the table but
:func:`rebuild` (the migration patch; also a repair). A test compares them with a fresh count after random moves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe.utils import flt

TABLE = "tabTrace Unit Count"
DIMENSIONS = ("item_code", "work_order", "sales_order")
FIELDS = ("item_code", "work_order", "sales_order", "qty")  # what a unit's counts depend on, besides status
KEEP = object()  # "this column does not change"


def ensure_table() -> None:
	frappe.db.sql_ddl(
		f"""CREATE TABLE IF NOT EXISTS `{TABLE}` (
			dimension VARCHAR(20) NOT NULL,
			value VARCHAR(140) NOT NULL,
			status VARCHAR(20) NOT NULL,
			units BIGINT NOT NULL DEFAULT 0,
			qty DECIMAL(21, 9) NOT NULL DEFAULT 0,
			stamped BIGINT NOT NULL DEFAULT 0,
			PRIMARY KEY (dimension, value, status)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"""
	)


class Delta:
	"""Changes to the counts, summed in Python, written in one statement."""

	def __init__(self):
		self.rows: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, 0.0, 0])

	def add(self, unit: dict, status: str | None, sign: int) -> None:
		if not status:
			return
		stamped = 1 if unit.get("sales_order") else 0
		qty = flt(unit.get("qty"))
		for dimension in DIMENSIONS:
			value = unit.get(dimension)
			if value:
				row = self.rows[(dimension, value, status)]
				row[0] += sign
				row[1] += sign * qty
				row[2] += sign * stamped

	def add_many(
		self,
		key: tuple[str | None, str | None, str | None],
		status: str,
		units: int,
		qty: float,
		stamped: int,
	):
		"""``units`` units of one (item, Work Order, Sales Order) in ``status`` (a serial range just made)."""
		for dimension, value in zip(DIMENSIONS, key, strict=True):
			if value:
				row = self.rows[(dimension, value, status)]
				row[0] += units
				row[1] += qty
				row[2] += stamped

	def write(self) -> None:
		changed = [(k, v) for k, v in sorted(self.rows.items()) if v[0] or abs(v[1]) > 1e-9 or v[2]]
		if not changed:
			return
		values = []
		for (dimension, value, status), (units, qty, stamped) in changed:
			values += [dimension, value, status, units, qty, stamped]
		frappe.db.sql(
			f"INSERT INTO `{TABLE}` (dimension, value, status, units, qty, stamped) VALUES "
			+ ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(changed))
			+ " ON DUPLICATE KEY UPDATE units = units + VALUES(units), qty = qty + VALUES(qty), "
			"stamped = stamped + VALUES(stamped)",
			values,
		)


def lock_items(items: Iterable[str]) -> None:
	"""Take the kept-count rows of these items (their *Available* row) before ERPNext posts a document's stock.

	A draft shipment's allocation writes an item's count rows on save, then ERPNext's stock ledger on submit; a
	document that moves units after ERPNext posted its stock (a completion, an issue, a count, a receipt) would
	take the same rows the other way round, and two such requests at once deadlock (measured over HTTP: 9 of 24
	requests). Taking the row first, in ``before_submit`` / ``before_cancel``, puts every request in one order.
	One statement; a row that does not exist yet is made with zero units (the views show statuses with units)."""
	items = sorted({i for i in items if i})
	if not items:
		return
	frappe.db.sql(
		f"INSERT INTO `{TABLE}` (dimension, value, status, units, qty, stamped) VALUES "
		+ ", ".join(["('item_code', %s, 'Available', 0, 0, 0)"] * len(items))
		+ " ON DUPLICATE KEY UPDATE units = units",
		items,
	)


def moved(current: dict[str, dict], names: Iterable[str], to_status: str, set_values: dict) -> None:
	"""Units ``names`` (their locked rows in ``current``) go to ``to_status`` with ``set_values``."""
	new_order = set_values.get("sales_order", KEEP) if set_values else KEEP
	# units alike (same item, Work Order, order, status) first: a shipment of 5,000 is a handful of groups
	groups: dict[tuple, list] = defaultdict(lambda: [0, 0.0])
	for name in names:
		unit = current[name]
		key = (unit.get("item_code"), unit.get("work_order"), unit.get("sales_order"), unit.get("status"))
		group = groups[key]
		group[0] += 1
		group[1] += flt(unit.get("qty"))
	delta = Delta()
	for (item, work_order, order, status), (units, qty) in groups.items():
		after = order if new_order is KEEP else new_order
		if status:
			delta.add_many((item, work_order, order), status, -units, -qty, -units if order else 0)
		delta.add_many((item, work_order, after), to_status, units, qty, units if after else 0)
	delta.write()


def counted(units: Iterable[dict], status: str, sign: int = +1) -> None:
	"""Units made (+1) or deleted (-1) in ``status``."""
	delta = Delta()
	for unit in units:
		delta.add(unit, status if sign > 0 else unit.get("status"), sign)
	delta.write()


def made_range(values: dict, units: int, status: str) -> None:
	delta = Delta()
	stamped = units if values.get("sales_order") else 0
	delta.add_many(
		(values.get("item_code"), values.get("work_order"), values.get("sales_order")),
		status,
		units,
		float(units),
		stamped,
	)
	delta.write()


def of(dimension: str, value: str) -> list[dict]:
	"""Kept counts of one item / Work Order / Sales Order: status, units, qty, stamped (statuses with units)."""
	return frappe.db.sql(
		f"SELECT status, units, qty, stamped FROM `{TABLE}` WHERE dimension = %s AND value = %s AND units <> 0 "
		"ORDER BY status",
		(dimension, value),
		as_dict=True,
	)


def fresh(dimension: str, value: str) -> list[dict]:
	"""The same, counted from the units now (what the kept counts must equal)."""
	if dimension not in DIMENSIONS:
		raise ValueError(dimension)
	return frappe.db.sql(
		f"""SELECT status, COUNT(*) AS units, SUM(qty) AS qty, SUM(sales_order IS NOT NULL) AS stamped
		FROM `tabSerial Record` WHERE `{dimension}` = %s GROUP BY status ORDER BY status""",
		value,
		as_dict=True,
	)


def rebuild(chunk: int = 50_000, progress=None, commit: bool = True) -> int:
	"""Count every unit again, in chunks of ``chunk`` records by name (bounded memory; a 10-million-unit site
	is 200 chunks), replacing the kept counts. Safe to re-run: it starts from an empty table. Commits per
	chunk (a patch or a repair from the console while nobody works, never inside a document hook; tests pass
	``commit=False``). Returns the units counted."""
	if commit:
		ensure_table()
	frappe.db.sql(f"DELETE FROM `{TABLE}`")
	if commit:
		frappe.db.commit()
	last, total = "", 0
	while True:
		bounds = frappe.db.sql(
			"SELECT MAX(name), COUNT(*) FROM (SELECT name FROM `tabSerial Record` WHERE name > %s ORDER BY name "
			"LIMIT %s) c",
			(last, chunk),
		)
		upto, n = bounds[0]
		if not n:
			break
		frappe.db.sql(
			f"""INSERT INTO `{TABLE}` (dimension, value, status, units, qty, stamped)
			SELECT d.d_dimension, d.d_value, d.d_status, d.d_units, d.d_qty, d.d_stamped FROM (
				SELECT ELT(x.k, 'item_code', 'work_order', 'sales_order') AS d_dimension,
					ELT(x.k, r.item_code, r.work_order, r.sales_order) AS d_value, r.status AS d_status,
					COUNT(*) AS d_units, SUM(r.qty) AS d_qty, SUM(r.sales_order IS NOT NULL) AS d_stamped
				FROM `tabSerial Record` r JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) x
				WHERE r.name > %s AND r.name <= %s
				GROUP BY x.k, d_value, r.status
			) d WHERE d.d_value IS NOT NULL AND d.d_status IS NOT NULL
			ON DUPLICATE KEY UPDATE units = units + VALUES(units), qty = qty + VALUES(qty),
				stamped = stamped + VALUES(stamped)""",
			(last, upto),
		)
		if commit:
			frappe.db.commit()
		total += n
		last = upto
		if progress:
			progress(total)
	return total
