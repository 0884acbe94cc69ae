"""What differs between the Frappe/ERPNext majors this app supports (15 and 16), in one place.

Everything else in the app is written once for both. Each name here says *what* differs, so a reader
never meets a bare version check elsewhere:

- :func:`desk_prefix` / :func:`desk_path`: Frappe 15 serves the Desk under ``/app``, Frappe 16 under
  ``/desk`` (and redirects ``/app`` there).
"""

from __future__ import annotations

from urllib.parse import quote

import frappe


def frappe_major() -> int:
	return int(str(frappe.__version__).split(".")[0])


def desk_prefix() -> str:
	"""``app`` on Frappe 15, ``desk`` from Frappe 16 on."""
	return "desk" if frappe_major() >= 16 else "app"


def desk_path(doctype: str, name: str | None = None) -> str:
	"""The Desk route of a form (or of a list without ``name``), without the leading slash, as Frappe's
	own ``get_absolute_url`` builds it on each major."""
	path = f"{desk_prefix()}/{quote(frappe.scrub(doctype).replace('_', '-'))}"
	return f"{path}/{quote(name, safe='')}" if name else path
