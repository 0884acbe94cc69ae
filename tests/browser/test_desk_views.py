"""The seed's end-to-end example walked through the Desk, in headless Chromium: a Sales Order for 3 units of a
Serial-traced item, a Work Order that made them (reserved to the order), their labels, the order's PDF with
its serials, the Traceability report, the awesome bar, a unit's Lifecycle timeline and the Delivery Note's
"Pick or Scan Serials" dialog.

Every step is checked on the text the user sees and saved as a screenshot in
artifacts/screenshots/<test>-<step>.png; the PDFs the Desk downloads are saved in artifacts/pdfs/, with a
PNG of their first page(s) next to them (pdftoppm -r 60); the tab the Desk opens for labels is saved as
<test>-labels-tab.png (Chromium's PDF viewer)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import frappe
import pytest

from assetblaze_trace.compat import frappe_major
from tests.browser import desk_ui
from tests.browser.desk_ui import form_tab_of_pane, list_rows, page_title, show_section
from tests.browser.routes import DESK

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PDFS = REPO / "artifacts" / "pdfs"
MM = 72 / 25.4  # PDF points per millimetre

DOWNLOAD_PDF = "/api/method/frappe.utils.print_format.download_pdf"


# ------------------------------------------------------------------------------------------- helpers


def control(scope, fieldname: str):
	return scope.locator(f'.frappe-control[data-fieldname="{fieldname}"]')


def open_tab_of(desk, expect, fieldname: str):
	"""If the form has tabs, click the one holding ``fieldname`` (no-op when it is on the tab on show)."""
	page = desk.page
	pane_id = page.evaluate(
		"(f) => { const field = cur_frm.get_field(f); const pane = field && $(field.wrapper).closest('.tab-pane');"
		" return pane && pane.length ? pane.attr('id') : null; }",
		fieldname,
	)
	if not pane_id:
		return
	pane = page.locator(f"#{pane_id}")
	if not pane.is_visible():
		form_tab_of_pane(page, pane_id).click()
		expect(pane).to_be_visible()


def need_tool(name: str) -> str:
	path = shutil.which(name)
	if not path:
		pytest.fail(f"{name} is not installed (apt-get install -y poppler-utils)", pytrace=False)
	return path


def save_pdf(body: bytes, stem: str) -> Path:
	"""Save as artifacts/pdfs/<stem>.pdf (<stem> = <test>-<document>), dropping an earlier run's files of the
	same test."""
	PDFS.mkdir(parents=True, exist_ok=True)
	# named with the major: the two benches' runs (in parallel, from one checkout) keep their own files
	test = stem.split("-", 1)[0]
	stem = f"v{frappe_major()}-{stem}"
	for old in PDFS.glob(f"v{frappe_major()}-{test}-*"):
		old.unlink()
	path = PDFS / f"{stem}.pdf"
	path.write_bytes(body)
	assert body[:5] == b"%PDF-", f"{path} is not a PDF: it starts with {body[:200]!r}"
	return path


def pdf_text(path: Path) -> str:
	out = subprocess.run(
		[need_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
	)
	return out.stdout


def pdf_page_texts(path: Path) -> list[str]:
	"""The text of each page (pdftotext separates pages with a form feed)."""
	pages = pdf_text(path).split("\f")
	if pages and not pages[-1].strip():
		pages = pages[:-1]
	return pages


def pdf_info(path: Path) -> dict[str, str]:
	"""pdfinfo's fields; a PDF with no page at all (pdfinfo refuses it) gives {"Pages": "0"}."""
	run = subprocess.run([need_tool("pdfinfo"), str(path)], capture_output=True, text=True)
	if run.returncode != 0:
		if "Invalid page count 0" in run.stderr:
			return {"Pages": "0"}
		raise AssertionError(f"pdfinfo {path} failed: {run.stderr}")
	return {
		k.strip(): v.strip() for k, _, v in (line.partition(":") for line in run.stdout.splitlines()) if v
	}


