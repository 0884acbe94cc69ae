"""The lifecycle service: the only writer of Serial Record statuses and events.

Every change of a unit goes through :func:`create_units`, :func:`move` or :func:`take_back`. Each
locks the rows it changes, checks the requested move against the pure rules, writes all units in one
statement per step and logs one event per unit. Nothing here commits: the request's transaction does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import now

from assetblaze_trace.exceptions import TraceabilityError
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.services import search_index
from assetblaze_trace.services.db import chunks, insert_rows, placeholders

RECORD = "Serial Record"
EVENT = "Serial Record Event"
MAX_NAMED = 20

UNIT_COLUMNS = (
	"name",
	"serial_no",
	"trace_type",
	"item_code",
	"item_name",
	"qty",
	"status",
	"warehouse",
	"company",
	"work_order",
	"stock_entry",
	"manufactured_on",
	"serial_counter",
	"serial_sequence",
	"sales_order",
	"customer",
	"reserved_on",
	"split_from",
)
_META_COLUMNS = ("creation", "modified", "owner", "modified_by", "docstatus")
_EVENT_COLUMNS = (
	"name",
	"parent",
	"parenttype",
	"parentfield",
	"idx",
	"timestamp",
	"event",
	"from_status",
	"to_status",
	"reference_doctype",
	"reference_name",
	"user",
	"detail",
	*_META_COLUMNS,
)


@dataclass
class Reference:
	"""The document that caused a move."""

	doctype: str
	name: str
	detail: str | None = None


@dataclass
class NewUnit:
	name: str
	values: dict = field(default_factory=dict)


def name_units(units: Sequence[str], limit: int = MAX_NAMED) -> str:
	shown = ", ".join(units[:limit])
	if len(units) > limit:
		shown += " " + _("and {0} more").format(len(units) - limit)
	return shown


def create_units(units: Sequence[NewUnit], reference: Reference, *, extra_events: Sequence[str] = ()) -> None:
	"""Insert new Available units (one statement per chunk) and log ``Made`` (+ ``extra_events``)."""
	if not units:
		return
	timestamp, user = now(), frappe.session.user
	meta = (timestamp, timestamp, user, user, 0)
	fixed = {"status": rules.AVAILABLE}
	numbers = {"qty": 1, "serial_sequence": 0}  # NOT NULL columns
	insert_rows(
		RECORD,
		UNIT_COLUMNS + _META_COLUMNS,
		(
			tuple(
				unit.name
				if col == "name"
				else fixed[col]
				if col in fixed
				else unit.values.get(col, numbers.get(col))
				for col in UNIT_COLUMNS
			)
			+ meta
			for unit in units
		),
	)
	names = [u.name for u in units]
	search_index.index_after_commit([(u.name, u.values.get("serial_no"), u.values.get("item_code")) for u in units])
	log_events(names, rules.MADE, None, rules.AVAILABLE, reference, timestamp=timestamp, first_idx=1)
	for offset, event in enumerate(extra_events, start=2):
		log_events(names, event, rules.AVAILABLE, rules.AVAILABLE, reference, timestamp=timestamp, first_idx=offset)


def lock_units(names: Sequence[str], fields: Sequence[str] = ("status",)) -> dict[str, dict]:
	"""SELECT ... FOR UPDATE the given units; returns name -> row."""
	found: dict[str, dict] = {}
	cols = ", ".join(f"`{c}`" for c in ("name", *fields))
	for part in chunks(list(names)):
		for row in frappe.db.sql(
			f"SELECT {cols} FROM `tabSerial Record` WHERE name IN ({placeholders(part)}) FOR UPDATE",
			part,
			as_dict=True,
		):
			found[row.name] = row
	return found


def move(
	names: Sequence[str],
	event: str,
	reference: Reference,
	*,
	set_values: dict | None = None,
	current: dict[str, dict] | None = None,
) -> None:
	"""Move ``names`` by ``event``: check every unit may make the move, then update them all at once.

	``set_values`` are further columns to write with the status (document links, dates). ``current``
	may pass rows already locked by the caller (name -> row with ``status``).
	"""
	names = list(dict.fromkeys(names))
	if not names:
		return
	current = current if current is not None else lock_units(names)
	missing = [n for n in names if n not in current]
	if missing:
		frappe.throw(
			_("These serial records do not exist: {0}").format(name_units(missing)),
			TraceabilityError,
			title=_("Unknown Serial"),
		)
	try:
		rules.check_move(event, {n: current[n]["status"] for n in names})
	except rules.MoveNotAllowed as refused:
		offenders = list(refused.offenders)
		frappe.throw(
			_("{0} cannot happen to {1}: their status is {2}, and this step needs {3}.").format(
				_(event),
				name_units(offenders),
				", ".join(sorted({_(s or "") for s in refused.offenders.values()})),
				" / ".join(_(s) for s in rules.allowed_from(event) if s),
			),
			TraceabilityError,
			title=_("Not Allowed"),
		)

	to_status = rules.target_status(event)
	timestamp = now()
	values = dict(set_values or {})
	values.update({"status": to_status, "modified": timestamp, "modified_by": frappe.session.user})
	assignments = ", ".join(f"`{col}` = %s" for col in values)
	for part in chunks(names):
		frappe.db.sql(
			f"UPDATE `tabSerial Record` SET {assignments} WHERE name IN ({placeholders(part)})",
			[*values.values(), *part],
		)
	by_from: dict[str, list[str]] = {}
	for n in names:
		by_from.setdefault(current[n]["status"], []).append(n)
	for from_status, group in by_from.items():
		log_events(group, event, from_status, to_status, reference, timestamp=timestamp)


def stamp(names: Sequence[str], event: str, reference: Reference, set_values: dict) -> None:
	"""A move that keeps the status (reserve, clear reservation, transfer): same checks, same log."""
	move(names, event, reference, set_values=set_values)


def take_back(names: Sequence[str], reference: Reference) -> None:
	"""Delete units whose making was cancelled; refused unless every one is still Available."""
	names = list(names)
	if not names:
		return
	current = lock_units(names)
	try:
		rules.check_move(rules.TAKEN_BACK, {n: current.get(n, {}).get("status") for n in names})
	except rules.MoveNotAllowed as refused:
		raise_moved_on(list(refused.offenders), {n: current.get(n, {}).get("status") for n in refused.offenders})
	for part in chunks(names):
		frappe.db.sql(f"DELETE FROM `tabSerial Record Event` WHERE parent IN ({placeholders(part)})", part)
		frappe.db.sql(f"DELETE FROM `tabSerial Record` WHERE name IN ({placeholders(part)})", part)
	search_index.unindex_after_commit(names)


def raise_moved_on(units: list[str], statuses: dict[str, str | None]) -> None:
	from assetblaze_trace.exceptions import UnitsMovedOnError

	detail = ", ".join(f"{u} ({_(statuses.get(u) or '')})" for u in units[:MAX_NAMED])
	if len(units) > MAX_NAMED:
		detail += " " + _("and {0} more").format(len(units) - MAX_NAMED)
	frappe.throw(
		_(
			"This entry cannot be cancelled because units it made have moved on from Available: {0}. "
			"Release, return or transfer them back first."
		).format(detail),
		UnitsMovedOnError,
		title=_("Units Have Moved On"),
	)


def log_events(
	names: Sequence[str],
	event: str,
	from_status: str | None,
	to_status: str | None,
	reference: Reference,
	*,
	timestamp: str | None = None,
	first_idx: int | None = None,
) -> None:
	"""One event row per unit, appended after the unit's existing events."""
	if not names:
		return
	timestamp = timestamp or now()
	user = frappe.session.user
	if first_idx is None:
		next_idx = {}
		for part in chunks(list(names)):
			next_idx.update(
				frappe.db.sql(
					f"SELECT parent, MAX(idx) FROM `tabSerial Record Event` WHERE parent IN ({placeholders(part)}) "
					"GROUP BY parent",
					part,
				)
			)
	hashes = _event_names(len(names))
	insert_rows(
		EVENT,
		_EVENT_COLUMNS,
		(
			(
				hashes[i],
				unit,
				RECORD,
				"events",
				first_idx if first_idx is not None else int(next_idx.get(unit) or 0) + 1,
				timestamp,
				event,
				from_status,
				to_status,
				reference.doctype,
				reference.name,
				user,
				reference.detail,
				timestamp,
				timestamp,
				user,
				user,
				0,
			)
			for i, unit in enumerate(names)
		),
	)


