"""Item and Item Group: validate the traceability fields saved on them."""

import frappe
from frappe import _

from assetblaze_trace.exceptions import InvalidSerialFormatError, TraceConflictError
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


def validate_item(doc, method=None):
	validate_format(doc.get("trace_serial_format"), _("Serial format"))
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
