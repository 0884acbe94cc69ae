"""Set-based helpers: many rows in one statement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import frappe

CHUNK = 2000


def insert_rows(doctype: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
	"""Multi-row parameterised INSERT, ``CHUNK`` rows per statement."""
	cols = ", ".join(f"`{c}`" for c in columns)
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	chunk: list = []
	count = 0

	def flush():
		if count:
			frappe.db.sql(
				f"INSERT INTO `tab{doctype}` ({cols}) VALUES " + ", ".join([one] * count),
				chunk,
			)

	for row in rows:
		chunk.extend(row)
		count += 1
		if count == CHUNK:
			flush()
			chunk, count = [], 0
	flush()


def placeholders(values: Sequence) -> str:
	return ", ".join(["%s"] * len(values))


def chunks(values: Sequence, size: int = CHUNK):
	for i in range(0, len(values), size):
		yield values[i : i + size]
