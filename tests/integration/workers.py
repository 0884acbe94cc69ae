"""Code run in separate processes (each with its own database connection) by the concurrency tests."""

from __future__ import annotations

import os
import traceback


def _connect(site: str, sites_path: str):
	import frappe

	os.chdir(sites_path)
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	frappe.flags.in_test = True
	frappe.set_user("Administrator")
	return frappe


def complete_work_order(site, sites_path, work_order, qty, barrier, results, rollback=False):
	"""Complete ``work_order`` at the same moment as the other workers; commit (or roll back)."""
	frappe = None
	try:
		frappe = _connect(site, sites_path)
		from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

		se = frappe.get_doc(make_stock_entry(work_order, "Manufacture", qty))
		se.insert()
		barrier.wait(timeout=60)
		se.submit()
		names = frappe.get_all("Serial Record", filters={"stock_entry": se.name}, pluck="name")
		if rollback:
			frappe.db.rollback()
			results.put(("rolled back", work_order, names))
		else:
			frappe.db.commit()
			results.put(("committed", work_order, names))
	except Exception:
		results.put(("error", work_order, traceback.format_exc()))
	finally:
		if frappe:
			frappe.destroy()


def run_function(site, sites_path, dotted, kwargs, barrier, results, commit=True):
	"""Call ``dotted(**kwargs)`` at the same moment as the other workers; report its result or error."""
	frappe = None
	try:
		frappe = _connect(site, sites_path)
		fn = frappe.get_attr(dotted)
		barrier.wait(timeout=60)
		value = fn(**kwargs)
		if commit:
			frappe.db.commit()
		else:
			frappe.db.rollback()
		results.put(("ok", kwargs, value))
	except Exception as error:
		if frappe:
			frappe.db.rollback()
		results.put(("error", kwargs, f"{type(error).__name__}: {error}"))
	finally:
		if frappe:
			frappe.destroy()
