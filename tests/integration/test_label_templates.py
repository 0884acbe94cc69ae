"""Issue 18: one label design, every printer. A Trace Label Template (PRODUCT.md §11) is resolved Item → Item
Group (then its parents) → Traceability Settings; the bulk PDF, the ZPL, the designer's preview and the Serial
Label print formats all draw it. Read back as a user would: page sizes, the text on each page, every barcode
decoded from the rasterised page."""

from __future__ import annotations

import base64
import io

import frappe
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from assetblaze_trace import api
from assetblaze_trace.floor import labels
from tests.integration.factories import (
	make_item_group,
	produce,
	refused,
	serial_item,
	settings,
	uid,
)


@pytest.fixture(autouse=True)
def default_template():
	settings(labels_at_once=500, label_font="")
	name = labels.ensure_default_template()
	settings(trace_label_template=name)
	return name


def template(width=60, height=30, **fields) -> str:
	"""A template of its own: the serial as text and as a QR code, and the Work Order."""
	doc = frappe.get_doc(
		{
			"doctype": "Trace Label Template",
			"template_name": uid("LBL"),
			"width_mm": width,
			"height_mm": height,
			"elements": [
				{
					"element_type": "Text",
					"bind_to": "serial",
					"x_mm": 2,
					"y_mm": 2,
					"width_mm": 33,
					"height_mm": 5,
					"font_size": 8,
				},
				{
					"element_type": "Text",
					"text": "WO {work_order}",
					"x_mm": 2,
					"y_mm": 8,
					"width_mm": 33,
					"height_mm": 4,
					"font_size": 6,
				},
				{
					"element_type": "QR",
					"bind_to": "serial",
					"x_mm": width - 24,
					"y_mm": 2,
					"width_mm": 22,
					"height_mm": 22,
				},
			],
			**fields,
		}
	).insert()
	return doc.name


def pages(answer: dict) -> list[dict]:
	"""Each page's size (mm), text and QR codes."""
	pdf = base64.b64decode(answer["pdf"])
	document = pypdfium2.PdfDocument(pdf)
	out = []
	try:
		for page in document:
			w, h = page.get_size()
			image = page.render(scale=200 / 72).to_pil()
			out.append(
				{
					"size": (round(w * 25.4 / 72), round(h * 25.4 / 72)),
					"text": page.get_textpage().get_text_range(),
					"qr": [r.text for r in zxingcpp.read_barcodes(image) if str(r.format) == "QR Code"],
				}
			)
	finally:
		document.close()
	return out


def test_a_site_prints_the_default_template_the_settings_name():
	assert frappe.db.get_single_value("Traceability Settings", "trace_label_template") == "Serial Label"
	doc = frappe.get_doc("Trace Label Template", "Serial Label")
	assert (doc.width_mm, doc.height_mm) == (100, 50)
	assert [e.element_type for e in doc.elements] == ["Text", "Text", "Text", "Text", "Code 128", "QR"]
	assert labels.ensure_default_template() == "Serial Label"  # again: nothing new
	assert frappe.db.count("Trace Label Template", {"name": "Serial Label"}) == 1


def test_an_upgraded_site_keeps_the_label_size_it_had_set():
	"""The patch: a site that printed 60 x 30 mm fixed labels gets the default template at 60 x 30 mm."""
	frappe.delete_doc("Trace Label Template", "Serial Label", force=True)
	frappe.db.set_single_value("Traceability Settings", "trace_label_template", None)
	for field, value in (("label_width", 60), ("label_height", 30)):
		frappe.db.sql(
			"INSERT INTO `tabSingles` (doctype, field, value) VALUES ('Traceability Settings', %s, %s)",
			(field, value),
		)
	from assetblaze_trace.patches.v0_5 import default_label_template

	default_label_template.execute()
	doc = frappe.get_doc("Trace Label Template", "Serial Label")
	assert (doc.width_mm, doc.height_mm) == (60, 30)
	assert doc.elements[0].font_size == 9  # 15 pt scaled by 0.6
	assert frappe.db.get_single_value("Traceability Settings", "trace_label_template") == "Serial Label"


