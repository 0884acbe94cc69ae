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
