"""Item and Item Group: validate the traceability fields saved on them."""

import frappe
from frappe import _

from assetblaze_trace.exceptions import InvalidGtinError, InvalidSerialFormatError, TraceConflictError
from assetblaze_trace.rules.serial_format import SerialFormatError, parse
from assetblaze_trace.services.settings import clear_cache


def validate_format(value: str | None, label: str) -> None:
	if not value:
		return
	try:
		parse(value)
	except SerialFormatError as error:
		frappe.throw(
			_("{0} {1} is not valid: {2}").format(
				label, frappe.bold(value), _(error.reason).format(**error.params)
			),
			InvalidSerialFormatError,
			title=_("Invalid Serial Format"),
		)


def validate_gtin(doc) -> None:
	"""``trace_gtin``: a GTIN-8, -12, -13 or -14 whose check digit holds (spaces around it dropped)."""
	from assetblaze_trace.rules.gs1 import gtin_problem

	value = (doc.get("trace_gtin") or "").strip()
	doc.trace_gtin = value or None
	if not value:
		return
	problem = gtin_problem(value)
	if problem:
		reason, params = problem
		frappe.throw(
			_("GTIN {0} of item {1} is not valid: {2}. Copy it again from the item's GS1 barcode.").format(
				frappe.bold(value), frappe.bold(doc.name), _(reason).format(**params)
			),
			InvalidGtinError,
			title=_("Invalid GTIN"),
		)
	from assetblaze_trace.floor.gs1 import gtin_forms
	from assetblaze_trace.rules.gs1 import gtin14

	other = frappe.db.get_value(
		"Item", {"trace_gtin": ("in", gtin_forms(gtin14(value))), "name": ("!=", doc.name)}, "name"
	)
	if other:  # a GTIN names one trade item: a scan of it must find one item
		frappe.throw(
			_("GTIN {0} is already the GTIN of item {1}. Each item has its own GTIN.").format(
				frappe.bold(value), frappe.bold(other)
			),
			InvalidGtinError,
			title=_("GTIN Taken"),
		)


def validate_item(doc, method=None):
	validate_format(doc.get("trace_serial_format"), _("Serial format"))
	validate_gtin(doc)
	if doc.get("trace_type") in ("Serial", "Batch") and (doc.has_serial_no or doc.has_batch_no):
		native = _("Has Serial No") if doc.has_serial_no else _("Has Batch No")
		frappe.throw(
			_(
				"Item {0} uses ERPNext's own tracking ({1}) and cannot also be traced by AssetBlaze Trace as {2}. "
				"Clear the Traceability Type on the item, or untick {1}."
			).format(frappe.bold(doc.name), native, _(doc.trace_type)),
			TraceConflictError,
			title=_("Two Kinds of Tracking"),
		)
	clear_cache()


def validate_item_group(doc, method=None):
	validate_format(doc.get("trace_serial_format"), _("Serial format"))
	clear_cache()
