# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SerialRecordEvent(Document):
	pass


def on_doctype_update():
	"""Undoing a document finds the units it moved by its events: by reference, never by a scan."""
	import frappe

	frappe.db.add_index("Serial Record Event", ["reference_name", "reference_doctype"], "reference_idx")
