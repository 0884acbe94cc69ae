"""A label design: its size, its elements, and (for office printers) how labels sit on a sheet."""

import frappe
from frappe import _
from frappe.model.document import Document


class TraceLabelTemplate(Document):
	def validate(self):
		from assetblaze_trace.floor import labels

		labels.validate_template(self)
