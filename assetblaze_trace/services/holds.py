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
	"""Release the held units among ``names``, wherever they are now (cancelling a document may have undone
	what put a held unit in stock). Returns how many were released."""
	return _set(names, False, None, rules.HOLD_RELEASED, detail)


def _set(names, held: bool, reason: str | None, event: str, detail: str | None) -> int:
	"""Two statements whatever the number: the UPDATE (which locks the rows it changes) and the INSERT of
	their events, read back from the rows the UPDATE stamped (status kept: from and to are the same)."""
	names = list(dict.fromkeys(names or []))
	if not names:
		return 0
	statuses = "', '".join(rules.HOLDABLE)
	timestamp, user = now(), frappe.session.user
	frappe.db.sql(
		f"""UPDATE `tabSerial Record` r JOIN {json_names()} ON r.name = j.name
		SET r.on_hold = %(held)s, r.hold_reason = %(reason)s, r.held_on = %(held_on)s, r.modified = %(on)s,
			r.modified_by = %(user)s
		WHERE r.on_hold = %(was)s {f"AND r.status IN ('{statuses}')" if held else ""}""",
		{
			"names": as_json(names),
			"held": 1 if held else 0,
			"was": 0 if held else 1,
			"reason": reason,
			"held_on": timestamp if held else None,
			"on": timestamp,
			"user": user,
		},
	)
	shared = {
		"parenttype": "Serial Record",
		"parentfield": "events",
		"timestamp": timestamp,
		"event": event,
		"reference_doctype": None,
		"reference_name": None,
		"user": user,
		"detail": detail,
		"creation": timestamp,
		"modified": timestamp,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
	}
	keys = {f"c{i}": v for i, v in enumerate(shared.values())}
	frappe.db.sql(
		f"""INSERT INTO `tabSerial Record Event` (name, parent, idx, from_status, to_status,
			{", ".join(f"`{c}`" for c in shared)})
		SELECT CONCAT(%(base)s, LOWER(HEX(j.n))), r.name,
			(SELECT IFNULL(MAX(e.idx), 0) + 1 FROM `tabSerial Record Event` e WHERE e.parent = r.name),
			r.status, r.status, {", ".join(f"%({k})s" for k in keys)}
		FROM JSON_TABLE(%(names)s, '$[*]' COLUMNS(n FOR ORDINALITY, name VARCHAR(140) PATH '$')) j
		JOIN `tabSerial Record` r ON r.name = j.name
		WHERE r.modified = %(on)s AND r.modified_by = %(user)s AND r.on_hold = %(held)s""",
		{
			"base": frappe.generate_hash(length=12),
			"names": as_json(names),
			"on": timestamp,
			"user": user,
			"held": 1 if held else 0,
			**keys,
		},
	)
	return int(frappe.db.sql("SELECT ROW_COUNT()")[0][0])
