"""The seed's example, walked end to end in one browser session, on whichever major the bench runs:
log in → the Work Order → its serials → a Serial Record's timeline → the Sales Order's Serial Numbers →
the report's search → the labels PDF. Screenshots are named with the major (v15-…, v16-…, as every browser
test's are), so a run on each bench leaves both sets side by side in artifacts/screenshots/."""

from __future__ import annotations

import json
import re

import pytest

from assetblaze_trace.compat import frappe_major
from tests.browser.desk_ui import form_tab, page_title, show_section
from tests.browser.routes import DESK
from tests.browser.test_desk_views import (
	capture_labels,
	check_labels_pdf,
	report_run,
	unique_fragment,
	wait_report_idle,
)

pytestmark = pytest.mark.browser


def test_seed_example_end_to_end(anonymous_desk, expect, trace_data):
	desk = anonymous_desk
	page = desk.page

	def shot(step):
		return desk.shot(step)

	# 1. log in through the login page
	page.goto(desk.url("/login"), wait_until="domcontentloaded")
	page.locator("#login_email").fill("Administrator")
	page.locator("#login_password").fill("admin")
	page.locator("form.form-login button.btn-login[type=submit]:not(.btn-ldap-login)").click()
	page.wait_for_url(re.compile(re.escape(DESK) + r"(/|$|\?)"))
	desk.wait_for_desk()
	assert page.evaluate("frappe.session.user") == "Administrator"
	shot("1-desk")

	# 2. the Work Order and the serials it made (its Traceability tab)
	wo = trace_data.work_order
	desk.goto(f"/app/work-order/{wo}")
	desk.wait_for_form("Work Order", wo)
	expect(page_title(page)).to_contain_text(trace_data.item)
	tab = form_tab(page, "trace_tab")
	expect(tab).to_have_text(re.compile(r"^\s*Traceability\s*$"))
	tab.click()
	serials = page.locator('.frappe-control[data-fieldname="trace_serials_html"]:visible')
	for unit in trace_data.units:
		expect(serials.locator("table.trace-serials-table")).to_contain_text(unit)
	shot("2-work-order-serials")

	# 3. one of them: its record and its timeline (made by the Manufacture entry, reserved for the order)
	unit = trace_data.units[0]
	serials.get_by_role("link", name=unit, exact=True).first.click()
	desk.wait_for_form("Serial Record", unit)
	assert page.url.endswith(f"{DESK}/serial-record/{unit}"), page.url
	expect(page.locator(".indicator-pill:visible").first).to_contain_text("Reserved")
	timeline = page.locator(".trace-timeline:visible")
	expect(timeline).to_contain_text("Made")
	expect(timeline).to_contain_text("Reserved")
	expect(timeline.locator(f'a[href="{DESK}/stock-entry/{trace_data.stock_entry}"]').first).to_be_visible()
	shot("3-serial-record-timeline")

	# 4. the Sales Order's Serial Numbers section names the three reserved units
	so = trace_data.sales_order
	desk.goto(f"/app/sales-order/{so}")
	desk.wait_for_form("Sales Order", so)
	section = show_section(page, expect, "trace_serials_html")
	table = section.locator("table.trace-serials-table")
	expect(table).to_be_visible()
	rows = table.locator("tbody tr")
	expect(rows).to_have_count(3)
	for u in trace_data.units:
		expect(rows.filter(has_text=u).locator(".indicator-pill")).to_have_text("Reserved")
	shot("4-sales-order-serials")

	# 5. the Traceability report finds the unit by a fragment of its serial
	desk.goto("/app/query-report/Traceability")
	page.wait_for_function(
		"() => window.frappe && frappe.query_report && frappe.query_report.report_name === 'Traceability'"
		" && frappe.query_report.datatable"
	)
	search = page.locator('.page-form:visible .frappe-control[data-fieldname="search"] input')
	fragment = unique_fragment(unit)
	with page.expect_response(report_run(fragment)):
		search.fill(fragment)
	wait_report_idle(page)
	assert page.evaluate("frappe.query_report.data.map(r => r.serial_no)") == [unit]
	shot("5-report-search")

	# 6. the labels of the Work Order's units, as one PDF: one 100 x 50 mm page per unit
	desk.goto(f"/app/work-order/{wo}")
	desk.wait_for_form("Work Order", wo)
	group = page.locator(".page-actions:visible .inner-group-button", has_text="Traceability")
	group.locator("> button").click()
	item = group.locator(".dropdown-menu .dropdown-item", has_text="Print Labels")
	expect(item).to_be_visible()
	args, pdf, popup = capture_labels(desk, item.click, f"{desk.test_name}-labels")
	assert args.get("work_order") == wo, args
	popup.close()
	check_labels_pdf(pdf, trace_data.units, trace_data.item)
	shot("6-after-labels")
	desk.assert_no_errors()