def pdf_page_size_mm(info: dict[str, str]) -> tuple[float, float]:
	m = re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"])
	assert m, info
	return float(m.group(1)) / MM, float(m.group(2)) / MM


def pdf_to_png(path: Path, first: int = 1, last: int = 1) -> list[Path]:
	"""Render pages first..last at 60 dpi next to the PDF; returns the PNGs."""
	prefix = path.with_suffix("")
	subprocess.run(
		[
			need_tool("pdftoppm"),
			"-png",
			"-r",
			"60",
			"-f",
			str(first),
			"-l",
			str(last),
			str(path),
			str(prefix),
		],
		check=True,
	)
	pngs = sorted(path.parent.glob(f"{prefix.name}-*.png"))
	assert pngs, f"pdftoppm made no image of {path}"
	return pngs


def unwrap(text: str) -> str:
	"""PDF text with line breaks after hyphens undone (a serial may wrap at its dashes) and spaces collapsed."""
	return re.sub(r"[ \t]+", " ", re.sub(r"-\s*\n\s*", "-", text))


PRINT_LABELS = "/api/method/assetblaze_trace.api.print_labels"


def post_args(request) -> dict:
	"""The arguments of a Desk POST (a form or JSON body, as frappe.call sends them on either major)."""
	body = request.post_data or ""
	try:
		return json.loads(body)
	except ValueError:
		return dict(urllib.parse.parse_qsl(body))


def capture_labels(desk, click, stem: str):
	"""Do ``click`` (a Print Labels entry) and return (the POST's arguments, the PDF it answered, the new tab
	the Desk opened on it). The selection travels in the POST body: the URL carries no serial."""
	page = desk.page
	with page.context.expect_page() as popup_info:
		with page.expect_response(lambda r: PRINT_LABELS in r.url) as response_info:
			click()
	response = response_info.value
	request = response.request
	assert request.method == "POST", request.method
	assert response.status == 200, f"{PRINT_LABELS} answered {response.status}: {response.text()[:1000]}"
	answer = response.json()["message"]
	assert answer.get("pdf"), f"no PDF in the answer (a background job?): {answer}"
	popup = popup_info.value
	assert popup.url.startswith("blob:"), f"the new tab shows {popup.url}, not the PDF"
	return post_args(request), save_pdf(base64.b64decode(answer["pdf"]), stem), popup


def popup_shot(desk, popup, step: str) -> Path:
	"""A screenshot of the new tab (Chromium shows the PDF in its viewer), named like the test's others."""
	popup.set_viewport_size({"width": 1000, "height": 700})
	popup.wait_for_load_state("load")
	popup.wait_for_timeout(1500)  # the viewer draws the first page
	path = REPO / "artifacts" / "screenshots" / f"v{frappe_major()}-{desk.test_name}-{step}.png"
	popup.screenshot(path=str(path))
	return path


def fetch_pdf(desk, url: str, stem: str) -> Path:
	"""GET ``url`` with the logged-in browser context's cookies; save and return the PDF."""
	response = desk.page.request.get(url if url.startswith("http") else desk.url(url))
	assert response.ok, f"GET {url} answered {response.status}: {response.text()[:1000]}"
	assert "application/pdf" in response.headers.get("content-type", ""), response.headers
	return save_pdf(response.body(), stem)


# ---------------------------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def allocation_data(site_connection):
	"""Two units of a new Serial-traced item (not reserved); a draft Delivery Note for 1 picks the oldest
	(FIFO), which becomes Allocated. Committed."""
	from tests.integration.factories import make_delivery_note, produce, serial_item, settings, status_of

	settings(enabled=1)
	item = serial_item()
	units = produce(item, 2)
	dn = make_delivery_note(item, 1)
	frappe.db.commit()
	statuses = status_of(units)
	assert statuses == {units[0]: "Allocated", units[1]: "Available"}, statuses
	return frappe._dict(item=item, units=units, delivery_note=dn.name, allocated=units[0])


