"""Serial Records leave ``__global_search`` (the awesome bar finds them through the suffix index, see
``api.global_search``): their rows are deleted in chunks, so a site with millions of them is never held by one
statement, and the patch can be stopped and run again (it deletes whatever is left)."""

import frappe

CHUNK = 50_000


def execute():
	if frappe.db.db_type != "mariadb":
		return
	while True:
		frappe.db.sql(f"DELETE FROM `__global_search` WHERE doctype = 'Serial Record' LIMIT {CHUNK}")
		deleted = frappe.db.sql("SELECT ROW_COUNT()")[0][0]
		frappe.db.commit()  # a patch, not a document hook: each chunk stays done
		if deleted < CHUNK:
			break
