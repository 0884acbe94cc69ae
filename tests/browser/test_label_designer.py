"""Issue 18, as a person does it: open a Trace Label Template in the designer, add a Data Matrix and drag it into
place, resize it by its handle, bind a text to the Work Order, nudge with the keyboard and undo, watch the live
preview (a real unit, drawn by the writer that prints the run), save; then print the item's 1,000-unit run from
its Work Order (a background job, a real worker), open the PDF and read its pages back: every page is the designed
label (its size, its text, and the Data Matrix decoded to the page's unit)."""

from __future__ import annotations

import base64
import io

import frappe
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from assetblaze_trace.compat import frappe_major
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_desk_views import PRINT_LABELS, pdf_info, pdf_page_texts, save_pdf

pytestmark = pytest.mark.browser
UNITS = 1000
DESIGNER = "#page-trace-label-designer"


@pytest.fixture(scope="module")
def run_to_label(site_connection):
	"""A template (80 x 40 mm: the serial, a caption) named on an item whose Work Order made 1,000 units.
	Committed: the browser's server and the worker read them."""
	from tests.integration.factories import produce, records, serial_item, settings, uid

	settings(enabled=1, labels_at_once=200, label_font="")
	template = frappe.get_doc(
		{
			"doctype": "Trace Label Template",
			"template_name": uid("Designed"),
			"width_mm": 80,
			"height_mm": 40,
			"grid_mm": 1,
			"elements": [
				{
					"element_type": "Text",
					"bind_to": "serial",
					"x_mm": 3,
					"y_mm": 3,
					"width_mm": 50,
					"height_mm": 6,
					"font_size": 12,
					"bold": 1,
				},
				{
					"element_type": "Text",
					"text": "DESIGNED LABEL",
					"x_mm": 3,
					"y_mm": 11,
					"width_mm": 50,
					"height_mm": 4,
					"font_size": 8,
				},
			],
		}
	).insert()
	item = serial_item(stock=UNITS)
	frappe.db.set_value("Item", item, "trace_label_template", template.name)
	units = produce(item, UNITS)
	frappe.db.commit()
	rows = records(item_code=item)
	return frappe._dict(template=template.name, item=item, units=units, work_order=rows[0].work_order)


def designer(page, expr: str):
	"""Evaluate ``expr`` on the page's LabelDesigner (``d``)."""
	return page.evaluate(
		f"() => {{ const d = document.querySelector('{DESIGNER}').designer; return {expr}; }}"
	)


def preview_png(page, expect) -> Image.Image:
	image = page.locator(f"{DESIGNER} .tld-preview-image")
	expect(image).to_be_visible()
	src = image.get_attribute("src")
	return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))


def drag(page, locator, dx: float, dy: float) -> None:
	box = locator.bounding_box()
	x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
	page.mouse.move(x, y)
	page.mouse.down()
	page.mouse.move(x + dx / 2, y + dy / 2, steps=4)
	page.mouse.move(x + dx, y + dy, steps=4)
	page.mouse.up()


