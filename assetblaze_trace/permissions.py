"""Which units a user may touch: one set-based answer used by every whitelisted method (PRODUCT.md §10).

A user reads Serial Records by role (the DocType's permissions) and, within that, only the records their User
Permissions allow — the same rule Frappe's own list view applies: for every Link field of Serial Record whose
target DocType the user is restricted on (Company, Warehouse, Item, Customer, Sales Order, Work Order, ...), the
record's value must be one the user may use (an empty value passes unless *Apply Strict User Permissions* is
set). Here that rule is one SQL condition, so a thousand units are checked in one query, never one
``has_permission`` per unit.

A method asked for units outside the user's reach refuses without revealing them: it says how many of the given
units it may not touch, never which or where they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import frappe
from frappe import _

from assetblaze_trace.services.db import chunks, placeholders

RECORD = "Serial Record"


class Restrictions:
	"""The user's User Permissions on the Serial Record's links: fieldname -> allowed values."""

	def __init__(self, by_field: dict[str, set[str]], strict: bool):
		self.by_field = by_field
		self.strict = strict

	def __bool__(self) -> bool:
		return bool(self.by_field)

	def sql(self, alias: str = "") -> tuple[str, list]:
		"""`` AND (...)`` conditions for a query on `tabSerial Record` (``alias`` its alias), and their values."""
		prefix = f"{alias}." if alias else ""
		parts, values = [], []
		for field, allowed in sorted(self.by_field.items()):
			allowed = sorted(allowed)
			clause = f"{prefix}`{field}` IN ({placeholders(allowed)})"
			if not self.strict:
				clause = f"({prefix}`{field}` IS NULL OR {prefix}`{field}` = '' OR {clause})"
			parts.append(clause)
			values += allowed
		return ("".join(f" AND {p}" for p in parts), values)

	def criterion(self, record):
		"""The same conditions for ``frappe.qb`` (``record`` = ``frappe.qb.DocType("Serial Record")``); None when
		unrestricted."""
		out = None
		for field, allowed in sorted(self.by_field.items()):
			clause = record[field].isin(sorted(allowed))
			if not self.strict:
				clause = clause | record[field].isnull() | (record[field] == "")
			out = clause if out is None else out & clause
		return out

	def allows(self, row: dict, only_present: bool = False) -> bool:
		"""Whether one record (a dict with the restricted fields) is within reach; ``only_present`` judges a
		summary row (an item and a warehouse) by the fields it has."""
		for field, allowed in self.by_field.items():
			if only_present and field not in row:
				continue
			value = row.get(field)
			if value in allowed or (not value and not self.strict):
				continue
			return False
		return True

	def fields(self) -> list[str]:
		return sorted(self.by_field)


def restrictions(user: str | None = None) -> Restrictions:
	"""The user's restrictions on Serial Record (none for Administrator and for users without User Permissions)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return Restrictions({}, False)
	permitted = frappe.permissions.get_user_permissions(user) or {}
	by_field: dict[str, set[str]] = {}
	if permitted:
		meta = frappe.get_meta(RECORD)
		links = [
			(df.fieldname, df.options)
			for df in meta.get_link_fields()
			if not df.get("ignore_user_permissions") and df.options not in (RECORD, "DocType")
		]
		links.append(("name", RECORD))  # (a permission on units themselves names them; split_from is history)
		for fieldname, doctype in links:
			allowed = {
				p.get("doc")
				for p in permitted.get(doctype) or []
				if not p.get("applicable_for") or p.get("applicable_for") == RECORD
			}
			if allowed:
				by_field[fieldname] = allowed
	strict = bool(frappe.get_system_settings("apply_strict_user_permissions")) if by_field else False
	return Restrictions(by_field, strict)


def require_read() -> None:
	"""Role permission to read units at all (Guests and users without a role that reads them are refused)."""
	frappe.has_permission(RECORD, "read", throw=True)


def readable(names: Iterable[str]) -> list[str]:
	"""The given units that exist and that the user may read, in the order given (one query per 1,000)."""
	names = list(dict.fromkeys(n for n in names if n))
	if not names:
		return []
	require_read()
	limits = restrictions()
	condition, values = limits.sql()
	found: set[str] = set()
	for part in chunks(names):
		found.update(
			frappe.db.sql(
				f"SELECT name FROM `tabSerial Record` WHERE name IN ({placeholders(part)}){condition}",
				[*part, *values],
				pluck=True,
			)
		)
	return [n for n in names if n in found]


def check(names: Sequence[str], action: str) -> list[str]:
	"""Refuse, without naming them, when any of ``names`` is a unit outside what the user may read; returns the
	names, deduplicated. A name that is no unit at all passes on: the service answers for it as it always did (a
	hold skips it, a restock says it does not exist), to every user alike."""
	names = list(dict.fromkeys(n for n in names if n))
	require_read()
	if not names or not restrictions():
		return names
	existing: set[str] = set()
	for part in chunks(names):
		existing.update(
			frappe.db.sql(
				f"SELECT name FROM `tabSerial Record` WHERE name IN ({placeholders(part)})", part, pluck=True
			)
		)
	outside = len(existing) - len(readable(existing))
	if outside:
		frappe.throw(
			_(
				"{0} of these {1} units cannot be {2}: they are outside the companies, warehouses, items or "
				"customers you may work with. Nothing was changed."
			).format(outside, len(names), action),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	return names


def require_warehouse(warehouse: str | None) -> None:
	"""The warehouse (and its company) must be within the user's User Permissions: the units there are."""
	if not warehouse or not frappe.db.exists("Warehouse", warehouse):
		frappe.throw(_("Choose a warehouse."), frappe.ValidationError)
	limits = restrictions()
	if limits and not limits.allows(
		{"warehouse": warehouse, "company": frappe.get_cached_value("Warehouse", warehouse, "company")}, True
	):
		frappe.throw(
			_("You may not work with warehouse {0}.").format(frappe.bold(warehouse)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
