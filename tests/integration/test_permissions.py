"""Who may read and change what: records are read-only for people, settings belong to managers."""

import frappe
import pytest

from assetblaze_trace import api
from tests.integration.factories import produce, serial_item, settings, uid


def make_user(*roles: str) -> str:
	email = f"{uid('u').lower()}@example.com"
	user = frappe.get_doc({"doctype": "User", "email": email, "first_name": "Trace", "send_welcome_email": 0})
	user.insert()
	user.add_roles(*roles)
	return email


@pytest.fixture
def unit():
	settings()
	item = serial_item()
	return item, produce(item, 1)[0]


@pytest.mark.parametrize("role", ["Stock User", "Sales User", "Manufacturing User"])
def test_stock_sales_and_manufacturing_users_can_read_records(unit, role):
	_item, name = unit
	frappe.set_user(make_user(role))
	assert frappe.has_permission("Serial Record", "read", name)
	assert not frappe.has_permission("Serial Record", "create")
	assert not frappe.has_permission("Serial Record", "delete", name)


def test_nobody_creates_or_deletes_records_by_hand():
	meta = frappe.get_meta("Serial Record")
	assert not any(p.create or p.delete for p in meta.permissions)


def test_only_managers_change_settings():
	users, manager = make_user("Stock User", "Sales User", "Manufacturing User"), make_user("Stock Manager")
	frappe.set_user(users)
	assert not frappe.has_permission("Traceability Settings", "write")
	frappe.set_user(manager)
	assert frappe.has_permission("Traceability Settings", "write")


def test_whitelisted_reads_check_permission_first(unit):
	item, _name = unit
	outsider, stock_user = make_user("Accounts User"), make_user("Stock User")
	frappe.set_user(outsider)  # may read Items, not Serial Records
	with pytest.raises(frappe.PermissionError):
		api.get_units({"item_code": item})
	frappe.set_user(stock_user)
	assert api.get_units({"item_code": item})["total"] == 1
