"""The Desk, driven in headless Chromium: log in, the settings, the Serial Record list and form, the Work
Order's and the Item's Traceability tabs. Every step is checked on the text the user sees, and saved as a
screenshot in artifacts/screenshots/<test>-<step>.png."""

import re

import pytest

from tests.browser import desk_ui
from tests.browser.desk_ui import booted_workspaces, form_tab, list_rows, page_title
from tests.browser.routes import DESK

pytestmark = pytest.mark.browser


def slug(doctype: str) -> str:
	return doctype.lower().replace(" ", "-")


def open_tab(desk, expect, doctype: str, fieldname: str, label: str):
	"""Click a form tab by its visible label; return its (now shown) pane."""
	link = form_tab(desk.page, fieldname)
	expect(link).to_be_visible()
	expect(link).to_have_text(re.compile(rf"^\s*{re.escape(label)}\s*$"))
	link.click()
	pane = desk.page.locator(f"#{slug(doctype)}-{fieldname}")
	expect(pane).to_have_class(re.compile(r"\bactive\b"))
	expect(pane).to_be_visible()
	expect(link).to_have_class(re.compile(r"\bactive\b"))
	return pane


def control(scope, fieldname: str):
	return scope.locator(f'.frappe-control[data-fieldname="{fieldname}"]')


def test_login(anonymous_desk, expect):
	"""The /login page's form logs Administrator in and lands on the Desk."""
	desk = anonymous_desk
	page = desk.page
	page.goto(desk.url("/login"), wait_until="domcontentloaded")
	expect(page.locator("#login_email")).to_be_visible()
	expect(page.locator("#login_password")).to_be_visible()
	desk.shot("login-form")

	page.locator("#login_email").fill("Administrator")
	page.locator("#login_password").fill("admin")
	page.locator("form.form-login button.btn-login[type=submit]:not(.btn-ldap-login)").click()

	page.wait_for_url(re.compile(re.escape(DESK) + r"(/|$|\?)"))
	desk.wait_for_desk()
	assert page.evaluate("frappe.session.user") == "Administrator"
	expect(page.locator(".navbar")).to_be_visible()
	desk.shot("desk")

	# The user menu (the avatar) is Administrator's, and offers to log out.
	menu = desk_ui.open_user_menu(page, expect)
	expect(menu).to_be_visible()
	expect(menu).to_contain_text(desk_ui.USER_MENU_PROFILE)
	expect(menu).to_contain_text(desk_ui.USER_MENU_LOGOUT)
	desk.shot("user-menu")
	desk.assert_no_errors()


def test_traceability_settings_master_toggle(desk, expect, trace_data):
	"""Found through the search bar; the master toggle is shown, ticked, with the configuration under it."""
	page = desk.page
	desk.goto("/app")
	search = desk_ui.open_awesome_bar(page, expect)
	search.fill("Traceability Settings")
	option = page.locator(".awesomplete:visible li", has_text="Traceability Settings").first
	expect(option).to_be_visible()
	desk.shot("search")
	option.click()

	desk.wait_for_form("Traceability Settings", "Traceability Settings")
	assert f"{DESK}/traceability-settings" in page.url
	expect(page_title(page)).to_have_text("Traceability Settings")
	toggle = control(page, "enabled")
	expect(toggle).to_be_visible()
	expect(toggle).to_contain_text("Enable Serial / Batch Traceability")
	checkbox = toggle.get_by_role("checkbox", name="Enable Serial / Batch Traceability")
	expect(checkbox).to_be_visible()
	expect(checkbox).to_be_checked()
	# depends_on: enabled -> the configuration is on show
	expect(page.get_by_text("Configure On", exact=True)).to_be_visible()
	expect(control(page, "default_serial_format")).to_be_visible()
	desk.shot("form")
	desk.assert_no_errors()


