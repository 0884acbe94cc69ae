"""Holds: a unit in stock kept where it is (a recall, a failed test) until someone releases it.

A hold leaves the status as it is and sets ``on_hold``; every path that would send the unit somewhere refuses
it (``lifecycle.move`` for any listed unit, and FIFO picking never offers it). Holding or releasing many units
is one UPDATE and one INSERT of events, whatever their number.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now

from assetblaze_trace.exceptions import TraceabilityError
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.services.db import as_json, json_names
from assetblaze_trace.services.lifecycle import Reference, log_events


def hold(names, reason: str, detail: str | None = None) -> int:
	"""Put the in-stock units among ``names`` on hold (units already held, or out of stock, are left as they
	are). Returns how many were put on hold."""
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(
			_(
				"Say why the units are held (a recall, a failed test...): the reason is recorded on each unit."
			),
			TraceabilityError,
			title=_("Reason Needed"),
		)
	return _set(names, True, reason, rules.HOLD, detail or reason)


def release(names, detail: str | None = None) -> int:
	"""Release the held units among ``names``. Returns how many were released."""
	return _set(names, False, None, rules.HOLD_RELEASED, detail)


def _set(names, held: bool, reason: str | None, event: str, detail: str | None) -> int:
	names = list(dict.fromkeys(names or []))
	if not names:
		return 0
	statuses = "', '".join(rules.IN_STOCK)
	rows = frappe.db.sql(
		f"""SELECT r.name, r.status FROM {json_names()} JOIN `tabSerial Record` r ON r.name = j.name
		WHERE r.status IN ('{statuses}') AND r.on_hold = %(was)s FOR UPDATE""",
		{"names": as_json(names), "was": 0 if held else 1},
		as_dict=True,
	)
	if not rows:
		return 0
	changing = [r.name for r in rows]
	timestamp = now()
	frappe.db.sql(
		f"""UPDATE `tabSerial Record` r JOIN {json_names()} ON r.name = j.name
		SET r.on_hold = %(held)s, r.hold_reason = %(reason)s, r.held_on = %(on)s, r.modified = %(on)s,
			r.modified_by = %(user)s""",
		{
			"names": as_json(changing),
			"held": 1 if held else 0,
			"reason": reason,
			"on": timestamp if held else None,
			"user": frappe.session.user,
		},
	)
	by_status: dict[str, list[str]] = {}
	for r in rows:
		by_status.setdefault(r.status, []).append(r.name)
	for status, group in by_status.items():
		log_events(group, event, status, status, Reference(None, None, detail), timestamp=timestamp)
	return len(changing)
