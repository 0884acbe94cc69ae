"""Set-based helpers: many rows in one statement."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

import frappe

CHUNK = 2000


def literal(value) -> str:
	"""An SQL literal, escaped by the connection's own escaping."""
	if value is None:
		return "NULL"
	if isinstance(value, bool):
		return "1" if value else "0"
	if isinstance(value, int | float | Decimal):
		return repr(value) if not isinstance(value, Decimal) else str(value)
	if isinstance(value, datetime.datetime | datetime.date):
		value = str(value)
	return frappe.db.escape(str(value), percent=False)


def insert_rows(
	doctype: str,
	columns: Sequence[str],
	rows: Iterable[Sequence],
	constants: dict | None = None,
) -> None:
	"""Multi-row INSERT, ``CHUNK`` rows per statement.

	``constants`` are columns with the same value on every row: escaped once, not once per row,
	which is most of the cost of writing thousands of rows.
	"""
	constants = constants or {}
	cols = ", ".join(f"`{c}`" for c in (*columns, *constants))
	tail = "".join(", " + literal(v) for v in constants.values())
	head = f"INSERT INTO `tab{doctype}` ({cols}) VALUES "
	chunk: list[str] = []
	for row in rows:
		chunk.append("(" + ", ".join(literal(v) for v in row) + tail + ")")
		if len(chunk) == CHUNK:
			frappe.db.sql(head + ", ".join(chunk))
			chunk = []
	if chunk:
		frappe.db.sql(head + ", ".join(chunk))


def placeholders(values: Sequence) -> str:
	return ", ".join(["%s"] * len(values))


def chunks(values: Sequence, size: int = CHUNK):
	for i in range(0, len(values), size):
		yield values[i : i + size]


def json_rows_supported() -> bool:
	"""MariaDB (10.6+, which the app needs anyway) expands a JSON array into rows with JSON_TABLE: a list of
	thousands of names travels as ONE parameter and the server does not parse thousands of literals."""
	return frappe.db.db_type == "mariadb"


def json_names(alias: str = "j") -> str:
	"""A JSON_TABLE over the parameter ``%(names)s`` (a JSON array of strings), column ``name``."""
	return f"JSON_TABLE(%(names)s, '$[*]' COLUMNS(name VARCHAR(140) PATH '$')) {alias}"


def as_json(values) -> str:
	return json.dumps(list(values), default=str)
