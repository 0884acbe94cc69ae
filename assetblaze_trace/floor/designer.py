"""The label designer's server side: a live preview of a template (saved or as the page holds it) for a real
unit, drawn by the writer that prints the run; the page itself is ``traceability/page/trace_label_designer``."""

from __future__ import annotations

import base64
import json

import frappe
from frappe import _

from assetblaze_trace import permissions
from assetblaze_trace.floor import label_design, label_zpl, labels


def preview(template: str | dict, unit: str | None = None) -> dict:
	"""One label as a PNG (base64), its ZPL, the unit shown, and what is wrong with the design (as text)."""
	doc = _template_dict(template)
	design = label_design.design_from(doc)
	found = label_design.problems(design, labels.serial_record_fields())
	row = _unit_row(unit)
	values = labels.label_values(design, row)
	images = labels.image_bytes(design.images)  # read once, for the picture and the ZPL
	return {
		"png": base64.b64encode(labels.picture(design, values, images)).decode(),
		"unit": row["name"] if row else None,
		"zpl": label_zpl.render(design, [values], images),
		"problems": [_(message).format(**args) for _row, message, args in found],
	}


def _template_dict(template: str | dict) -> dict:
	"""A saved template by name (read permission on it), or the designer's unsaved copy (read permission on
	the DocType: a preview writes nothing)."""
	if isinstance(template, str) and template.strip().startswith("{"):
		template = json.loads(template)
	if isinstance(template, dict):
		frappe.has_permission("Trace Label Template", "read", throw=True)
		return template
	labels.check_template(template)
	return frappe.get_doc("Trace Label Template", template).as_dict()


def _unit_row(unit: str | None) -> dict | None:
	"""The unit to show: the one named, when the user may read it; else the newest one the user may read."""
	if unit:
		if not permissions.readable([unit]):
			frappe.throw(
				_("Serial record {0} does not exist or is outside what you may read.").format(
					frappe.bold(unit)
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		filters = {"name": unit}
	else:
		filters = {}
	rows = frappe.get_list(
		"Serial Record",
		filters=filters,
		fields=labels.FIELDS,
		order_by="manufactured_on desc, name desc",  # made_idx: instant at millions of units
		limit_page_length=1,
	)
	return rows[0] if rows else None