def make_picking_data(use_serial_batch_fields: int) -> frappe._dict:
	"""Three units of a new Serial-traced item; a draft Delivery Note for 1 (holding the oldest unit, FIFO).
	``use_serial_batch_fields`` is the row's ERPNext "Use Serial No / Batch Fields" tick: the Desk ticks it on
	the rows a user adds, and so does ERPNext's Sales Order → Delivery Note mapping, when Stock Settings'
	"Use Serial / Batch Fields" is on (its default); rows made through the API keep 0. Committed."""
	from tests.integration.factories import make_delivery_note, produce, serial_item, settings, status_of

	settings(enabled=1)
	item = serial_item()
	units = produce(item, 3)
	dn = make_delivery_note(item, 1, insert=False)
	dn.items[0].use_serial_batch_fields = use_serial_batch_fields
	dn.insert()
	frappe.db.commit()
	assert dn.items[0].trace_serials == units[0], dn.items[0].trace_serials
	assert status_of(units) == {units[0]: "Allocated", units[1]: "Available", units[2]: "Available"}
	return frappe._dict(
		item=item,
		units=units,
		delivery_note=dn.name,
		warehouse=dn.items[0].warehouse,
		row=dn.items[0].name,
	)


@pytest.fixture
def picking_data(site_connection):
	"""A Delivery Note row as the Desk makes it (Use Serial No / Batch Fields ticked); fresh per test."""
	return make_picking_data(use_serial_batch_fields=1)


@pytest.fixture
def api_picking_data(site_connection):
	"""A Delivery Note row as the API makes it (Use Serial No / Batch Fields not ticked); fresh per test."""
	return make_picking_data(use_serial_batch_fields=0)


# --------------------------------------------------------------------------------------------- tests


def test_sales_order_serial_numbers_section(desk, expect, trace_data):
	"""1. The Sales Order's collapsible "Serial Numbers" section lists the 3 units reserved for it."""
	page = desk.page
	so = trace_data.sales_order
	desk.goto(f"/app/sales-order/{so}")
	desk.wait_for_form("Sales Order", so)
	expect(page_title(page)).to_contain_text(trace_data.customer)
	desk.shot("form")

	section = show_section(page, expect, "trace_serials_html")  # collapsible: shut while it has no value
	expect(section.locator(".section-head")).to_have_text(re.compile(r"^\s*Serial Numbers\s*$"))
	serials = control(section, "trace_serials_html")
	table = serials.locator("table.trace-serials-table")
	expect(table).to_be_visible()
	serials.scroll_into_view_if_needed()
	rows = table.locator("tbody tr")
	expect(rows).to_have_count(3)
	for unit in trace_data.units:
		row = rows.filter(has_text=unit)
		expect(row).to_have_count(1)
		expect(row.locator("td").first).to_have_text(unit)
		expect(row.locator(".indicator-pill")).to_have_text("Reserved")
		expect(row).to_contain_text(trace_data.work_order)
		expect(row).to_contain_text(so)
	# the summary above the table: 3 reserved, and a link to the full list
	expect(serials.locator(".trace-serials > div").first).to_contain_text(re.compile(r"Reserved\s*3"))
	expect(serials.get_by_text("Open full list (3)")).to_be_visible()
	desk.shot("serial-numbers")
	desk.assert_no_errors()


def test_sales_order_pdf_lists_serials(desk, expect, trace_data):
	"""2. The Sales Order printed with "Sales Order with Serials" (the Desk's PDF endpoint) names every unit."""
	so = trace_data.sales_order
	desk.goto(f"/app/sales-order/{so}")  # the browser context is a logged-in Desk session
	desk.wait_for_form("Sales Order", so)

	params = urllib.parse.urlencode(
		{"doctype": "Sales Order", "name": so, "format": "Sales Order with Serials", "no_letterhead": 1},
		quote_via=urllib.parse.quote,
	)
	pdf = fetch_pdf(desk, f"{DOWNLOAD_PDF}?{params}", f"{desk.test_name}-{so}")
	info = pdf_info(pdf)
	text = pdf_text(pdf)
	flat = unwrap(text)
	assert so in flat, f"the order's name {so} is not in the PDF:\n{text}"
	assert trace_data.item in flat, f"the item {trace_data.item} is not in the PDF:\n{text}"
	assert "Serial / Lot Nos" in flat, f"no 'Serial / Lot Nos' line in the PDF:\n{text}"
	for unit in trace_data.units:
		assert unit in flat, f"serial {unit} is not in the PDF of {so}:\n{text}"
	# the serials are listed in order, on the item's row, after the "Serial / Lot Nos:" caption
	assert re.search(r"Serial / Lot Nos:\s*" + r",\s*".join(map(re.escape, trace_data.units)), flat), text
	pngs = pdf_to_png(pdf)
	assert int(info["Pages"]) >= 1 and pngs
	desk.assert_no_errors()


