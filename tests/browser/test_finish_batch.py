"""The Work Order's Finish for a Batch-traced item asks for the lot; after the completion is submitted the
Desk offers to print labels for what it made."""

from __future__ import annotations

import frappe
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def batch_work_order(site_connection):
	from tests.integration.factories import (
		make_finished_item,
		make_item_group,
		make_work_order,
		settings,
		uid,
	)

	settings(enabled=1)
	group = make_item_group(trace_type="Batch")
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=group)
	wo = make_work_order(item, 5)
	frappe.db.commit()
	return frappe._dict(item=item, work_order=wo.name, lot=uid("LOT"))


def modal(page, title: str):
	return page.locator(".modal.show").filter(has=page.locator(".modal-title", has_text=title))


def test_finish_asks_for_the_lot_and_offers_labels(desk, expect, batch_work_order):
	page, data = desk.page, batch_work_order
	desk.goto(f"/app/work-order/{data.work_order}")
	desk.wait_for_form("Work Order", data.work_order)
	page.locator(".page-actions:visible button", has_text="Finish").first.click()

	quantity = modal(page, "Select Quantity")
	expect(quantity).to_be_visible()
	quantity.locator('input[data-fieldname="qty"]').fill("2")
	desk.shot("quantity")
	quantity.locator(".btn-primary").click()

	lot_dialog = modal(page, "Lot for this completion")
	expect(lot_dialog).to_be_visible()
	lot_dialog.locator('input[data-fieldname="lot"]').fill(data.lot)
	desk.shot("lot")
	lot_dialog.locator(".btn-primary").click()

	page.wait_for_function(
		"() => window.cur_frm && cur_frm.doctype === 'Stock Entry' && cur_frm.doc.__islocal"
	)
	lot_field = page.locator('.frappe-control[data-fieldname="trace_batch_no"] input')
	expect(lot_field).to_have_value(data.lot)
	desk.shot("stock-entry")

	page.keyboard.press("Control+s")
	page.wait_for_function(
		"() => window.cur_frm && cur_frm.doctype === 'Stock Entry' && !cur_frm.doc.__islocal"
	)
	desk.wait_for_desk()
	page.locator(".page-actions:visible .primary-action", has_text="Submit").click()
	confirm = page.locator(".modal.show", has_text="Permanently Submit")
	expect(confirm).to_be_visible()
	confirm.locator(".btn-primary").click()

	offer = page.locator(".modal.show", has_text="Print its label now?")
	expect(offer).to_be_visible()
	expect(offer).to_contain_text("A traced record was made")
	desk.shot("label-offer")
	offer.locator(".btn-secondary, .btn-default", has_text="No").first.click()

	frappe.db.rollback()
	made = frappe.get_all(
		"Serial Record",
		filters={"work_order": data.work_order},
		fields=["serial_no", "qty", "status", "trace_type"],
	)
	assert [(m.serial_no, m.qty, m.status, m.trace_type) for m in made] == [
		(data.lot, 2, "Available", "Batch")
	]
	desk.assert_no_errors()
