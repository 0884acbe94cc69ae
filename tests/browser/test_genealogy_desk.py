"""The Desk for genealogy and recall, walked as a quality engineer would on the day a lot goes bad:

open a finished unit → its Genealogy (what it was made from) → click the lot it consumed → that lot's forward
trace (every unit it went into) → the Recall report → hold the in-stock units → the red On Hold badge in the
Serial Record list → a Delivery Note that lists the held unit is refused.

The plant is the one of tests/integration/test_genealogy.py, made through ERPNext's documents and committed (the
web server reads it from another process)."""

from __future__ import annotations

import re

import frappe
import pytest

from assetblaze_trace.compat import frappe_major
from tests.browser.desk_ui import list_rows, show_section
from tests.browser.test_movements_desk import wait_report

pytestmark = pytest.mark.browser
MAJOR = f"v{frappe_major()}"


@pytest.fixture(scope="module")
def plant(site_connection):
	from tests.integration.factories import settings
	from tests.integration.test_genealogy import build_plant

	settings(enabled=1)
	data = build_plant()
	frappe.db.commit()
	return data


def genealogy_block(page, direction: str):
	return page.locator(f'.trace-genealogy:visible .trace-genealogy-block[data-direction="{direction}"]')


def test_from_a_finished_unit_to_its_lot_to_the_recall_and_a_hold(desk, expect, plant):
	page = desk.page
	top = plant.tops[1]  # made from SUB-2 and part of the lot; in stock

	# 1. the finished unit's genealogy: what it was made from, every level down
	desk.goto(f"/app/serial-record/{top}")
	desk.wait_for_form("Serial Record", top)
	show_section(page, expect, "genealogy_html")
	made_from = genealogy_block(page, "Backward")
	expect(made_from.locator("table.trace-genealogy-table")).to_be_visible()
	expect(made_from).to_contain_text(plant.subs[1])
	expect(made_from).to_contain_text(plant.lot)
	expect(made_from).to_contain_text(plant.rm.batch)  # the supplier's batch, one level down
	expect(made_from).to_contain_text(plant.rm.supplier)
	expect(made_from).not_to_contain_text(plant.subs[0])  # TOP-1's sub-assembly is not in TOP-2
	expect(genealogy_block(page, "Forward")).to_contain_text("Not part of any other unit")
	made_from.scroll_into_view_if_needed()
	desk.shot(f"{MAJOR}-1-finished-unit-genealogy")

	# 2. click the lot it consumed: the lot portion's record, whose forward trace names every unit of the lot
	made_from.locator(".trace-genealogy-node[data-kind='Serial Record']").filter(has_text=plant.lot).locator(
		"a"
	).first.click()
	page.wait_for_function(
		"(lot) => window.cur_frm && cur_frm.doctype === 'Serial Record' && cur_frm.doc.serial_no === lot",
		arg=plant.lot,
	)
	desk.wait_for_form("Serial Record", page.evaluate("cur_frm.doc.name"))
	show_section(page, expect, "genealogy_html")
	went_into = genealogy_block(page, "Forward")
	for unit in plant.tops:
		expect(went_into.locator(".trace-genealogy-node").filter(has_text=unit)).to_have_count(1)
	expect(went_into).to_contain_text(plant.customer)  # TOP-1 was shipped
	went_into.scroll_into_view_if_needed()
	desk.shot(f"{MAJOR}-2-lot-forward-trace")

	# 3. the Recall report from there: the tree, the summary, the units
	went_into.locator("a.trace-open-recall").click()
	wait_report(page, "Recall")
	page.wait_for_function("() => (frappe.query_report.data || []).length > 1")
	data = page.evaluate("frappe.query_report.data.map(r => [r.identifier, r.indent, r.status])")
	assert data[0][:2] == [plant.lot, 0]
	assert {row[0] for row in data[1:]} == set(plant.tops)
	summary = page.locator(".report-summary:visible")
	expect(summary).to_contain_text(re.compile(r"Units Found\s*2"))
	expect(summary).to_contain_text(re.compile(r"Customers Reached\s*1"))
	desk.shot(f"{MAJOR}-3-recall-report")

	# 4. hold the in-stock units it found (TOP-2; TOP-1 is with the customer)
	group = page.locator('.inner-group-button[data-label="Recall"]:visible')
	group.locator("button").first.click()
	group.locator(".dropdown-menu .dropdown-item", has_text="Hold In-Stock Units").click()
	dialog = page.locator(".modal.show:visible").last
	dialog.locator("textarea, .ql-editor").first.fill("Supplier reported a bad lot")
	desk.shot(f"{MAJOR}-4-hold-dialog")
	dialog.locator(".btn-primary").click()
	expect(page.locator(".alert-message").filter(has_text="1 unit(s) put on hold").first).to_be_visible()
	page.wait_for_function(
		"(u) => (frappe.query_report.data || []).some(r => r.identifier === u && r.on_hold)", arg=top
	)
	held_row = page.locator(".dt-row").filter(has_text=top).first
	expect(held_row.locator(".indicator-pill.red")).to_have_text("On Hold")
	desk.shot(f"{MAJOR}-5-recall-held")
	frappe.db.rollback()  # a fresh snapshot: the web server committed the hold
	assert frappe.db.get_value("Serial Record", top, ["on_hold", "hold_reason"]) == (
		1,
		"Supplier reported a bad lot",
	)

	# 5. the red badge in the Serial Record list
	desk.goto(f"/app/serial-record?item_code={plant.top_item}")
	rows = list_rows(page)
	pill = rows.filter(has_text=top).locator(".indicator-pill:visible").first
	expect(pill).to_have_text("On Hold")
	expect(pill).to_have_class(re.compile(r"\bred\b"))
	desk.shot(f"{MAJOR}-6-list-held-badge")

	# 6. a Delivery Note listing the held unit is refused, naming the hold
	desk.goto("/app/delivery-note/new")
	page.wait_for_function(
		"() => window.cur_frm && cur_frm.doctype === 'Delivery Note' && cur_frm.doc.__islocal"
	)
	page.evaluate(
		"""async ([customer, item, unit, warehouse]) => {
			await cur_frm.set_value("customer", customer);
			const row = (cur_frm.doc.items || [])[0] || cur_frm.add_child("items");
			await frappe.model.set_value(row.doctype, row.name, "item_code", item);
			await frappe.model.set_value(row.doctype, row.name, "warehouse", warehouse);
			await frappe.model.set_value(row.doctype, row.name, "qty", 1);
			await frappe.model.set_value(row.doctype, row.name, "trace_serials", unit);
		}""",
		[plant.customer, plant.top_item, top, frappe.db.get_value("Serial Record", top, "warehouse")],
	)
	page.wait_for_timeout(1500)  # ERPNext fetches the item's details and rates
	page.evaluate("cur_frm.save()")
	message = page.locator(".modal.show:visible .msgprint, .modal.show:visible .modal-body").filter(
		has_text="on hold"
	)
	expect(message.first).to_be_visible()
	expect(message.first).to_contain_text(top)
	expect(message.first).to_contain_text("Supplier reported a bad lot")
	desk.shot(f"{MAJOR}-7-delivery-note-refused")
	assert page.evaluate("cur_frm.doc.__islocal") == 1  # nothing was saved
	frappe.db.rollback()
	assert frappe.db.get_value("Serial Record", top, "status") == "Available"