def test_serial_record_list_print_labels_action(desk, expect, trace_data):
	"""3. List of the Work Order's units: select all, Actions → Print Labels opens the labels PDF: one
	100 x 50 mm page per unit, each with its serial."""
	page = desk.page
	wo = trace_data.work_order
	desk.goto(f"/app/serial-record?work_order={wo}")
	page.wait_for_function(
		"(wo) => window.cur_list && cur_list.doctype === 'Serial Record' && cur_list.data"
		" && cur_list.filters.some(f => f[1] === 'work_order' && f[3] === wo)",
		arg=wo,
	)
	rows = list_rows(page)
	expect(rows).to_have_count(3)
	for unit in trace_data.units:
		expect(rows.filter(has_text=unit)).to_have_count(1)
	desk.shot("list")

	page.locator(".frappe-list:visible .list-header-subject .list-check-all").check()
	for unit in trace_data.units:
		expect(rows.filter(has_text=unit).locator(".list-row-checkbox")).to_be_checked()
	actions = page.locator(".page-actions:visible .actions-btn-group > button")
	expect(actions).to_be_visible()
	expect(actions).to_contain_text("Actions")
	actions.click()
	item = page.locator(".page-actions:visible .actions-btn-group .dropdown-menu .dropdown-item").filter(
		has_text=re.compile(r"^\s*Print Labels\s*$")
	)
	expect(item).to_be_visible()
	desk.shot("actions-menu")

	args, pdf, popup = capture_labels(desk, item.click, f"{desk.test_name}-{wo}")
	assert sorted(json.loads(args["names"]) if isinstance(args["names"], str) else args["names"]) == sorted(
		trace_data.units
	), args
	popup_shot(desk, popup, "labels-tab")
	popup.close()
	desk.shot("after-print-labels")
	check_labels_pdf(pdf, trace_data.units, trace_data.item)
	desk.assert_no_errors()


def check_labels_pdf(pdf: Path, units: list[str], item: str) -> None:
	info = pdf_info(pdf)
	assert int(info["Pages"]) == len(units), (
		f"{pdf.name}: {info['Pages']} pages for {len(units)} labels (want one page per unit):\n{pdf_text(pdf)}"
	)
	width, height = pdf_page_size_mm(info)
	assert abs(width - 100) < 1.5 and abs(height - 50) < 1.5, (
		f"label page is {width:.1f} x {height:.1f} mm, not 100 x 50"
	)
	pages = [unwrap(p) for p in pdf_page_texts(pdf)]
	assert len(pages) == len(units), pages
	for unit, page_text in zip(units, pages, strict=True):
		assert unit in page_text, f"label page for {unit} reads {page_text!r}"
		others = [u for u in units if u != unit and u in page_text]
		assert not others, f"the label of {unit} also names {others}"
		assert item in page_text, f"label page for {unit} does not name the item {item}: {page_text!r}"
	pdf_to_png(pdf, 1, len(units))


