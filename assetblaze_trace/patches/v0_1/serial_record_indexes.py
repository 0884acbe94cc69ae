"""Replace the first picking/status indexes with one that serves both, and make serial_no binary."""

import frappe

from assetblaze_trace.traceability.doctype.serial_record.serial_record import on_doctype_update

SUPERSEDED = ("pick_idx", "status_item_idx")


def execute():
	existing = {row.Key_name for row in frappe.db.sql("SHOW INDEX FROM `tabSerial Record`", as_dict=True)}
	for index in SUPERSEDED:
		if index in existing:
			frappe.db.sql_ddl(f"ALTER TABLE `tabSerial Record` DROP INDEX `{index}`")
	on_doctype_update()
