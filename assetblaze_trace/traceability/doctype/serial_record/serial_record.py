# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from assetblaze_trace.exceptions import ManualChangeError

# The only field a person may change; everything else is written by the lifecycle service.
EDITABLE_FIELDS = {"notes"}


class SerialRecord(Document):
	def before_insert(self):
		frappe.throw(
			_("Serial Records are made by manufacturing only: submit a Manufacture Stock Entry to make units."),
			ManualChangeError,
			title=_("Not Allowed"),
		)

	def validate(self):
		before = self.get_doc_before_save()
		if not before:
			return
		changed = [
			df.label or df.fieldname
			for df in self.meta.fields
			if df.fieldname not in EDITABLE_FIELDS
			and df.fieldtype not in ("Table", "Section Break", "Column Break", "HTML")
			and (self.get(df.fieldname) or None) != (before.get(df.fieldname) or None)
		]
		if changed or len(self.events) != len(before.events):
			frappe.throw(
				_(
					"Only the Notes of a Serial Record can be changed by hand; {0} follow the unit's documents "
					"(Stock Entry, Delivery Note, Sales Invoice, returns)."
				).format(", ".join(_(c) for c in changed) or _("its events")),
				ManualChangeError,
				title=_("Read Only"),
			)

	def on_trash(self):
		frappe.throw(
			_("Serial Records cannot be deleted by hand: cancel the Manufacture Stock Entry that made them."),
			ManualChangeError,
			title=_("Not Allowed"),
		)


def on_doctype_update():
	"""Indexes for picking, the report and the document views (set-based queries rely on them)."""
	frappe.db.add_index("Serial Record", ["item_code", "warehouse", "status", "sales_order", "manufactured_on"], "pick_idx")
	frappe.db.add_index("Serial Record", ["status", "item_code", "manufactured_on"], "status_item_idx")
	frappe.db.add_index("Serial Record", ["item_code", "manufactured_on"], "item_made_idx")
	for column in ("work_order", "stock_entry", "sales_order", "delivery_note", "sales_invoice", "shipment_row", "serial_no"):
		frappe.db.add_index("Serial Record", [column])
