"""Issue 20, in the Desk: a run completed with *Hold New Units Until Inspected* on; from its Work Order,
Traceability → Inspect Units, a unit scanned opens its Quality Inspection (filled in from the unit); submitted
Accepted, the unit is released and can ship; another, Rejected, stays held with the inspection named on its
form."""

from __future__ import annotations

import frappe
import pytest

from tests.browser.desk_ui import wait_until_settled

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def quarantined_run(site_connection):
	"""Three units made with quarantine on (committed; the setting is put back afterwards)."""
	from tests.integration.factories import produce, records, serial_item, settings

	settings(enabled=1, quarantine_new_units=1)
	item = serial_item()
	units = produce(item, 3)
	settings(quarantine_new_units=0)  # the other browser tests make units as before
	frappe.db.commit()
	rows = records(item_code=item)
	assert all(r.on_hold for r in rows)
	return frappe._dict(item=item, units=units, work_order=rows[0].work_order)


def inspect_by_scanning(desk, expect, run, unit: str, result: str) -> str:
	"""Work Order → Traceability → Inspect Units, scan ``unit``, submit its inspection as ``result``."""
	page = desk.page
	desk.goto(f"/app/work-order/{run.work_order}")
	desk.wait_for_form("Work Order", run.work_order)
	group = page.locator(".page-actions:visible .inner-group-button", has_text="Traceability")
	group.locator("> button").click()
	group.locator(".dropdown-menu .dropdown-item", has_text="Inspect Units").click()
	scan = page.locator('.modal:visible .frappe-control[data-fieldname="scan"] input')
	expect(scan).to_be_visible()
	scan.fill(unit)
	scan.press("Enter")
	page.wait_for_function(
		"(u) => window.cur_frm && cur_frm.doctype === 'Quality Inspection' && cur_frm.doc.trace_serial === u"
		" && cur_frm.doc.reference_name && cur_frm.doc.item_code",
		arg=unit,
	)
	wait_until_settled(page)  # the form's own calls (item details, template) have answered
	filled = page.evaluate(
		"() => [cur_frm.doc.item_code, cur_frm.doc.reference_type, cur_frm.doc.inspection_type, cur_frm.doc.sample_size]"
	)
	assert filled == [run.item, "Stock Entry", "In Process", 1], filled
	# once ERPNext's form has answered its own calls (the item's inspection template is fetched with the whole
	# document, which comes back and would overwrite a result set meanwhile)
	wait_until_settled(page)
	page.evaluate(
		"(s) => cur_frm.set_value('manual_inspection', 1).then(() => cur_frm.set_value('status', s))", result
	)
	page.wait_for_function("(s) => cur_frm.doc.status === s", arg=result)
	page.evaluate("() => cur_frm.save()")
	page.wait_for_function("() => !cur_frm.doc.__islocal && !cur_frm.is_dirty()")
	page.evaluate("() => { frappe.hide_msgprint(); cur_frm.savesubmit(); }")
	page.locator(".modal:visible .btn-primary").filter(has_text="Yes").first.click()
	page.wait_for_function("() => cur_frm.doc.docstatus === 1")
	return page.evaluate("cur_frm.doc.name")


def test_a_quarantined_unit_is_released_by_its_inspection_and_held_by_a_rejection(
	desk, expect, quarantined_run
):
	page = desk.page
	run = quarantined_run
	accepted_unit, rejected_unit = run.units[0], run.units[1]

	accepted = inspect_by_scanning(desk, expect, run, accepted_unit, "Accepted")
	frappe.db.rollback()
	unit = frappe.db.get_value(
		"Serial Record", accepted_unit, ["on_hold", "inspection_status", "quality_inspection"], as_dict=True
	)
	assert (unit.on_hold, unit.inspection_status, unit.quality_inspection) == (0, "Accepted", accepted)
	desk.goto(f"/app/serial-record/{accepted_unit}")
	desk.wait_for_form("Serial Record", accepted_unit)
	expect(page.locator(".indicator-pill:visible").first).to_contain_text("Available")
	timeline = page.locator(".trace-timeline:visible")
	expect(timeline).to_contain_text("Inspected")
	expect(timeline.locator(f'a[href$="/quality-inspection/{accepted}"]').first).to_be_visible()
	desk.shot("accepted-unit")
	# shippable: a Delivery Note may take it (allocated on save; not kept)
	from tests.integration.factories import make_delivery_note

	dn = make_delivery_note(run.item, 1, serials=accepted_unit)
	assert frappe.db.get_value("Serial Record", accepted_unit, "delivery_note") == dn.name
	frappe.db.rollback()

	rejected = inspect_by_scanning(desk, expect, run, rejected_unit, "Rejected")
	frappe.db.rollback()
	assert frappe.db.get_value(
		"Serial Record", rejected_unit, ["on_hold", "hold_reason", "inspection_status"]
	) == (1, f"Rejected by Quality Inspection {rejected}", "Rejected")
	desk.goto(f"/app/serial-record/{rejected_unit}")
	desk.wait_for_form("Serial Record", rejected_unit)
	expect(page.locator(".page-head:visible .indicator-pill").first).to_contain_text("On Hold")
	expect(page.locator(".form-message:visible").first).to_contain_text(
		f"Rejected by Quality Inspection {rejected}"
	)
	frappe.db.rollback()
	assert frappe.db.get_value("Serial Record", rejected_unit, ["on_hold", "inspection_status"]) == (
		1,
		"Rejected",
	)
	desk.shot("rejected-unit")
	# the third was never inspected: still awaiting
	frappe.db.rollback()
	assert frappe.db.get_value("Serial Record", run.units[2], ["on_hold", "hold_reason"]) == (
		1,
		"Awaiting Quality Inspection",
	)
	desk.assert_no_errors()