def test_a_label_designed_in_the_desk_prints_a_1000_unit_run(desk, expect, worker, run_to_label):
	page = desk.page
	name = run_to_label.template
	desk.goto(f"/app/trace-label-designer/{name}")
	canvas = page.locator(f"{DESIGNER} .tld-canvas")
	expect(canvas.locator(".tld-el")).to_have_count(2)
	# the preview shows a real unit (the newest the user may read), as the run prints it
	expect(page.locator(f"{DESIGNER} .tld-preview-image")).to_have_attribute(
		"data-unit", run_to_label.units[-1]
	)
	scale = designer(page, "d.scale")  # pixels a millimetre on the canvas
	box = canvas.bounding_box()
	assert abs(box["width"] - 80 * scale) < 2 and abs(box["height"] - 40 * scale) < 2, (box, scale)
	desk.shot("designer-opened")

	# add a Data Matrix (bound to the serial), drag it 50 mm right and 16 mm down, make it 4 mm larger (its quiet
	# zone, 2 modules, stays on the label: a symbol touching the edge does not scan)
	page.locator(f'{DESIGNER} .tld-palette [data-type="DataMatrix"]').click()
	new = canvas.locator('.tld-el[data-idx="2"]')
	expect(new).to_have_class("tld-el tld-square selected")
	assert designer(page, "[d.doc.elements[2].x_mm, d.doc.elements[2].y_mm, d.doc.elements[2].width_mm]") == [
		2,
		2,
		14,
	]
	drag(page, new, 50 * scale, 16 * scale)
	assert designer(page, "[d.doc.elements[2].x_mm, d.doc.elements[2].y_mm]") == [52, 18]
	drag(page, new.locator(".tld-handle"), 4 * scale, 4 * scale)
	assert designer(page, "[d.doc.elements[2].width_mm, d.doc.elements[2].height_mm]") == [18, 18]

	# bind the caption to the Work Order: select it, click the field
	canvas.locator('.tld-el[data-idx="1"]').click()
	page.locator(f'{DESIGNER} .tld-fields [data-field="work_order"]').click()
	expect(canvas.locator('.tld-el[data-idx="1"] .tld-text')).to_have_text("DESIGNED LABEL{work_order}")
	page.locator(f'{DESIGNER} .tld-prop[data-prop="text"] input').fill("WO ")
	page.locator(f'{DESIGNER} .tld-prop[data-prop="text"] input').press("Tab")
	expect(canvas.locator('.tld-el[data-idx="1"] .tld-text')).to_have_text("WO {work_order}")

	# the keyboard: nudge right by the grid, undo it
	canvas.locator('.tld-el[data-idx="1"]').click()
	page.keyboard.press("ArrowRight")
	assert designer(page, "d.doc.elements[1].x_mm") == 4
	page.keyboard.press("Control+z")
	assert designer(page, "d.doc.elements[1].x_mm") == 3

	# the live preview: the Data Matrix where it was dragged, carrying the unit's serial
	unit = run_to_label.units[-1]
	expect(page.locator(f"{DESIGNER} .tld-preview-unit")).to_contain_text(unit)
	page.wait_for_function(f"() => !document.querySelector('{DESIGNER}').designer.previewing")
	png = preview_png(page, expect)
	SCREENSHOTS.mkdir(parents=True, exist_ok=True)
	png.save(SCREENSHOTS / f"v{frappe_major()}-{desk.test_name}-preview-image.png")
	found = {str(r.format): r.text for r in zxingcpp.read_barcodes(png)}
	assert found.get("Data Matrix") == unit, found
	desk.shot("designer-designed")

	page.locator(".page-actions:visible .primary-action").click()
	expect(page.locator(".desk-alert", has_text=f"Saved {name}")).to_be_visible()
	frappe.db.rollback()
	saved = frappe.get_doc("Trace Label Template", name)
	kinds = [(e.element_type, e.bind_to, e.x_mm, e.y_mm, e.width_mm, e.height_mm) for e in saved.elements]
	assert kinds[1] == ("Text", "work_order", 3, 11, 50, 4) and saved.elements[1].text == "WO ", kinds
	assert kinds[2] == ("DataMatrix", "serial", 52, 18, 18, 18), kinds

	# print the run from its Work Order: 1,000 labels, a background job, the PDF attached to the Work Order
	wo = run_to_label.work_order
	desk.goto(f"/app/work-order/{wo}")
	desk.wait_for_form("Work Order", wo)
	group = page.locator(".page-actions:visible .inner-group-button", has_text="Traceability")
	group.locator("> button").click()
	with page.expect_response(lambda r: PRINT_LABELS in r.url) as response_info:
		group.locator(".dropdown-menu .dropdown-item", has_text="Print Labels").click()
	answer = response_info.value.json()["message"]
	assert answer.get("job") and answer["count"] == UNITS, answer
	ready = page.locator(".modal:visible", has_text="Labels ready")
	expect(ready).to_be_visible(timeout=120_000)
	frappe.db.rollback()
	[file_url] = frappe.get_all(
		"File", filters={"attached_to_doctype": "Work Order", "attached_to_name": wo}, pluck="file_url"
	)
	fetched = page.request.get(desk.url(file_url))
	assert fetched.ok, fetched.status
	pdf = save_pdf(fetched.body(), f"{desk.test_name}-{wo}")
	assert int(pdf_info(pdf)["Pages"]) == UNITS
	texts = pdf_page_texts(pdf)
	assert [next(u for u in run_to_label.units if u in t) for t in texts] == run_to_label.units
	assert all(f"WO {wo}" in t for t in texts[:: UNITS // 10]), texts[0]
	document = pypdfium2.PdfDocument(fetched.body())
	try:
		for index in (0, UNITS // 2, UNITS - 1):
			w, h = document[index].get_size()
			assert (round(w * 25.4 / 72), round(h * 25.4 / 72)) == (80, 40)
			image = document[index].render(scale=300 / 72).to_pil()
			found = {str(r.format): r.text for r in zxingcpp.read_barcodes(image)}
			assert found == {"Data Matrix": run_to_label.units[index]}, (index, found)
			if index == 0:
				image.save(pdf.with_suffix(".page1.png"))  # looked at: artifacts/pdfs/
	finally:
		document.close()
	desk.assert_no_errors()
