"""Serial counters: one per rendered prefix, taken with a locked update inside the request's transaction.

The row lock taken by the UPDATE is held until the request commits, so two completions at the same
moment queue on it and never get the same numbers; a refused or rolled-back completion rolls the
counter back with it, so no number is lost.
"""

from __future__ import annotations

import frappe

COUNTER = "Serial Counter"


def take(key: str, count: int) -> int:
	"""Reserve ``count`` consecutive numbers under ``key``; returns the first one."""
	if count <= 0:
		raise ValueError("count must be positive")
	frappe.db.sql(
		"UPDATE `tabSerial Counter` SET current = current + %(n)s, modified = %(now)s WHERE name = %(key)s",
		{"n": count, "key": key, "now": frappe.utils.now()},
	)
	if not _rows_affected():
		now = frappe.utils.now()
		user = frappe.session.user
		if frappe.db.db_type == "postgres":
			upsert = (
				"INSERT INTO `tabSerial Counter` (name, current, creation, modified, owner, modified_by, docstatus) "
				"VALUES (%(key)s, %(n)s, %(now)s, %(now)s, %(user)s, %(user)s, 0) "
				"ON CONFLICT (name) DO UPDATE SET current = `tabSerial Counter`.current + %(n)s"
			)
		else:
			upsert = (
				"INSERT INTO `tabSerial Counter` (name, current, creation, modified, owner, modified_by, docstatus) "
				"VALUES (%(key)s, %(n)s, %(now)s, %(now)s, %(user)s, %(user)s, 0) "
				"ON DUPLICATE KEY UPDATE current = current + %(n)s"
			)
		frappe.db.sql(upsert, {"key": key, "n": count, "now": now, "user": user})
	last = frappe.db.sql("SELECT current FROM `tabSerial Counter` WHERE name = %s", key)[0][0]
	return int(last) - count + 1


def peek(key: str) -> int:
	"""The next number ``key`` would give (no lock)."""
	current = frappe.db.get_value(COUNTER, key, "current")
	return int(current or 0) + 1


def _rows_affected() -> int:
	return frappe.db._cursor.rowcount if frappe.db._cursor else 0