def test_each_unit_prints_with_its_items_template_then_its_groups_then_the_settings():
	parent = make_item_group(trace_type="Serial")
	small, wide = template(60, 30), template(80, 40)
	frappe.db.set_value("Item Group", parent, "trace_label_template", small)
	child = make_item_group(parent=parent, trace_serial_format=uid("C") + "-{00000}")
	by_group = serial_item()
	frappe.db.set_value("Item", by_group, "item_group", child)
	by_item = serial_item()
	frappe.db.set_value("Item", by_item, "item_group", child)
	frappe.db.set_value("Item", by_item, "trace_label_template", wide)
	by_settings = serial_item()
	assert labels.resolve_templates([by_group, by_item, by_settings]) == {
		by_group: small,  # the parent group's
		by_item: wide,
		by_settings: "Serial Label",
	}
	units = produce(by_group, 2) + produce(by_item, 1) + produce(by_settings, 1)
	printed = pages(api.print_labels(names=units))
	assert [p["size"] for p in printed] == [(60, 30), (60, 30), (80, 40), (100, 50)]
	assert [p["qr"] for p in printed] == [[u] for u in units]
	wo = frappe.db.get_value("Serial Record", units[0], "work_order")
	assert f"WO {wo}" in printed[0]["text"]
	# a template named in the call prints every unit
	named = pages(api.print_labels(names=units, template=wide))
	assert {p["size"] for p in named} == {(80, 40)} and [p["qr"] for p in named] == [[u] for u in units]


def test_a_sheet_template_puts_rows_and_columns_of_labels_on_a4():
	sheet = template(60, 30, sheet_size="A4", sheet_columns=3, sheet_rows=8, sheet_margin_top_mm=10, sheet_margin_left_mm=10, sheet_gap_x_mm=5, sheet_gap_y_mm=4)  # fmt: skip
	item = serial_item()
	units = produce(item, 26)
	printed = pages(api.print_labels(names=units, template=sheet))
	assert [p["size"] for p in printed] == [(210, 297), (210, 297)]
	assert sorted(printed[0]["qr"]) == sorted(units[:24]) and sorted(printed[1]["qr"]) == sorted(units[24:])


def test_the_zpl_is_the_same_design_for_every_unit():
	small = template(60, 30, dpi="300")
	item = serial_item()
	units = produce(item, 3)
	zpl = api.label_zpl(names=frappe.as_json(units), template=small)
	labels_ = zpl.split("^XZ\n")[:-1]
	assert len(labels_) == 3
	for unit, label in zip(units, labels_, strict=True):
		# 60 x 30 mm at 300 dpi; the serial at 2 x 2 mm (24 dots), 8 pt (33 dots), 33 mm wide; the QR code
		assert label.startswith("^XA\n^CI28\n^PW709\n^LL354\n")
		assert f"^FO24,24^A0N,33,33^FB390,1,0,L,0^FH^FD{unit}^FS" in label
		assert f"^FDMA,{unit}^FS" in label
	assert frappe.allowed_http_methods_for_whitelisted_func[api.label_zpl] == ["POST"]
	with refused(frappe.DoesNotExistError, "no label template"):
		api.label_zpl(names=units, template="NO-SUCH-TEMPLATE")


def test_a_template_a_writer_could_not_print_is_refused_naming_the_row():
	before = frappe.db.count("Trace Label Template")
	doc = frappe.get_doc(
		{
			"doctype": "Trace Label Template",
			"template_name": uid("BAD"),
			"width_mm": 50,
			"height_mm": 30,
			"elements": [
				{
					"element_type": "Text",
					"bind_to": "serial",
					"x_mm": 2,
					"y_mm": 2,
					"width_mm": 30,
					"height_mm": 5,
				},
				{
					"element_type": "Text",
					"text": "{colour}",
					"x_mm": 70,
					"y_mm": 2,
					"width_mm": 10,
					"height_mm": 5,
				},
			],
		}
	)
	with refused(
		frappe.ValidationError, "Row 2: the Text starts at 70.0 x 2.0 mm, outside the 50.0 x 30.0 mm label"
	):
		doc.insert()
	with refused(frappe.ValidationError, "Row 2: colour is not a field a label can show"):
		doc.insert()
	assert frappe.db.count("Trace Label Template") == before
	# any Serial Record field may be shown
	doc.elements[1].update({"text": "{hold_reason}", "x_mm": 2, "y_mm": 10})
	doc.insert()


