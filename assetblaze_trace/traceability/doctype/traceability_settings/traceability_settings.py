# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from assetblaze_trace.overrides.item import validate_format
from assetblaze_trace.rules.serial_format import SerialFormatError, parse
from assetblaze_trace.services import counter
from assetblaze_trace.services.settings import clear_cache


class TraceabilitySettings(Document):
	def validate(self):
		validate_format(self.default_serial_format, _("Default Serial Format"))

	def on_update(self):
		clear_cache()

	@property
	def next_serial_preview(self) -> str:
		return preview_next_serial(self.default_serial_format)


def preview_next_serial(serial_format: str | None) -> str:
	try:
		parsed = parse(serial_format)
	except SerialFormatError as error:
		return _(error.reason).format(**error.params)
	today = getdate(nowdate())
	return parsed.render(today, counter.peek(parsed.counter_key(today)))


@frappe.whitelist()
def get_preview(serial_format: str) -> str:
	frappe.has_permission("Traceability Settings", "read", throw=True)
	return preview_next_serial(serial_format)
