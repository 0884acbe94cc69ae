# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SerialRecordEvent(Document):
	pass