def test_serial_record_list_filtered_by_item(desk, expect, trace_data):
	"""The list, filtered on the item, shows exactly its three units; clicking one opens it."""
	page = desk.page
	desk.goto(f"/app/serial-record?item_code={trace_data.item}")
	page.wait_for_function(
		"(item) => window.cur_list && cur_list.doctype === 'Serial Record' && cur_list.data"
		" && cur_list.filters.some(f => f[1] === 'item_code' && f[3] === item)",
		arg=trace_data.item,
	)
	expect(page_title(page)).to_contain_text("Serial Record")
	rows = list_rows(page)
	expect(rows).to_have_count(3)
	for unit in trace_data.units:
		expect(page.locator(".frappe-list .result")).to_contain_text(unit)
	# the list says what it is filtered on: the item, in the standard filter bar
	expect(
		control(page.locator(".standard-filter-section:visible"), "item_code").locator("input")
	).to_have_value(trace_data.item)
	desk.shot("list")

	first = trace_data.units[0]
	rows.filter(has_text=first).locator(".list-subject a").first.click()
	desk.wait_for_form("Serial Record", first)
	expect(page_title(page)).to_contain_text(first)
	desk.shot("opened")
	desk.assert_no_errors()


def test_serial_record_form_shows_status_and_work_order(desk, expect, trace_data):
	"""One unit: its status and its Work Order link, which opens the Work Order."""
	page = desk.page
	unit = trace_data.units[0]
	record = trace_data.records[unit]
	desk.goto(f"/app/serial-record/{unit}")
	desk.wait_for_form("Serial Record", unit)

	expect(page_title(page)).to_contain_text(unit)
	expect(control(page, "serial_no").locator(".control-value")).to_have_text(unit)
	expect(control(page, "item_code").locator(".control-value")).to_contain_text(trace_data.item)
	status = control(page, "status")
	expect(status).to_be_visible()
	expect(status).to_contain_text("Status")
	expect(status.locator(".control-value")).to_have_text(record.status)
	# the indicator next to the title says what the unit is to the user: Available + a Sales Order = Reserved
	shown = "Reserved" if record.status == "Available" and record.sales_order else record.status
	expect(page.locator(".page-head:visible .indicator-pill")).to_have_text(shown)
	wo_link = control(page, "work_order").locator(".control-value a")
	expect(wo_link).to_contain_text(trace_data.work_order)
	control(page, "work_order").scroll_into_view_if_needed()
	desk.shot("form")

	wo_link.click()
	desk.wait_for_form("Work Order", trace_data.work_order)
	expect(page_title(page)).to_contain_text(trace_data.item)
	assert f"{DESK}/work-order/{trace_data.work_order}" in page.url
	desk.shot("work-order")
	desk.assert_no_errors()


def test_work_order_traceability_tab(desk, expect, trace_data):
	"""The Work Order's Traceability tab lists the units it made."""
	page = desk.page
	desk.goto(f"/app/work-order/{trace_data.work_order}")
	desk.wait_for_form("Work Order", trace_data.work_order)
	expect(page_title(page)).to_contain_text(trace_data.item)
	desk.shot("form")

	pane = open_tab(desk, expect, "Work Order", "trace_tab", "Traceability")
	serials = control(pane, "trace_serials_html")
	desk.shot("traceability-tab")
	for unit in trace_data.units:
		expect(serials).to_contain_text(unit)
	desk.assert_no_errors()


def test_item_traceability_tab_shows_resolved_type(desk, expect, trace_data):
	"""The Item's Traceability tab says the item is Serial-traced, and that this comes from its Item Group."""
	page = desk.page
	desk.goto(f"/app/item/{trace_data.item}")
	desk.wait_for_form("Item", trace_data.item)
	expect(page_title(page)).to_contain_text(trace_data.item)
	desk.shot("form")

	pane = open_tab(desk, expect, "Item", "trace_tab", "Traceability")
	resolved = control(pane, "trace_resolved_html")
	group = re.escape(trace_data.item_group)
	expect(resolved).to_contain_text(re.compile(rf"Traceability Type:\s*Serial\s+from Item Group {group}"))
	fmt = frappe_value("Item Group", trace_data.item_group, "trace_serial_format")
	expect(resolved).to_contain_text(
		re.compile(rf"Serial Format:\s*{re.escape(fmt)}\s+from Item Group {group}")
	)
	desk.shot("traceability-tab")
	desk.assert_no_errors()


