"""Global search (the awesome bar) entries for Serial Records, written in bulk.

Frappe indexes documents one by one on save; our records are written set-based, so we write their
``__global_search`` rows ourselves. That table is MyISAM (not transactional), so rows are written
only after the request commits: a refused completion leaves no search entry behind.
"""

from __future__ import annotations

import frappe

from assetblaze_trace.services.db import chunks

DOCTYPE = "Serial Record"
CHUNK = 1000


def _content(serial_no: str, item_code: str | None) -> str:
	return f"Serial / Lot No : {serial_no} ||| Item : {item_code or ''}"


def index_after_commit(rows: list[tuple[str, str, str | None]]) -> None:
	"""Queue (name, serial_no, item_code) rows to be indexed when the transaction commits."""
	if not rows or frappe.db.db_type != "mariadb":
		return
	frappe.db.after_commit.add(lambda: write(rows))


def unindex_after_commit(names: list[str]) -> None:
	if not names or frappe.db.db_type != "mariadb":
		return
	frappe.db.after_commit.add(lambda: delete(names))


def write(rows: list[tuple[str, str, str | None]]) -> None:
	for part in chunks(rows, CHUNK):
		values = []
		for name, serial_no, item_code in part:
			values += [DOCTYPE, name, serial_no, _content(serial_no, item_code), f"app/serial-record/{name}"]
		frappe.db.sql(
			"INSERT INTO `__global_search` (doctype, name, title, content, route, published) VALUES "
			+ ", ".join(["(%s, %s, %s, %s, %s, 0)"] * len(part))
			+ " ON DUPLICATE KEY UPDATE title = VALUES(title), content = VALUES(content), route = VALUES(route)",
			values,
		)


def delete(names: list[str]) -> None:
	for part in chunks(names, CHUNK):
		frappe.db.sql(
			f"DELETE FROM `__global_search` WHERE doctype = %s AND name IN ({', '.join(['%s'] * len(part))})",
			[DOCTYPE, *part],
		)
