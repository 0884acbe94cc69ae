"""Labels for any number of units, drawn by their Trace Label Template: as one PDF (``label_pdf``) or as ZPL
(``label_zpl``), and one label as a picture for the designer's preview and the Serial Label print format.

Which template: the one named, else the unit's item's, its Item Group's (then the group's parents'), else
Traceability Settings' (``resolve_templates``, a query per tier for all the units' items at once). A site with
no template at all prints the default design (``default_template``), the seed's Serial Label.

A selection is a Work Order, a Stock Entry, a list of Serial Record names or list-view filters — sent in a POST
body, never in a URL. Up to ``labels_at_once`` labels (Traceability Settings) come back in the answer; more are
drawn by a background job that reports progress and leaves a private File, attached to the Work Order (or
Stock Entry) when the labels are all of one.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid

import frappe
from frappe import _
from frappe.utils import cint, flt, formatdate

from assetblaze_trace.compat import file_bytes
from assetblaze_trace.floor import label_design, label_pdf, label_zpl
from assetblaze_trace.floor.gs1 import unit_element_string
from assetblaze_trace.rules.resolution import build_tiers, resolve
from assetblaze_trace.services.settings import get_settings

AT_ONCE = 500  # labels returned in the answer when the settings say nothing
MOST = 100_000  # labels in one PDF (about 140 MB); narrow the selection for more
JOB_KEY = "assetblaze_trace:labels:"
# what the label fields are made from; a design naming any other Serial Record field costs one more query
FIELDS = [
	"name",
	"serial_no",
	"trace_type",
	"item_code",
	"item_name",
	"qty",
	"work_order",
	"manufactured_on",
	"manufacturing_date",
	"expiry_date",
	"customer",
	"sales_order",
	"warehouse",
	"company",
	"supplier",
]


def selection_from(
	work_order=None, stock_entry=None, names=None, filters=None, template=None
) -> frappe._dict:
	"""The one selection the caller gave, with names and filters decoded from JSON; refuses none or several.
	``template`` (optional) prints them all with that Trace Label Template."""
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
	selection = frappe._dict(given)
	if template:
		check_template(template)
		selection.template = template
	return selection


def check_template(template: str) -> None:
	"""The named template exists and the user may read it."""
	if not frappe.db.exists("Trace Label Template", template):
		frappe.throw(
			_("There is no label template {0}. Choose one from Trace Label Template.").format(
				frappe.bold(template)
			),
			frappe.DoesNotExistError,
			title=_("Label template"),
		)
	frappe.has_permission("Trace Label Template", "read", template, throw=True)


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


# ---------------------------------------------------------------------------------------------- templates

DEFAULT_TEMPLATE = "Serial Label"


def default_template(width: float = 100.0, height: float = 50.0) -> dict:
	"""The seed's Serial Label as a template: serial (bold), item, lot quantity (lots), Work Order and date,
	Code 128 below, QR code on the right; laid out for 100 x 50 mm and scaled to ``width`` x ``height``."""
	k = min(width / 100.0, height / 50.0)

	def el(kind, x, y, w, h, **more):
		row = {"element_type": kind, "x_mm": x * k, "y_mm": y * k, "width_mm": w * k, "height_mm": h * k}
		if "font_size" in more:
			more["font_size"] = round(more["font_size"] * k, 2)
		return {**row, **more}

	return {
		"doctype": "Trace Label Template",
		"template_name": DEFAULT_TEMPLATE,
		"width_mm": width,
		"height_mm": height,
		"elements": [
			el("Text", 3, 3, 61, 6, bind_to="serial", font_size=15, bold=1),
			el("Text", 3, 9.2, 61, 3.5, bind_to="item", font_size=8),
			el("Text", 3, 12.95, 61, 3, text=_("Lot") + " · " + _("Qty") + " {lot_qty}", font_size=7, grey=1),
			el("Text", 3, 16.16, 61, 3, text="{work_order} · {manufacturing_date}", font_size=7, grey=1),
			el("Code 128", 3, 35, 61, 12, bind_to="serial"),
			el("QR", 67, 3, 30, 30, bind_to="serial"),
		],
	}


def ensure_default_template() -> str | None:
	"""The default template exists and Traceability Settings names it, unless the settings name another. A
	site upgraded from fixed labels keeps its label size (``label_width`` / ``label_height`` it had set)."""
	if frappe.db.exists("Trace Label Template", DEFAULT_TEMPLATE):
		name = DEFAULT_TEMPLATE
	else:
		saved = dict(
			frappe.db.sql(
				"SELECT field, value FROM `tabSingles` WHERE doctype = 'Traceability Settings'"
				" AND field IN ('label_width', 'label_height')"
			)
		)
		width, height = flt(saved.get("label_width")), flt(saved.get("label_height"))
		if width <= 0 or height <= 0:
			width, height = 100.0, 50.0
		doc = frappe.get_doc(default_template(width, height))
		doc.flags.ignore_permissions = True
		doc.insert()
		name = doc.name
	if not frappe.db.get_single_value("Traceability Settings", "trace_label_template"):
		frappe.db.set_single_value("Traceability Settings", "trace_label_template", name)
	return name


GS1_TEMPLATE = "GS1 Label"


def gs1_template() -> dict:
	"""A GS1 label of 100 x 60 mm for items with a GTIN: GS1-128 across the top with its human-readable line
	(the element string as the standard shows it: AIs in brackets, dates YYMMDD), a GS1 DataMatrix, and the
	serial or lot, item and dates in plain words. For an item without a GTIN the GS1 symbols print nothing."""

	def el(kind, x, y, w, h, **more):
		return {"element_type": kind, "x_mm": x, "y_mm": y, "width_mm": w, "height_mm": h, **more}

	return {
		"doctype": "Trace Label Template",
		"template_name": GS1_TEMPLATE,
		"width_mm": 100,
		"height_mm": 60,
		"elements": [
			el("GS1-128", 4, 3, 92, 17, bind_to="gs1"),
			el("Text", 4, 20.5, 92, 3.5, bind_to="gs1", font_size=7, align="Center"),
			el("GS1 DataMatrix", 4, 28, 26, 26, bind_to="gs1"),
			el("Text", 34, 28, 62, 6, bind_to="serial", font_size=13, bold=1),
			el("Text", 34, 34.5, 62, 4, bind_to="item", font_size=8),
			el("Text", 34, 39.5, 62, 3.5, text=_("GTIN") + " {gtin}", font_size=7, grey=1),
			el("Text", 34, 43.5, 62, 3.5, text=_("Made") + " {manufacturing_date}", font_size=7, grey=1),
			el("Text", 34, 47.5, 62, 3.5, text=_("Use by") + " {expiry_date}", font_size=8, bold=1),
		],
	}


def ensure_gs1_template() -> str:
	"""The standard GS1 template exists (chosen per Item or Item Group; the settings' default is left alone)."""
	if not frappe.db.exists("Trace Label Template", GS1_TEMPLATE):
		doc = frappe.get_doc(gs1_template())
		doc.flags.ignore_permissions = True
		doc.insert()
	return GS1_TEMPLATE


def serial_record_fields() -> list[str]:
	"""Fields of Serial Record a label may show (not tables, breaks or HTML)."""
	skip = {"Table", "Table MultiSelect", "Section Break", "Column Break", "Tab Break", "HTML", "Button"}
	return [df.fieldname for df in frappe.get_meta("Serial Record").fields if df.fieldtype not in skip]


def bindings() -> list[dict]:
	"""What an element can be bound to, for the designer: the label fields, then every other Serial Record
	field, each with its label."""
	out = [{"value": name, "label": _(label)} for name, label in label_design.BINDINGS.items()]
	meta = frappe.get_meta("Serial Record")
	out += [
		{"value": name, "label": _(meta.get_label(name))}
		for name in serial_record_fields()
		if name not in label_design.BINDINGS
	]
	return out


def validate_template(doc) -> None:
	"""Refuse a template a writer could not print, naming the row and what to change."""
	design = label_design.design_from(doc.as_dict())
	found = label_design.problems(design, serial_record_fields())
	if found:
		frappe.throw(
			"<br>".join(_(message).format(**args) for _row, message, args in found),
			title=_("Label template {0}").format(doc.name or doc.template_name),
		)


def resolve_templates(item_codes) -> dict[str, str | None]:
	"""Each item's template: the Item's, else its Item Group's (nearest group first), else the settings'.
	One query for the items, one per distinct Item Group."""
	item_codes = list(dict.fromkeys(i for i in item_codes if i))
	if not item_codes:
		return {}
	items = frappe.get_all(
		"Item",
		filters={"name": ("in", item_codes)},
		fields=["name", "item_group", "trace_label_template"],
		limit_page_length=0,
	)
	groups = {row.item_group for row in items if row.item_group and not row.trace_label_template}
	chains = {name: _group_chain(name) for name in groups}  # one query per distinct group, not per unit
	fallback = get_settings().get("trace_label_template")
	out = {}
	for row in items:
		tiers = build_tiers(row.name, row.trace_label_template, chains.get(row.item_group, []), fallback)
		out[row.name] = resolve(tiers).value
	return out


def _group_chain(item_group: str) -> list[tuple[str, str | None]]:
	"""The group and its ancestors, nearest first, with the template each names."""
	group = frappe.qb.DocType("Item Group")
	this = frappe.qb.DocType("Item Group").as_("this")
	return [
		tuple(row)
		for row in frappe.qb.from_(group)
		.join(this)
		.on((group.lft <= this.lft) & (group.rgt >= this.rgt))
		.select(group.name, group.trace_label_template)
		.where(this.name == item_group)
		.orderby(group.lft, order=frappe.qb.desc)
		.run()
	]


def load_design(name: str | None) -> label_design.Design:
	"""The design of template ``name`` (cached for the request); the default design when there is none."""
	cache = getattr(frappe.local, "assetblaze_label_designs", None)
	if cache is None:
		cache = frappe.local.assetblaze_label_designs = {}
	if name not in cache:
		if name and frappe.db.exists("Trace Label Template", name):
			cache[name] = label_design.design_from(frappe.get_doc("Trace Label Template", name).as_dict())
		else:
			cache[name] = label_design.design_from(default_template())
	return cache[name]


def image_bytes(urls) -> dict[str, bytes]:
	"""The files behind the designs' images (a template readable by the user names them)."""
	out = {}
	for url in urls:
		name = frappe.db.get_value("File", {"file_url": url}, "name")
		if not name:
			frappe.throw(
				_("The label's image {0} is missing. Attach it again in the template.").format(url),
				title=_("Label image"),
			)
		file = frappe.get_doc("File", name)
		if file.is_private:  # a design names its picture by URL: only one the user may open is drawn
			file.check_permission("read")
		out[url] = file_bytes(file)
	return out


# ------------------------------------------------------------------------------------- what a label shows


def values_of(rows: list[dict], fields: frozenset[str]) -> list[dict[str, str]]:
	"""Each unit's label values, as text, for the fields the designs use (only those are worked out)."""
	dates: dict = {}

	def day(value) -> str:
		if not value:
			return ""
		key = value.date() if hasattr(value, "date") else value
		if key not in dates:
			dates[key] = formatdate(key)
		return dates[key]

	known = set(serial_record_fields())
	extra = (
		[f for f in fields if f in known and f not in label_design.BINDINGS and f not in rows[0]]
		if rows
		else []
	)
	if extra:  # Serial Record fields beyond the usual: one more query
		more = {
			r.name: r
			for r in frappe.get_all(
				"Serial Record",
				filters={"name": ("in", [r["name"] for r in rows])},
				fields=["name", *extra],
				limit_page_length=0,
			)
		}
		for row in rows:
			row.update({f: more.get(row["name"], {}).get(f) for f in extra})
	uoms = {}
	if "stock_uom" in fields:
		uoms = dict(
			frappe.get_all(
				"Item",
				filters={"name": ("in", list({r["item_code"] for r in rows}))},
				fields=["name", "stock_uom"],
				as_list=True,
			)
		)
	gtins = {}
	if fields & {"gtin", "gs1"}:
		gtins = dict(
			frappe.get_all(
				"Item",
				filters={"name": ("in", list({r["item_code"] for r in rows}))},
				fields=["name", "trace_gtin"],
				as_list=True,
			)
		)
	makers: dict[str, object] = {
		"serial": lambda r: r.get("serial_no") or r["name"],
		"lot": lambda r: (r.get("serial_no") or r["name"]) if r.get("trace_type") == "Batch" else "",
		"item": _item_title,
		"qty": lambda r: f"{flt(r.get('qty')):g}",
		"lot_qty": lambda r: f"{flt(r.get('qty')):g}" if r.get("trace_type") == "Batch" else "",
		"stock_uom": lambda r: uoms.get(r.get("item_code")) or "",
		"manufacturing_date": lambda r: day(r.get("manufacturing_date") or r.get("manufactured_on")),
		"expiry_date": lambda r: day(r.get("expiry_date")),
		"gtin": lambda r: gtins.get(r.get("item_code")) or "",
		"gs1": lambda r: unit_element_string({**r, "gtin": gtins.get(r.get("item_code"))}),
	}
	plain = [f for f in fields if f not in makers]
	made = [(f, makers[f]) for f in fields if f in makers]
	out = []
	for row in rows:
		values = {f: _text(row.get(f), day) for f in plain}
		for f, make in made:
			values[f] = make(row)
		out.append(values)
	return out


def _item_title(row: dict) -> str:
	title = row.get("item_code") or ""
	if row.get("item_name") and row["item_name"] != title:
		title = f"{title} · {row['item_name']}"
	return title


def _text(value, day) -> str:
	if value is None or value == "":
		return ""
	if hasattr(value, "year"):
		return day(value)
	if isinstance(value, float):
		return f"{value:g}"
	return str(value)


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


def grouped(rows: list[dict], template: str | None = None) -> list[tuple[label_design.Design, list[dict]]]:
	"""The units by the design that prints them, in the order of their first unit; within a design, in the
	order given."""
	if template:
		names = dict.fromkeys((r["item_code"] for r in rows), template)
	else:
		names = resolve_templates(r["item_code"] for r in rows)
	groups: dict[str | None, list[dict]] = {}
	for row in rows:
		groups.setdefault(names.get(row["item_code"]), []).append(row)
	return [(load_design(name), members) for name, members in groups.items()]


def render(rows: list[dict], progress=None, template: str | None = None) -> bytes:
	"""The PDF of ``rows``' labels."""
	groups = grouped(rows, template)
	urls = list(dict.fromkeys(u for design, _m in groups for u in design.images))
	images = {url: label_pdf.PdfImage.from_bytes(data) for url, data in image_bytes(urls).items()}
	return label_pdf.render_design(
		((design, values_of(members, design.fields)) for design, members in groups),
		font=font(),
		images=images,
		progress=progress,
		title=_("Labels"),
	)


def zpl(rows: list[dict], template: str | None = None) -> str:
	"""The ZPL of ``rows``' labels, one ``^XA...^XZ`` each."""
	out = []
	for design, members in grouped(rows, template):
		out.append(label_zpl.render(design, values_of(members, design.fields), image_bytes(design.images)))
	return "".join(out)


def label_values(design: label_design.Design, row: dict | None) -> dict[str, str]:
	"""One unit's values for ``design`` (the field names in capitals when there is no unit)."""
	return values_of([row], design.fields)[0] if row else sample_values(design.fields)


def picture(
	design: label_design.Design, values: dict[str, str], images: dict[str, bytes], scale: float = 12.0
) -> bytes:
	"""One label as a PNG, ``scale`` pixels a millimetre (12 = about 300 dpi), drawn by the PDF writer and
	rasterised by PDFium: exactly what the run prints. ``images``: the design's image files (``image_bytes``)."""
	import io

	import pypdfium2

	images = {u: label_pdf.PdfImage.from_bytes(d) for u, d in images.items()}
	single = dataclasses.replace(design, sheet=None)
	pdf = label_pdf.render_design([(single, [values])], font=font(), images=images)
	document = pypdfium2.PdfDocument(pdf)
	try:
		image = document[0].render(scale=scale * 25.4 / 72).to_pil()
	finally:
		document.close()
	buffer = io.BytesIO()
	image.save(buffer, format="PNG", optimize=False)
	return buffer.getvalue()


def sample_values(fields) -> dict[str, str]:
	"""Values shown when the preview has no unit to show: each field's name in capitals."""
	return {f: f.upper() for f in fields}


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
			"pdf": base64.b64encode(render(rows, template=selection.get("template"))).decode(),
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

		pdf = render(rows, progress=progress, template=selection.get("template"))
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
