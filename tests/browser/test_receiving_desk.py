"""Receiving with the supplier's identity, as a store person does it in Desk: on a new Purchase Receipt, scan the
item's barcode (ERPNext adds the row), then the supplier's serials (each lands in that row's Traced Serials and the
row counts it); a serial that names a unit already is refused and changes nothing. Submitted, the serials are
units Received from the supplier, and the unit's form shows where it came from. Data is made through ERPNext's
documents and committed (the web server reads it from another process)."""

from __future__ import annotations

import frappe
import pytest

from assetblaze_trace.compat import frappe_major
from tests.browser.desk_ui import record_alerts, scan, wait_until_settled

pytestmark = pytest.mark.browser
MAJOR = f"v{frappe_major()}"


@pytest.fixture(scope="module")
def receiving_data(site_connection):
	from tests.integration.factories import make_supplier, produce, serial_item, settings, uid

	settings(enabled=1)
	item = serial_item()
	existing = produce(item, 1)[0]
	barcode = frappe.generate_hash(length=12)
	doc = frappe.get_doc("Item", item)
	doc.append("barcodes", {"barcode": barcode})
	doc.save()
	supplier = make_supplier()
	frappe.db.commit()
	return frappe._dict(
		item=item, barcode=barcode, supplier=supplier, existing=existing, serials=[uid("VS"), uid("VS")]
	)


def rows(page):
	return page.evaluate("() => cur_frm.doc.items.map(r => [r.item_code, r.qty, r.trace_serials || ''])")


def test_scanning_the_suppliers_serials_into_a_purchase_receipt(desk, expect, receiving_data):
	page = desk.page
	data = receiving_data
	desk.goto("/app/purchase-receipt/new")
	page.wait_for_function(
		"() => window.cur_frm && cur_frm.doctype === 'Purchase Receipt' && cur_frm.doc.__islocal"
	)
	page.evaluate("(s) => cur_frm.set_value('supplier', s)", data.supplier)
	wait_until_settled(page)  # the supplier's details are fetched and set
	field = page.locator('.frappe-control[data-fieldname="scan_barcode"]:visible input').first
	field.scroll_into_view_if_needed()
	record_alerts(page)

	field.fill(data.barcode)  # ERPNext's own scanner adds the item's row
	field.press("Enter")
	page.wait_for_function("(i) => cur_frm.doc.items.some(r => r.item_code === i)", arg=data.item)
	wait_until_settled(page)
	scan(page, data.serials[0], f"{data.serials[0]} added")
	scan(page, data.serials[1], f"{data.serials[1]} added")
	assert [r for r in rows(page) if r[0]] == [[data.item, 2, "\n".join(data.serials)]]
	desk.shot(f"{MAJOR}-1-supplier-serials-scanned")

	scan(page, data.existing, "exists already")  # a unit that exists is no new receipt
	scan(page, data.serials[0], "already listed on row")
	assert [r for r in rows(page) if r[0]] == [[data.item, 2, "\n".join(data.serials)]]

	page.evaluate(
		"""() => { cur_frm.doc.items = cur_frm.doc.items.filter(r => r.item_code);
		cur_frm.doc.items.forEach((r, i) => r.idx = i + 1); cur_frm.save(); }"""
	)
	page.wait_for_function("() => !cur_frm.doc.__islocal && !cur_frm.is_dirty()", timeout=30000)
	page.evaluate("() => { frappe.hide_msgprint(); cur_frm.savesubmit(); }")
	page.locator(".modal:visible .btn-primary").filter(has_text="Yes").first.click()
	page.wait_for_function("() => cur_frm.doc.docstatus === 1", timeout=30000)
	name = page.evaluate("cur_frm.doc.name")
	frappe.db.rollback()
	got = frappe.get_all(
		"Serial Record",
		filters={"name": ("in", data.serials)},
		fields=["name", "status", "supplier", "receipt_voucher_no"],
		order_by="name",
	)
	assert [(u.status, u.supplier, u.receipt_voucher_no) for u in got] == [
		("Available", data.supplier, name)
	] * 2

	desk.goto(f"/app/serial-record/{data.serials[0]}")
	page.wait_for_function("(n) => window.cur_frm && cur_frm.doc.name === n", arg=data.serials[0])
	receipt = page.locator('.frappe-control[data-fieldname="receipt_voucher_no"]').first
	receipt.scroll_into_view_if_needed()
	expect(receipt).to_contain_text(name)
	# its genealogy ends here, at the supplier and the receipt
	expect(page.locator('.trace-genealogy-block[data-direction="Backward"]').first).to_contain_text(name)
	desk.shot(f"{MAJOR}-2-received-unit")