def test_traceability_report_search_and_filters(desk, expect, trace_data):
	"""4. The Traceability report: a fragment of one serial finds exactly it; Status = Reserved + the Item
	shows the 3 units."""
	page = desk.page
	desk.goto("/app/query-report/Traceability")
	page.wait_for_function(
		"() => window.frappe && frappe.query_report && frappe.query_report.report_name === 'Traceability'"
		" && frappe.query_report.datatable"
	)
	expect(page_title(page)).to_contain_text("Traceability")
	form = page.locator(".page-form:visible")
	search = control(form, "search").locator("input")
	expect(search).to_be_visible()
	expect(search).to_have_attribute("placeholder", "Search Serial / Lot")

	unit = trace_data.units[1]
	fragment = unique_fragment(unit)
	datatable = page.locator(".report-wrapper:visible .dt-scrollable")

	with page.expect_response(report_run(fragment)):
		search.fill(fragment)
	wait_report_idle(page)
	rows = datatable.locator(".dt-row")
	expect(rows).to_have_count(1)
	expect(rows.first).to_contain_text(unit)
	assert page.evaluate("frappe.query_report.data.map(r => r.serial_no)") == [unit]
	desk.shot("search-fragment")

	# Status = Reserved and the Item: the three units, all Reserved
	with page.expect_response(report_run()):
		search.fill("")
	wait_report_idle(page)
	with page.expect_response(report_run('"status":"Reserved"')):
		control(form, "status").locator("select").select_option("Reserved")
	wait_report_idle(page)
	item_input = control(form, "item_code").locator("input")
	with page.expect_response(report_run(f'"item_code":"{trace_data.item}"')):
		item_input.fill(trace_data.item)
		option = control(form, "item_code").get_by_role("option").filter(has_text=trace_data.item).first
		expect(option).to_be_visible()
		option.click()
	wait_report_idle(page)
	expect(rows).to_have_count(3)
	for u in trace_data.units:
		row = rows.filter(has_text=u)
		expect(row).to_have_count(1)
		expect(row).to_contain_text("Reserved")
		expect(row).to_contain_text(trace_data.sales_order)
	data = page.evaluate("frappe.query_report.data.map(r => [r.serial_no, r.display_status])")
	assert sorted(data) == sorted([u, "Reserved"] for u in trace_data.units), data
	desk.shot("reserved-item")
	desk.assert_no_errors()


def report_run(needle: str = ""):
	"""A predicate for the report's data call (frappe.desk.query_report.run is a GET: filters in the URL)."""

	def predicate(response) -> bool:
		if "frappe.desk.query_report.run" not in response.url:
			return False
		sent = urllib.parse.unquote_plus(response.url) + (response.request.post_data or "")
		return needle in sent

	return predicate


def unique_fragment(unit: str) -> str:
	"""The shortest tail of ``unit`` (5 characters at least) that no other serial of the site contains."""
	for n in range(5, len(unit) + 1):
		fragment = unit[-n:]
		if frappe.db.count("Serial Record", {"serial_no": ("like", f"%{fragment}%")}) == 1:
			return fragment
	return unit


def wait_report_idle(page):
	page.wait_for_function(
		"() => frappe.query_report && !frappe.query_report.loading && frappe.query_report.datatable"
		" && !document.querySelector('#freeze.in')"
	)
	page.wait_for_timeout(200)  # the datatable redraws after the data arrives


def test_awesome_bar_finds_serial(desk, expect, trace_data):
	"""5. The awesome bar: a full serial, then its global search result, lands on the unit's form."""
	page = desk.page
	unit = trace_data.units[2]
	# found through the suffix index (api.global_search), not a __global_search row
	indexed = frappe.db.sql(
		"SELECT route FROM `__global_search` WHERE doctype = 'Serial Record' AND name = %s", unit, pluck=True
	)
	desk.goto("/app")
	search = desk_ui.open_awesome_bar(page, expect)
	search.fill(unit)
	option = page.locator(".awesomplete:visible li").filter(has_text=f"Search for {unit}").first
	expect(option).to_be_visible()
	desk.shot("awesome-bar")
	option.click()

	dialog = page.locator(".search-dialog:visible, .modal.show").first
	expect(dialog).to_be_visible()
	results = dialog.locator(".search-results")
	result = dialog.locator(".result-title, .result a, a").filter(has_text=unit).first
	try:
		expect(result).to_be_visible()
	finally:
		desk.shot("search-dialog")
	assert indexed == [], f"__global_search rows for {unit}: {indexed}"
	expect(results).to_contain_text("Serial Record")
	result.click()
	desk.wait_for_form("Serial Record", unit)
	assert page.url.endswith(f"{DESK}/serial-record/{unit}"), page.url
	expect(page_title(page)).to_contain_text(unit)
	desk.shot("landed")
	desk.assert_no_errors()


