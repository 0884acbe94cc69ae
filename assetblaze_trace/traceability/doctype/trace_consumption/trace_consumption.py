# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from assetblaze_trace.exceptions import ManualChangeError


class TraceConsumption(Document):
	"""One component a consuming entry used up. Written and removed set-based by services/consumption.py,
	never through this controller: a person can read these rows, not make or change them."""

	def before_insert(self):
		frappe.throw(
			_("Consumption is recorded by the app when a consuming Stock Entry is submitted."),
			ManualChangeError,
			title=_("Not Allowed"),
		)

	def validate(self):
		frappe.throw(
			_("Consumption records cannot be changed by hand."), ManualChangeError, title=_("Read Only")
		)

	def on_trash(self):
		frappe.throw(
			_("Consumption records go away when the entry that consumed is cancelled."),
			ManualChangeError,
			title=_("Not Allowed"),
		)


def on_doctype_update():
	"""Backward walks start from the consuming entry; forward walks from the component."""
	frappe.db.add_index("Trace Consumption", ["reference_doctype", "reference_name"], "reference_idx")
	frappe.db.add_index("Trace Consumption", ["consumed", "consumed_kind"], "consumed_idx")
	# covering indexes for genealogy's walks: where a component went (forward) and what an entry used,
	# each read from the index alone
	frappe.db.add_index(
		"Trace Consumption",
		["consumed", "consumed_kind", "reference_doctype", "reference_name"],
		"consumed_entry_idx",
	)
	frappe.db.add_index(
		"Trace Consumption",
		["reference_doctype", "reference_name", "consumed_kind", "consumed"],
		"entry_consumed_idx",
	)
	frappe.db.add_index("Trace Consumption", ["serial_no"])
	frappe.db.add_index("Trace Consumption", ["work_order"])
