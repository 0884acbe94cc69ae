"""Shared setup for the benchmarks: connect to a bench site and make test data through ERPNext."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def parse_args(description: str, **defaults) -> argparse.Namespace:
	parser = argparse.ArgumentParser(description=description)
	parser.add_argument("--site", default=os.environ.get("ASSETBLAZE_TEST_SITE", "assetblaze-test.localhost"))
	for name, value in defaults.items():
		parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
	return parser.parse_args()


def connect(site: str):
	"""Run from the bench's sites/ folder with the bench's Python (see README, Benchmarks)."""
	sys.path.insert(0, str(REPO))
	import frappe

	frappe.init(site=site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	from tests.integration.factories import enter_test_mode

	enter_test_mode()  # ERPNext skips e-mails and similar side work, as in its own tests
	return frappe


def timed(fn) -> float:
	start = time.perf_counter()
	fn()
	return time.perf_counter() - start


def median(values: list[float]) -> float:
	return statistics.median(values)


def show(label: str, values: list[float]) -> None:
	print(
		f"{label:<58} median {median(values):8.3f} s   runs: {', '.join(f'{v:.3f}' for v in values)}",
		flush=True,
	)


def insert_available_units(frappe, item: str, qty: int, warehouse: str, company: str, prefix: str) -> None:
	"""``qty`` Available Serial Records of ``item`` in ``warehouse``, oldest first, in one INSERT ... SELECT
	from MariaDB's sequence table (the caller gives ERPNext the same stock)."""
	frappe.db.sql(
		f"""INSERT INTO `tabSerial Record` (name, serial_no, trace_type, item_code, qty, status, warehouse, company,
			manufactured_on, serial_sequence, creation, modified, owner, modified_by, docstatus)
		SELECT CONCAT(%(p)s, LPAD(seq, 6, '0')), CONCAT(%(p)s, LPAD(seq, 6, '0')), 'Serial', %(item)s, 1, 'Available',
			%(wh)s, %(company)s, NOW(6) - INTERVAL (%(n)s - seq) SECOND, seq, NOW(6), NOW(6), 'Administrator',
			'Administrator', 0
		FROM seq_1_to_{int(qty)}""",
		{"p": prefix, "item": item, "wh": warehouse, "company": company, "n": qty},
	)