def test_serial_record_timeline_after_allocation(desk, expect, allocation_data):
	"""6. A unit a Delivery Note allocated: its Lifecycle timeline shows Allocated (newest) above Made,
	with a link to the Delivery Note."""
	page = desk.page
	unit, dn = allocation_data.allocated, allocation_data.delivery_note
	desk.goto(f"/app/serial-record/{unit}")
	desk.wait_for_form("Serial Record", unit)
	expect(page.locator(".page-head:visible .indicator-pill")).to_have_text("Allocated")

	section = show_section(page, expect, "timeline_html")
	expect(section.locator(".section-head")).to_contain_text("Lifecycle")
	timeline = control(section, "timeline_html").locator(".trace-timeline")
	expect(timeline).to_be_visible()
	timeline.scroll_into_view_if_needed()
	events = timeline.locator(".trace-event")
	expect(events).to_have_count(2)
	newest, oldest = events.nth(0), events.nth(1)
	expect(newest.locator("b")).to_have_text("Allocated")
	expect(newest).to_contain_text(re.compile(r"Available\s*→\s*Allocated"))
	link = newest.locator(f'a[href="{DESK}/delivery-note/{dn}"]')
	expect(link).to_have_text(f"Delivery Note {dn}")
	expect(oldest.locator("b")).to_have_text("Made")
	desk.shot("timeline")

	link.click()
	desk.wait_for_form("Delivery Note", dn)
	desk.shot("delivery-note")
	desk.assert_no_errors()


def open_row(desk, expect, picking_data):
	"""Open the Delivery Note, then its first item row (the row's edit icon); return the row's form."""
	page = desk.page
	dn = picking_data.delivery_note
	desk.goto(f"/app/delivery-note/{dn}")
	desk.wait_for_form("Delivery Note", dn)
	open_tab_of(desk, expect, "items")
	grid_row = page.locator(
		'.frappe-control[data-fieldname="items"]:visible .grid-body .grid-row[data-idx="1"]'
	)
	expect(grid_row).to_contain_text(picking_data.item)
	desk.shot("form")
	grid_row.locator(".btn-open-row").click()
	row_form = page.locator(".grid-row-open .form-in-grid")
	expect(row_form).to_be_visible()
	return row_form


def open_pick_dialog(desk, expect, picking_data):
	page = desk.page
	row_form = open_row(desk, expect, picking_data)
	traced = control(row_form, "trace_serials")
	expect(traced.locator("textarea")).to_have_value(picking_data.units[0])
	button = control(row_form, "trace_pick").locator("button")
	expect(button).to_have_text("Pick or Scan Serials")
	expect(button).to_be_visible()
	button.scroll_into_view_if_needed()
	desk.shot("row-form")
	button.click()

	dialog = page.locator(".modal.show").filter(
		has=page.locator(".modal-title", has_text=f"Serials for row 1: {picking_data.item}")
	)
	expect(dialog).to_be_visible()
	serials = control(dialog, "serials").locator("textarea")
	expect(serials).to_have_value(picking_data.units[0])
	suggestion = control(dialog, "suggestion")
	expect(suggestion).to_contain_text(f"2 Available in {picking_data.warehouse}.")
	desk.shot("dialog")
	return dialog


@pytest.fixture
def erpnext_serial_batch_fields(site_connection):
	"""ERPNext's serial / batch fields (Use Serial No / Batch Fields among them) on show in item rows: ERPNext 16
	hides them behind a Stock Settings option (see desk_ui.erpnext_serial_batch_fields_shown)."""
	with desk_ui.erpnext_serial_batch_fields_shown():
		yield


