"""Code run in separate processes (each with its own database connection) by the concurrency tests."""

from __future__ import annotations

import importlib
import os
import traceback


def _connect(site: str, sites_path: str):
	import frappe

	os.chdir(sites_path)
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	from tests.integration.factories import enter_test_mode

	enter_test_mode()
	frappe.set_user("Administrator")
	return frappe


def submit_entry(site, sites_path, stock_entry, barrier, results, rollback=False):
	"""Submit the draft Manufacture entry at the same moment as the other workers; commit (or roll back)."""
	frappe = None
	try:
		frappe = _connect(site, sites_path)
		barrier.wait(timeout=60)
		for attempt in range(5):
			# ERPNext's own stock ledger may deadlock under simultaneous submits; like a user, retry.
			# A rolled-back attempt must give its serial numbers back, which the caller checks.
			try:
				se = frappe.get_doc("Stock Entry", stock_entry)
				se.submit()
				break
			except frappe.QueryDeadlockError:
				frappe.db.rollback()
				if attempt == 4:
					raise
		names = frappe.get_all("Serial Record", filters={"stock_entry": se.name}, pluck="name")
		if rollback:
			frappe.db.rollback()
			results.put(("rolled back", stock_entry, names))
		else:
			frappe.db.commit()
			results.put(("committed", stock_entry, names))
	except Exception:
		results.put(("error", stock_entry, traceback.format_exc()))
	finally:
		if frappe:
			frappe.destroy()


def run_function(site, sites_path, dotted, kwargs, barrier, results, commit=True):
	"""Call ``dotted(**kwargs)`` at the same moment as the other workers; report its result or error."""
	frappe = None
	try:
		frappe = _connect(site, sites_path)
		module, name = dotted.rsplit(".", 1)
		fn = getattr(importlib.import_module(module), name)
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
