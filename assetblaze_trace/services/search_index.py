"""Global search (the awesome bar) entries for Serial Records, written in bulk.

Frappe indexes documents one by one on save; our records are written set-based, so we write their
``__global_search`` rows ourselves, with INSERT ... SELECT from the records. That table is MyISAM
(not transactional), so rows are written only after the request commits: a refused completion
leaves no search entry behind.
"""

from __future__ import annotations

import frappe

from assetblaze_trace.compat import desk_path
from assetblaze_trace.services.db import chunks, placeholders

DOCTYPE = "Serial Record"


def index_after_commit(
	names: list[str] | None = None, serial_range=None, item_code: str | None = None
) -> None:
	"""Index the units ``names`` (or a just-made ``serial_range`` of ``item_code``) after commit."""
	if not (names or serial_range) or frappe.db.db_type != "mariadb":
		return
	frappe.db.after_commit.add(lambda: write(names, serial_range, item_code))


def unindex_after_commit(names: list[str]) -> None:
	if not names or frappe.db.db_type != "mariadb":
		return
	frappe.db.after_commit.add(lambda: delete(names))


UPSERT = " ON DUPLICATE KEY UPDATE title = VALUES(title), content = VALUES(content), route = VALUES(route)"


def write(names: list[str] | None = None, serial_range=None, item_code: str | None = None) -> None:
	"""Rows built from the sequence table or from a plain (non-locking) read of the records."""
	if serial_range:
		serial = serial_range.sql()
		frappe.db.sql(
			f"""INSERT INTO `__global_search` (doctype, name, title, content, route, published)
			SELECT 'Serial Record', {serial}, {serial}, CONCAT('Serial / Lot No : ', {serial}, ' ||| Item : ', %(item)s),
				CONCAT(%(route)s, {serial}), 0
			FROM {serial_range.table} s"""
			+ UPSERT,
			{**serial_range.values, "item": item_code or "", "route": desk_path(DOCTYPE) + "/"},
		)
		return
	for part in chunks(names or []):
		rows = frappe.db.sql(
			f"SELECT name, serial_no, item_code FROM `tabSerial Record` WHERE name IN ({placeholders(part)})",
			part,
		)
		if not rows:
			continue
		values = []
		for name, serial_no, item in rows:
			values += [
				DOCTYPE,
				name,
				serial_no,
				f"Serial / Lot No : {serial_no} ||| Item : {item or ''}",
				desk_path(DOCTYPE, name),
			]
		frappe.db.sql(
			"INSERT INTO `__global_search` (doctype, name, title, content, route, published) VALUES "
			+ ", ".join(["(%s, %s, %s, %s, %s, 0)"] * len(rows))
			+ UPSERT,
			values,
		)


def delete(names: list[str]) -> None:
	for part in chunks(names):
		frappe.db.sql(
			f"DELETE FROM `__global_search` WHERE doctype = %s AND name IN ({placeholders(part)})",
			[DOCTYPE, *part],
		)