def test_serial_record_list_reserved_indicator_filters_reserved_units(desk, expect, allocated_data):
	"""Clicking a row's "Reserved" indicator in the list keeps the reserved units only (not the Allocated one,
	which also carries the Sales Order)."""
	page = desk.page
	desk.goto(f"/app/serial-record?item_code={allocated_data.item}")
	rows = list_rows(page)
	expect(rows).to_have_count(3)
	expect(rows.filter(has_text=allocated_data.allocated[0]).locator(".indicator-pill:visible")).to_have_text(
		"Allocated"
	)
	pill = rows.filter(has_text=allocated_data.reserved[0]).locator(".indicator-pill:visible")
	expect(pill).to_have_text("Reserved")
	desk.shot("list")

	with page.expect_response(lambda r: "frappe.desk.reportview.get" in r.url and r.ok):
		pill.click()  # the list reloads with the indicator's filter
	page.wait_for_function(
		"() => window.cur_list && cur_list.filter_area.get().some(f => f[1] === 'sales_order')"
		" && new URLSearchParams(location.search).has('sales_order')"
	)
	desk.shot("filtered")
	for unit in allocated_data.reserved:
		expect(rows.filter(has_text=unit)).to_have_count(1)
	expect(
		rows.filter(has_text=allocated_data.allocated[0]),
		f"the Allocated unit {allocated_data.allocated[0]} is still listed under the 'Reserved' filter",
	).to_have_count(0)
	expect(rows).to_have_count(2)
	desk.assert_no_errors()


def test_master_toggle_off_hides_traceability_after_reload(desk, expect, trace_data):
	"""Untick the master toggle on Traceability Settings and Save: after a reload, the Item's Traceability
	tab is gone (the Desk's boot info follows the setting). Tick it and Save again: the tab is back."""
	import frappe

	page = desk.page
	tab = form_tab(page, "trace_tab")

	def set_toggle(on: bool, step: str):
		desk.goto("/app/traceability-settings")
		desk.wait_for_form("Traceability Settings", "Traceability Settings")
		checkbox = control(page, "enabled").get_by_role("checkbox", name="Enable Serial / Batch Traceability")
		expect(checkbox).to_be_checked(checked=not on)
		checkbox.set_checked(on)
		page.locator(".page-head:visible .primary-action", has_text="Save").click()
		page.wait_for_function(
			"(on) => cur_frm.doc.enabled == on && !cur_frm.is_dirty() && !document.querySelector('#freeze.in')",
			arg=int(on),
		)
		expect(page.locator(".page-head:visible .indicator-pill")).to_have_text(
			"Enabled" if on else "Disabled"
		)
		desk.shot(step)
		frappe.db.rollback()  # a fresh snapshot: see the server's commit
		assert frappe.db.get_single_value("Traceability Settings", "enabled", cache=False) == int(on)

	def open_item(step: str):
		desk.goto(f"/app/item/{trace_data.item}")  # a full page load: boot info from the server
		desk.wait_for_form("Item", trace_data.item)
		desk.shot(step)

	try:
		open_item("item-on")
		expect(tab).to_be_visible()
		assert "Traceability" in booted_workspaces(page), booted_workspaces(page)

		set_toggle(False, "settings-off")
		open_item("item-off")
		assert (
			page.evaluate("!!(frappe.boot.assetblaze_trace && frappe.boot.assetblaze_trace.enabled)") is False
		), (
			"after switching traceability off and reloading, frappe.boot.assetblaze_trace.enabled is still true"
		)
		expect(tab).to_be_hidden()
		assert "Traceability" not in booted_workspaces(page), booted_workspaces(page)

		set_toggle(True, "settings-on")
		open_item("item-on-again")
		expect(tab).to_be_visible()
		assert "Traceability" in booted_workspaces(page), booted_workspaces(page)
		desk.assert_no_errors()
	finally:
		frappe.db.rollback()
		if frappe.db.get_single_value("Traceability Settings", "enabled", cache=False) != 1:
			frappe.db.set_single_value("Traceability Settings", "enabled", 1)
			frappe.db.commit()


def frappe_value(doctype, name, field):
	import frappe

	return frappe.db.get_value(doctype, name, field)