def _event_names(count: int) -> list[str]:
	"""Unique row names for many event rows without a round trip per row."""
	base = frappe.generate_hash(length=10)
	return [f"{base}{i:x}" for i in range(count)]


def split(name: str, qty_off: float, reference: Reference) -> str:
	"""Split ``qty_off`` off a lot portion into a new portion with the same status and links.

	The original keeps its name and the rest of the quantity. Returns the new portion's name.
	"""
	row = frappe.db.sql("SELECT * FROM `tabSerial Record` WHERE name = %s FOR UPDATE", name, as_dict=True)[0]
	if row.trace_type != "Batch" or not (0 < qty_off < row.qty):
		frappe.throw(_("Cannot split {0} of {1} (quantity {2}).").format(qty_off, name, row.qty), TraceabilityError)
	new_name = f"{row.serial_no}-{frappe.generate_hash(length=6).upper()}"
	timestamp, user = now(), frappe.session.user
	new_row = dict(row, name=new_name, qty=qty_off, split_from=name, creation=timestamp, modified=timestamp, owner=user, modified_by=user)
	columns = list(new_row)
	insert_rows(RECORD, columns, [[new_row[c] for c in columns]])
	search_index.index_after_commit([(new_name, row.serial_no, row.item_code)])
	frappe.db.sql(
		"UPDATE `tabSerial Record` SET qty = qty - %s, modified = %s WHERE name = %s", (qty_off, timestamp, name)
	)
	detail = _("{0} split off {1}").format(qty_off, name)
	log_events([name, new_name], rules.SPLIT, row.status, row.status, Reference(reference.doctype, reference.name, detail), timestamp=timestamp)
	return new_name
