"""Sales Order cancelled: release its units allocated on draft shipments and clear its reservations."""

import frappe

from assetblaze_trace.movements.shipments import release
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.services.lifecycle import Reference, move


def on_sales_order_cancel(doc) -> None:
	reference = Reference("Sales Order", doc.name)
	allocated = frappe.db.sql(
		"""SELECT r.name FROM `tabSerial Record` r
		JOIN `tabDelivery Note Item` i ON i.name = r.shipment_row
		WHERE r.status = 'Allocated' AND i.against_sales_order = %(so)s AND i.docstatus = 0
		UNION
		SELECT r.name FROM `tabSerial Record` r
		JOIN `tabSales Invoice Item` i ON i.name = r.shipment_row
		WHERE r.status = 'Allocated' AND i.sales_order = %(so)s AND i.docstatus = 0""",
		{"so": doc.name},
		pluck=True,
	)
	release(allocated, reference)
	reserved = frappe.db.sql(
		"SELECT name FROM `tabSerial Record` WHERE sales_order = %s AND status = 'Available'",
		doc.name,
		pluck=True,
	)
	move(
		reserved,
		rules.UNRESERVED,
		reference,
		set_values={"sales_order": None, "customer": None, "reserved_on": None},
	)
