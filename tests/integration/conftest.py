import os

import frappe
import pytest

from assetblaze_trace.services.settings import clear_cache

SITE = os.environ["ASSETBLAZE_TEST_SITE"]


@pytest.fixture(scope="session", autouse=True)
def site_connection():
	frappe.init(site=SITE, sites_path=os.getcwd())
	frappe.connect()
	from tests.integration.factories import enter_test_mode

	enter_test_mode()
	frappe.set_user("Administrator")
	from tests.integration.factories import ensure_fiscal_year

	ensure_fiscal_year()
	yield
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(autouse=True)
def each_test_rolls_back():
	"""Every test runs in one transaction that is rolled back: the site is left as it was."""
	frappe.db.rollback()
	frappe.set_user("Administrator")
	clear_cache()
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	clear_cache()
	frappe.local.message_log = []


@pytest.fixture(scope="session")
def unknown_voucher():
	"""A submittable DocType the app has never heard of (made once per test site, before any test's transaction:
	creating its table commits)."""
	from tests.integration.factories import unknown_voucher_doctype

	frappe.db.rollback()
	return unknown_voucher_doctype()
