"""Labels for any number of units as one PDF (``floor.label_pdf`` draws it).

A selection is a Work Order, a Stock Entry, a list of Serial Record names or list-view filters — sent in a POST
body, never in a URL. Up to ``labels_at_once`` labels (Traceability Settings) come back in the answer; more are
drawn by a background job that reports progress and leaves a private File, attached to the Work Order (or
Stock Entry) when the labels are all of one.
"""

from __future__ import annotations

import base64
import json
import uuid

import frappe
from frappe import _
from frappe.utils import cint, flt, formatdate

from assetblaze_trace.floor import label_pdf
from assetblaze_trace.services.settings import get_settings

AT_ONCE = 500  # labels returned in the answer when the settings say nothing
MOST = 100_000  # labels in one PDF (about 140 MB); narrow the selection for more
JOB_KEY = "assetblaze_trace:labels:"
FIELDS = ["name", "serial_no", "trace_type", "item_code", "item_name", "qty", "work_order", "manufactured_on"]


def selection_from(work_order=None, stock_entry=None, names=None, filters=None) -> frappe._dict:
	"""The one selection the caller gave, with names and filters decoded from JSON; refuses none or several."""
	names = json.loads(names) if isinstance(names, str) else names
	filters = json.loads(filters) if isinstance(filters, str) else filters
	given = {
		key: value
		for key, value in (
			("work_order", work_order),
			("stock_entry", stock_entry),
			("names", names),
			("filters", filters),
		)
		if value
	}
	if len(given) != 1:
		frappe.throw(
			_(
				"Print Labels needs exactly one of: a Work Order, a Stock Entry, a list of serial records or filters."
			),
			title=_("What to print"),
		)
	if "names" in given and not (isinstance(names, list) and all(isinstance(n, str) and n for n in names)):
		frappe.throw(_("The serial records to print must be a list of names."), title=_("What to print"))
	return frappe._dict(given)


