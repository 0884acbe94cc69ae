"""New units start on hold, *Awaiting Quality Inspection*, when Traceability Settings say so."""

from __future__ import annotations

import frappe

from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.services import holds
from assetblaze_trace.services.db import as_json, json_names
from assetblaze_trace.services.settings import get_settings

AWAITING = "Awaiting"
ACCEPTED = "Accepted"
REJECTED = "Rejected"


def new_units(names: list[str]) -> int:
	"""Hold the units just made or received, awaiting their inspection: three statements whatever their number
	(the hold, its events, the inspection status). Returns how many were held."""
	if not names or not get_settings().get("quarantine_new_units"):
		return 0
	held = holds.hold(names, rules.AWAITING_INSPECTION)
	frappe.db.sql(
		f"""UPDATE `tabSerial Record` r JOIN {json_names()} ON r.name = j.name
		SET r.inspection_status = %(awaiting)s WHERE r.on_hold = 1""",
		{"names": as_json(names), "awaiting": AWAITING},
	)
	return held