def test_delivery_note_row_shows_traced_serials_without_serial_batch_fields(
	erpnext_serial_batch_fields, desk, expect, api_picking_data
):
	"""7a. The row's "Traced Serials" and "Pick or Scan Serials" are there whether or not the row ticks
	ERPNext's "Use Serial No / Batch Fields" (unrelated to this app's traceability): here the row shows that
	box, not ticked."""
	row_form = open_row(desk, expect, api_picking_data)
	checkbox = row_form.get_by_role("checkbox", name="Use Serial No / Batch Fields")
	expect(checkbox).to_be_visible()
	expect(checkbox).not_to_be_checked()
	traced = control(row_form, "trace_serials")
	button = control(row_form, "trace_pick").locator("button")
	desk.page.wait_for_timeout(500)  # the row form has finished opening (it scrolls itself into view)
	checkbox.scroll_into_view_if_needed()
	desk.shot("row-form")
	expect(
		traced,
		"'Traced Serials' is hidden: it sits in ERPNext's section shown only with 'Use Serial No / Batch Fields'",
	).to_be_visible()
	expect(
		button,
		"'Pick or Scan Serials' is hidden: it sits in ERPNext's section shown only with 'Use Serial No / Batch Fields'",
	).to_be_visible()
	desk.assert_no_errors()


def test_delivery_note_pick_or_scan_serials(desk, expect, picking_data):
	"""7. The Delivery Note row's "Pick or Scan Serials": clear the FIFO pick, scan another Available unit
	(typed, then Enter, as a scanner does), Set, Save: the row holds the scanned unit."""
	page = desk.page
	units = picking_data.units
	scanned = units[2]
	dialog = open_pick_dialog(desk, expect, picking_data)
	serials = control(dialog, "serials").locator("textarea")
	suggestion = control(dialog, "suggestion")

	serials.fill("")
	serials.blur()  # the list changed: the suggestion is asked for again
	expect(suggestion).to_contain_text(f"FIFO would add: {units[1]}")
	desk.shot("cleared")

	scan = control(dialog, "scan").locator("input")
	expect(control(dialog, "scan")).to_contain_text("Scan or type a serial")
	scan.click()
	scan.press_sequentially(scanned, delay=5)  # a barcode scanner types fast, then sends Enter
	scan.press("Enter")
	page.wait_for_timeout(800)  # past the input's 500 ms debounce
	desk.shot("scanned")
	row_value = page.evaluate("(row) => locals['Delivery Note Item'][row].trace_serials", picking_data.row)
	assert dialog.is_visible(), (
		"pressing Enter in 'Scan or type a serial' closed the dialog (Frappe's dialogs run the primary action, "
		f"'Set', on Enter) before the scan was added: the row's Traced Serials is now {row_value!r}, "
		f"not {scanned!r}"
	)
	expect(serials).to_have_value(scanned)
	expect(scan).to_have_value("")
	desk.shot("scan-listed")

	dialog.locator(".modal-footer .btn-primary", has_text="Set").click()
	expect(dialog).to_be_hidden()
	save_and_check_row(desk, expect, picking_data, scanned)


def test_delivery_note_pick_typed_serial(desk, expect, picking_data):
	"""7b. The same dialog, the serial typed and left with Tab (no Enter): it moves to the list; Set, Save:
	the row holds the typed unit, the FIFO-picked one is released."""
	units = picking_data.units
	typed = units[2]
	dialog = open_pick_dialog(desk, expect, picking_data)
	serials = control(dialog, "serials").locator("textarea")
	suggestion = control(dialog, "suggestion")
	serials.fill("")
	serials.blur()
	expect(suggestion).to_contain_text(f"FIFO would add: {units[1]}")

	scan = control(dialog, "scan").locator("input")
	scan.click()
	scan.fill(typed)
	scan.press("Tab")
	expect(serials).to_have_value(typed)
	expect(scan).to_have_value("")
	desk.shot("typed")

	dialog.locator(".modal-footer .btn-primary", has_text="Set").click()
	expect(dialog).to_be_hidden()
	save_and_check_row(desk, expect, picking_data, typed)


