"""Helpers for the app's print formats (exposed to Jinja through hooks.jinja)."""

from __future__ import annotations

import frappe


def serials_of_row(sales_order: str, item_code: str) -> list[frappe._dict]:
	"""The units reserved for or shipped against ``sales_order`` of ``item_code``, in serial order."""
	if not frappe.has_permission("Serial Record", "read"):
		return []
	return frappe.get_all(
		"Serial Record",
		filters={"sales_order": sales_order, "item_code": item_code},
		fields=["serial_no", "qty", "trace_type", "status"],
		order_by="serial_sequence asc, serial_no asc, name asc",
	)
