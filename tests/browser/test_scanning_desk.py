"""Scanning in ERPNext's own Scan Barcode field: a serial scanned into a new Delivery Note lands in the right
row's Traced Serials (adding the row, then incrementing it); a unit that cannot go is refused with an alert and
changes nothing; an item barcode still goes through ERPNext's own scanner. Data is made through ERPNext's
documents and committed (the web server reads it from another process)."""

from __future__ import annotations

import frappe
import pytest

from assetblaze_trace.compat import frappe_major

pytestmark = pytest.mark.browser
MAJOR = f"v{frappe_major()}"


@pytest.fixture(scope="module")
def scan_data(site_connection):
	from assetblaze_trace.services import holds
	from tests.integration.factories import make_customer, make_item, produce, serial_item, settings

	settings(enabled=1)
	item = serial_item()
	units = produce(item, 4)
	holds.hold([units[3]], "Failed burn-in")
	other = make_item()
	barcode = frappe.generate_hash(length=12)
	doc = frappe.get_doc("Item", other)
	doc.append("barcodes", {"barcode": barcode})
	doc.save()
	customer = make_customer()
	frappe.db.commit()
	return frappe._dict(item=item, units=units, customer=customer, other=other, barcode=barcode)


def rows(page):
	return page.evaluate(
		"() => cur_frm.doc.items.map(r => [r.item_code, r.qty, r.warehouse, r.trace_serials || ''])"
	)


def test_scanning_serials_into_a_delivery_note(desk, expect, scan_data):
	page = desk.page
	desk.goto("/app/delivery-note/new")
	page.wait_for_function(
		"() => window.cur_frm && cur_frm.doctype === 'Delivery Note' && cur_frm.doc.__islocal"
	)
	page.evaluate("(c) => cur_frm.set_value('customer', c)", scan_data.customer)
	page.wait_for_timeout(1000)
	field = page.locator('.frappe-control[data-fieldname="scan_barcode"]:visible input').first
	field.scroll_into_view_if_needed()
	fg = frappe.db.get_value("Serial Record", scan_data.units[0], "warehouse")

	def scan(value, alert):
		field.fill(value)
		field.press("Enter")
		expect(page.locator(".alert-message").filter(has_text=alert).last).to_be_visible()
		page.wait_for_timeout(500)

	scan(scan_data.units[0], f"{scan_data.units[0]} added")
	assert rows(page) == [[scan_data.item, 1, fg, scan_data.units[0]]]
	scan(scan_data.units[1], f"{scan_data.units[1]} added")
	assert rows(page) == [[scan_data.item, 2, fg, f"{scan_data.units[0]}\n{scan_data.units[1]}"]]
	desk.shot(f"{MAJOR}-1-two-serials-scanned")

	# refused, nothing changes: already listed; on hold
	scan(scan_data.units[0], "already listed on row 1")
	scan(scan_data.units[3], "on hold")
	assert rows(page) == [[scan_data.item, 2, fg, f"{scan_data.units[0]}\n{scan_data.units[1]}"]]
	desk.shot(f"{MAJOR}-2-held-unit-refused")

	# the scanned units are the ones the saved document holds
	page.evaluate("cur_frm.save()")
	page.wait_for_function("() => !cur_frm.doc.__islocal && !cur_frm.is_dirty()", timeout=30000)
	name = page.evaluate("cur_frm.doc.name")
	frappe.db.rollback()
	held = frappe.get_all(
		"Serial Record", filters={"delivery_note": name, "status": "Allocated"}, pluck="name", order_by="name"
	)
	assert held == sorted(scan_data.units[:2])
	desk.shot(f"{MAJOR}-3-saved")

	# ERPNext's own scanning of an item barcode still adds its row (after the save: that item has no stock)
	field.fill(scan_data.barcode)
	field.press("Enter")
	page.wait_for_function(
		"(item) => cur_frm.doc.items.some(r => r.item_code === item)", arg=scan_data.other, timeout=20000
	)