def units(selection: frappe._dict) -> list[dict]:
	"""The selected units the user may read, in the order they were made. Checks read permission on the
	Work Order / Stock Entry named and, through ``frappe.get_list``, on Serial Record (user permissions
	included)."""
	filters: list | dict
	if selection.get("work_order"):
		frappe.get_doc("Work Order", selection.work_order).check_permission("read")
		filters = {"work_order": selection.work_order}
	elif selection.get("stock_entry"):
		frappe.get_doc("Stock Entry", selection.stock_entry).check_permission("read")
		filters = {"stock_entry": selection.stock_entry}
	elif selection.get("names"):
		filters = {"name": ("in", list(dict.fromkeys(selection.names)))}
	else:
		filters = selection.filters
	rows = frappe.get_list(
		"Serial Record",
		filters=filters,
		fields=FIELDS,
		order_by="manufactured_on asc, serial_sequence asc, name asc",
		limit_page_length=MOST + 1,
	)
	if selection.get("names"):
		asked = len(set(selection.names))
		# some are outside the user's reach (or do not exist): say so, name none (none found at all: nothing
		# matches, as before)
		if 0 < len(rows) < min(asked, MOST + 1):
			frappe.throw(
				_(
					"{0} of these {1} units cannot be printed: they do not exist or are outside the companies, "
					"warehouses, items or customers you may work with."
				).format(asked - len(rows), asked),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
	if len(rows) > MOST:
		frappe.throw(
			_(
				"These are more than {0} units. Print their labels in parts (for example one Work Order or one day at a time)."
			).format(f"{MOST:,}"),
			title=_("Too many labels"),
		)
	return rows


def label_of(row: dict, dates: dict) -> dict:
	"""What one label shows: the serial; the item (and its name); for a lot its quantity; the Work Order and the
	date it was made. The barcodes carry the serial."""
	title = row["item_code"] or ""
	if row.get("item_name") and row["item_name"] != row["item_code"]:
		title = f"{title} · {row['item_name']}"
	lines = []
	if row.get("trace_type") == "Batch":
		lines.append(f"{_('Lot')} · {_('Qty')} {flt(row.get('qty')):g}")
	if row.get("work_order"):
		made = row.get("manufactured_on")
		day = made.date() if hasattr(made, "date") else made
		if day not in dates:
			dates[day] = formatdate(day) if day else ""
		lines.append(f"{row['work_order']} · {dates[day]}" if dates[day] else row["work_order"])
	return {"serial": row["serial_no"] or row["name"], "title": title, "lines": lines}


def layout() -> label_pdf.Layout:
	settings = get_settings()
	width, height = flt(settings.get("label_width")), flt(settings.get("label_height"))
	if width <= 0 or height <= 0:
		return label_pdf.Layout()
	return label_pdf.Layout.sized(width, height)


def font() -> label_pdf.TrueTypeFont | None:
	path = (get_settings().get("label_font") or "").strip()
	if path:
		found = label_pdf.load_font(path)
		if found is None:
			frappe.throw(
				_(
					"The label font {0} is not a TrueType file that may be embedded. Correct Label Font in Traceability Settings or clear it."
				).format(frappe.bold(path)),
				title=_("Label font"),
			)
		return found
	return label_pdf.load_font()


def render(rows: list[dict], progress=None) -> bytes:
	dates: dict = {}
	return label_pdf.render(
		(label_of(row, dates) for row in rows),
		layout=layout(),
		font=font(),
		progress=progress,
		title=_("Labels"),
	)


def attach_to(selection: frappe._dict, rows: list[dict]) -> tuple[str, str] | tuple[None, None]:
	"""The document the file belongs to: the Work Order (named, or shared by every unit) or the Stock Entry, when
	the user may read it."""
	if selection.get("stock_entry"):
		return "Stock Entry", selection.stock_entry
	orders = {row.get("work_order") for row in rows}
	if len(orders) == 1 and (order := orders.pop()) and frappe.has_permission("Work Order", "read", order):
		return "Work Order", order
	return None, None


def file_name(selection: frappe._dict, rows: list[dict]) -> str:
	_doctype, name = attach_to(selection, rows)
	stem = name or rows[0]["item_code"] or "units"
	return f"labels-{frappe.scrub(stem)}-{len(rows)}.pdf"


def start(selection: frappe._dict) -> dict:
	"""Print the selection: the PDF itself when small, else a background job's id (poll ``status``)."""
	rows = units(selection)
	if not rows:
		frappe.throw(_("No serial records match, so there are no labels to print."), title=_("No labels"))
	at_once = cint(get_settings().get("labels_at_once")) or AT_ONCE
	if len(rows) <= at_once:
		return {
			"count": len(rows),
			"filename": file_name(selection, rows),
			"pdf": base64.b64encode(render(rows)).decode(),
		}
	job = uuid.uuid4().hex
	_set_status(job, {"user": frappe.session.user, "total": len(rows), "done": 0, "status": "Queued"})
	frappe.enqueue(
		"assetblaze_trace.floor.labels.run_job",
		queue="long",
		timeout=3600,
		job=job,
		selection=dict(selection),
	)
	return {"count": len(rows), "job": job}


def run_job(job: str, selection: dict) -> None:
	"""The background job: draw the labels, save the file, report progress to the user who asked."""
	selection = frappe._dict(selection)
	state = status_of(job) or {"user": frappe.session.user}
	try:
		rows = units(selection)
		total = len(rows)
		title = _("Printing {0} labels").format(f"{total:,}")

		def progress(done: int) -> None:
			_set_status(job, {**state, "total": total, "done": done, "status": "Running"})
			frappe.publish_progress(
				done * 100 / max(total, 1), title=title, description=f"{done:,} / {total:,}"
			)

		pdf = render(rows, progress=progress)
		doctype, name = attach_to(selection, rows)
		saved = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": file_name(selection, rows),
				"is_private": 1,
				"content": pdf,
				"attached_to_doctype": doctype,
				"attached_to_name": name,
			}
		).insert(ignore_permissions=True)
		done = {
			**state,
			"total": total,
			"done": total,
			"status": "Done",
			"file_url": saved.file_url,
			"file_name": saved.file_name,
			"attached_to_doctype": doctype,
			"attached_to_name": name,
		}
		# the worker commits when the job returns; the link is offered once the File is committed
		frappe.db.after_commit.add(lambda: _set_status(job, done))
		frappe.db.after_commit.add(lambda: frappe.publish_progress(100, title=title, description=_("Done")))
	except Exception as error:
		message = (
			str(error)
			if isinstance(error, frappe.ValidationError)
			else _("The labels could not be made: {0}").format(error)
		)
		_set_status(job, {**state, "status": "Failed", "error": message})
		raise


def status_of(job: str) -> dict | None:
	return frappe.cache.get_value(JOB_KEY + job, expires=True)  # never a stale per-request copy


def _set_status(job: str, value: dict) -> None:
	frappe.cache.set_value(JOB_KEY + job, value, expires_in_sec=24 * 3600)


def status(job: str) -> dict:
	"""How far the job has come, for the user who started it (or a System Manager)."""
	state = status_of(job)
	if not state or (state.get("user") != frappe.session.user and "System Manager" not in frappe.get_roles()):
		frappe.throw(
			_("No label printing job {0} is known. It may have finished more than a day ago.").format(job),
			title=_("Labels"),
		)
	return {key: value for key, value in state.items() if key != "user"}