def test_an_image_prints_from_its_file():
	picture = Image.new("RGB", (60, 20), (0, 0, 0))
	buffer = io.BytesIO()
	picture.save(buffer, format="PNG")
	logo = frappe.get_doc(
		{"doctype": "File", "file_name": f"{uid('logo')}.png", "content": buffer.getvalue(), "is_private": 1}
	).insert()
	with_logo = template(60, 30)
	doc = frappe.get_doc("Trace Label Template", with_logo)
	doc.append(
		"elements",
		{
			"element_type": "Image",
			"image": logo.file_url,
			"x_mm": 2,
			"y_mm": 14,
			"width_mm": 30,
			"height_mm": 10,
		},
	)
	doc.save()
	item = serial_item()
	unit = produce(item, 1)[0]
	pdf = base64.b64decode(api.print_labels(names=[unit], template=with_logo)["pdf"])
	assert b"/Subtype /Image /Width 60 /Height 20" in pdf
	document = pypdfium2.PdfDocument(pdf)
	image = document[0].render(scale=200 / 72).to_pil()
	document.close()
	px = 200 / 25.4
	# 60 x 20 px into a 30 x 10 mm box: it fills it; the box's middle is black
	assert image.getpixel((int(17 * px), int(19 * px)))[:3] == (0, 0, 0)
	assert "^GFA," in api.label_zpl(names=[unit], template=with_logo)


def test_the_preview_draws_a_real_unit_or_an_unsaved_design():
	item = serial_item()
	unit = produce(item, 1)[0]
	answer = api.label_preview("Serial Label", unit)
	assert answer["unit"] == unit and answer["problems"] == []
	image = Image.open(io.BytesIO(base64.b64decode(answer["png"])))
	assert abs(image.size[0] - 1200) <= 1 and abs(image.size[1] - 600) <= 1  # 100 x 50 mm, 12 px a millimetre
	assert [r.text for r in zxingcpp.read_barcodes(image) if str(r.format) == "QR Code"] == [unit]
	assert f"^FDMA,{unit}^FS" in answer["zpl"]
	# the designer's copy, unsaved, with a mistake: drawn anyway, the mistake said
	unsaved = {
		"width_mm": 40,
		"height_mm": 20,
		"elements": [
			{
				"element_type": "DataMatrix",
				"bind_to": "serial",
				"x_mm": 2,
				"y_mm": 2,
				"width_mm": 14,
				"height_mm": 14,
			},
			{
				"element_type": "Text",
				"text": "{nothing}",
				"x_mm": 20,
				"y_mm": 2,
				"width_mm": 18,
				"height_mm": 4,
			},
		],
	}
	answer = api.label_preview(frappe.as_json(unsaved), unit)
	image = Image.open(io.BytesIO(base64.b64decode(answer["png"])))
	assert abs(image.size[0] - 480) <= 1 and abs(image.size[1] - 240) <= 1  # 12 px a mm (PDFium rounds up)
	assert [r.text for r in zxingcpp.read_barcodes(image)] == [unit]
	assert answer["problems"] == ["Row 2: nothing is not a field a label can show."]


def test_the_serial_label_print_formats_draw_the_template():
	small = template(60, 30)
	item = serial_item()
	frappe.db.set_value("Item", item, "trace_label_template", small)
	unit = produce(item, 1)[0]
	html = frappe.get_print("Serial Record", unit, print_format="Serial Label")
	assert "data:image/png;base64," in html and "page-width: 60.0mm" in html
	src = html.split("data:image/png;base64,", 1)[1].split('"', 1)[0]
	image = Image.open(io.BytesIO(base64.b64decode(src)))
	assert [r.text for r in zxingcpp.read_barcodes(image)] == [unit]
	from frappe.www.printview import get_rendered_raw_commands

	zpl = get_rendered_raw_commands("Serial Record", unit, "Serial Label ZPL")["raw_commands"]
	assert "^PW480" in zpl and f"^FDMA,{unit}^FS" in zpl