def test_delivery_note_pick_suggestion_follows_scans(desk, expect, picking_data):
	"""7c. Once a scanned serial fills the row's quantity, the dialog's FIFO line stops proposing another
	unit, and "Use FIFO Suggestion" adds nothing (the list would hold more serials than the quantity)."""
	units = picking_data.units
	dialog = open_pick_dialog(desk, expect, picking_data)
	serials = control(dialog, "serials").locator("textarea")
	suggestion = control(dialog, "suggestion")
	serials.fill("")
	serials.blur()
	expect(suggestion).to_contain_text(f"FIFO would add: {units[1]}")

	scan = control(dialog, "scan").locator("input")
	scan.click()
	scan.fill(units[2])
	scan.press("Tab")
	expect(serials).to_have_value(units[2])
	desk.page.wait_for_timeout(1000)  # time for the suggestion to be asked again, if it is
	desk.shot("scanned")
	stale = suggestion.inner_text()
	dialog.locator(".modal-footer .btn-secondary", has_text="Use FIFO Suggestion").click()
	desk.page.wait_for_timeout(300)
	desk.shot("fifo-clicked")
	listed = serials.input_value()
	assert "FIFO would add" not in stale and listed == units[2], (
		f"after scanning {units[2]} for a row of 1, the dialog still says {stale.strip()!r} (not asked again when a "
		f"scan changes the list), and 'Use FIFO Suggestion' makes the list {listed.splitlines()}"
	)
	desk.assert_no_errors()


def save_and_check_row(desk, expect, picking_data, unit: str):
	from tests.integration.factories import status_of

	page = desk.page
	assert page.evaluate("(row) => locals['Delivery Note Item'][row].trace_serials", picking_data.row) == unit
	page.keyboard.press("Control+s")
	page.wait_for_function("() => !cur_frm.is_dirty() && !document.querySelector('#freeze.in')")
	expect(page.locator(".page-head:visible .indicator-pill")).to_have_text("Draft")
	grid_row = page.locator(
		'.frappe-control[data-fieldname="items"]:visible .grid-body .grid-row[data-idx="1"]'
	)
	if not page.locator(".grid-row-open").count():
		grid_row.locator(".btn-open-row").click()
	traced = control(page.locator(".grid-row-open .form-in-grid"), "trace_serials")
	expect(traced.locator("textarea")).to_have_value(unit)
	traced.scroll_into_view_if_needed()
	desk.shot("saved")

	frappe.db.rollback()  # a fresh snapshot: see the server's commit
	assert frappe.db.get_value("Delivery Note Item", picking_data.row, "trace_serials") == unit
	statuses = status_of(picking_data.units)
	assert statuses[unit] == "Allocated", statuses
	assert [u for u, s in statuses.items() if s == "Allocated"] == [unit], statuses
	desk.assert_no_errors()


def test_work_order_print_labels_button(desk, expect, trace_data):
	"""8. The completed Work Order's Traceability → Print Labels opens the labels PDF of its units."""
	page = desk.page
	wo = trace_data.work_order
	desk.goto(f"/app/work-order/{wo}")
	desk.wait_for_form("Work Order", wo)
	group = page.locator(".page-actions:visible .inner-group-button", has_text="Traceability")
	expect(group).to_be_visible()
	group.locator("> button").click()
	item = group.locator(".dropdown-menu .dropdown-item", has_text="Print Labels")
	expect(item).to_be_visible()
	desk.shot("traceability-menu")

	args, pdf, popup = capture_labels(desk, item.click, f"{desk.test_name}-{wo}")
	assert args.get("work_order") == wo and "names" not in args, args  # the Work Order travels, not its units
	popup_shot(desk, popup, "labels-tab")
	popup.close()
	desk.shot("after-print-labels")
	# one page per unit, in the order they were made
	check_labels_pdf(pdf, trace_data.units, trace_data.item)
	desk.assert_no_errors()
