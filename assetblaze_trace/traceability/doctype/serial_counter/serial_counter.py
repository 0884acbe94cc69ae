# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SerialCounter(Document):
	"""Read-only view of a counter; numbers are taken by ``assetblaze_trace.services.counter``."""
