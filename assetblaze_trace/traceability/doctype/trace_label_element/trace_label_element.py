from frappe.model.document import Document


class TraceLabelElement(Document):
	pass
