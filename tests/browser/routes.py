"""The Desk's URL prefix on this bench: ``/app`` on Frappe 15, ``/desk`` on Frappe 16 — the one platform
difference the browser tests meet in URLs. Tests write Desk paths as ``/app/...`` (``Desk.goto`` maps them)
and compare URLs with ``DESK + "/..."``."""

from assetblaze_trace.compat import desk_prefix

DESK = "/" + desk_prefix()
