"""Labels for a large completion, in the Desk: Work Order → Traceability → Print Labels starts a background
job (a real worker of the bench runs it), Frappe's progress bar follows it to the end, *Open PDF* opens the
file attached to the Work Order, and the PDF has one page per unit."""

from __future__ import annotations

import frappe
import pytest

from assetblaze_trace.compat import frappe_major
from tests.browser.test_desk_views import PRINT_LABELS, check_labels_pdf, pdf_info, pdf_page_texts, save_pdf

pytestmark = pytest.mark.browser
MAJOR = f"v{frappe_major()}"
UNITS = 1000


@pytest.fixture(scope="module")
def large_completion(site_connection):
	"""A Work Order completed for 1,000 serial-traced units; labels beyond 200 go to the background. Committed."""
	from tests.integration.factories import produce, records, serial_item, settings

	settings(enabled=1, labels_at_once=200, label_font="")
	item = serial_item(stock=UNITS)
	units = produce(item, UNITS)
	frappe.db.commit()
	rows = records(item_code=item)
	assert len(units) == UNITS == len(rows)
	return frappe._dict(item=item, units=units, work_order=rows[0].work_order)


def test_labels_of_a_large_completion_run_in_the_background_with_progress(
	desk, expect, worker, large_completion
):
	page = desk.page
	wo = large_completion.work_order
	desk.goto(f"/app/work-order/{wo}")
	desk.wait_for_form("Work Order", wo)
	# watch every step of Frappe's progress bar (the real one still draws)
	page.evaluate(
		"""() => {
			window.__progress = [];
			const show = frappe.show_progress;
			frappe.show_progress = function (title, count, total, description) {
				window.__progress.push([title, count, total]);
				return show.apply(this, arguments);
			};
		}"""
	)
	group = page.locator(".page-actions:visible .inner-group-button", has_text="Traceability")
	group.locator("> button").click()
	item = group.locator(".dropdown-menu .dropdown-item", has_text="Print Labels")
	expect(item).to_be_visible()
	with page.expect_response(lambda r: PRINT_LABELS in r.url) as response_info:
		item.click()
	response = response_info.value
	assert response.request.method == "POST" and response.status == 200, response.status
	answer = response.json()["message"]
	assert answer.get("job") and answer["count"] == UNITS and "pdf" not in answer, answer

	expect(page.locator(".modal:visible .progress-bar").first).to_be_attached()
	desk.shot(f"{MAJOR}-progress")
	ready = page.locator(".modal:visible", has_text="Labels ready")
	expect(ready).to_be_visible(timeout=120_000)
	desk.shot(f"{MAJOR}-labels-ready")
	steps = page.evaluate("window.__progress")
	title = f"Printing {UNITS:,} labels"
	assert steps and all(s[0] == title and s[2] == UNITS for s in steps), steps
	assert steps[0][1] == 0 and steps[-1][1] == UNITS, steps  # from nothing to every label
	assert [s[1] for s in steps] == sorted(s[1] for s in steps), steps

	# Open PDF opens the file attached to the Work Order
	with page.context.expect_page() as popup_info:
		ready.locator(".btn-primary", has_text="Open PDF").click()
	popup = popup_info.value
	popup.wait_for_load_state()
	frappe.db.rollback()  # a fresh snapshot: see what the worker committed
	files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Work Order", "attached_to_name": wo},
		fields=["file_url", "is_private", "file_name"],
	)
	assert len(files) == 1 and files[0].is_private, files
	assert popup.url.endswith(files[0].file_url), (popup.url, files)
	popup.close()

	fetched = page.request.get(desk.url(files[0].file_url))
	assert fetched.ok and "application/pdf" in fetched.headers.get("content-type", ""), fetched.status
	pdf = save_pdf(fetched.body(), f"{desk.test_name}-{MAJOR}-{wo}")
	assert int(pdf_info(pdf)["Pages"]) == UNITS
	texts = pdf_page_texts(pdf)
	assert [next(u for u in large_completion.units if u in t) for t in texts] == large_completion.units
	check_labels_pdf(
		save_pdf(_first_pages(pdf, 3), f"{desk.test_name}-{MAJOR}-first"),
		large_completion.units[:3],
		large_completion.item,
	)
	desk.assert_no_errors()


def _first_pages(path, n: int) -> bytes:
	import io

	import pypdf

	reader, writer = pypdf.PdfReader(str(path)), pypdf.PdfWriter()
	for page in reader.pages[:n]:
		writer.add_page(page)
	out = io.BytesIO()
	writer.write(out)
	return out.getvalue()


def test_the_work_orders_serial_numbers_view_pages_to_older_units(desk, expect, large_completion):
	"""The view shows the newest 200 of 1,000 with their counts; Show Older appends the next 200 (keyset)."""
	from tests.browser.desk_ui import form_tab

	page = desk.page
	wo = large_completion.work_order
	desk.goto(f"/app/work-order/{wo}")
	desk.wait_for_form("Work Order", wo)
	form_tab(page, "trace_tab").click()  # its Traceability tab
	view = page.locator('.frappe-control[data-fieldname="trace_serials_html"]:visible .trace-serials')
	expect(view.locator(".trace-serials-shown")).to_contain_text("Showing the newest 200 of 1000")
	rows = view.locator(".trace-serials-table tbody tr")
	expect(rows).to_have_count(200)
	newest = large_completion.units[::-1]
	assert rows.first.inner_text().startswith(newest[0])
	view.locator(".trace-serials-older").click()
	expect(rows).to_have_count(400)
	expect(view.locator(".trace-serials-shown")).to_contain_text("Showing the newest 400 of 1000")
	shown = [t.split("\t")[0].strip() for t in rows.all_inner_texts()]
	assert shown == newest[:400], (shown[:3], shown[198:202])
	desk.shot(f"{MAJOR}-older-page")
	desk.assert_no_errors()
