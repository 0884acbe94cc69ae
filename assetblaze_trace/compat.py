"""What differs between the Frappe/ERPNext majors this app supports (15 and 16), in one place.

Everything else in the app is written once for both. Each name here says *what* differs, so a reader
never meets a bare version check elsewhere:

- :func:`desk_prefix` / :func:`desk_path`: Frappe 15 serves the Desk under ``/app``, Frappe 16 under
  ``/desk`` (and redirects ``/app`` there).
- :func:`hide_workspace`: Frappe 15 boots the sidebar from ``allowed_workspaces``; Frappe 16 from
  ``workspaces["pages"]``, its own sidebar records (``workspace_sidebar_item``), the desktop's icons and
  each app's workspace list (``app_data``).
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


def hide_workspace(bootinfo, name: str) -> None:
	"""Leave the workspace ``name`` out of what the Desk boots with, on either major (the keys a major does
	not have are simply absent)."""
	if bootinfo.get("allowed_workspaces"):
		bootinfo.allowed_workspaces = [w for w in bootinfo.allowed_workspaces if w.get("name") != name]
	pages = (bootinfo.get("workspaces") or {}).get("pages")
	if pages:
		bootinfo.workspaces["pages"] = [w for w in pages if w.get("name") != name]
	if bootinfo.get("workspace_sidebar_item"):
		bootinfo.workspace_sidebar_item.pop(name.lower(), None)
	if bootinfo.get("desktop_icons"):
		bootinfo.desktop_icons = [i for i in bootinfo.desktop_icons if i.get("label") != name]
	for app in bootinfo.get("app_data") or []:
		if name in (app.get("workspaces") or []):
			app["workspaces"] = [w for w in app["workspaces"] if w != name]


def file_bytes(file) -> bytes:
	"""A File's content as bytes. 15's ``get_content()`` gives bytes for a binary file; 16's tries text
	encodings first (a PNG can come back as a str) unless given ``encodings=[]``, which 15 does not take."""
	content = file.get_content(encodings=[]) if frappe_major() >= 16 else file.get_content()
	return content.encode("utf-8") if isinstance(content, str) else content
