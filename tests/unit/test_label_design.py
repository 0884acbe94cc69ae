"""A Trace Label Template, on its own: what each element shows, what a design may not be, and that the PDF and
the ZPL writers print the same elements. The PDF is rasterised (PDFium) and every barcode on it read back
(zxing-cpp): a symbol that does not scan fails here, whatever the operators look like."""

from __future__ import annotations

import io
import re

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from assetblaze_trace.floor import label_design as ld
from assetblaze_trace.floor import label_pdf as lp
from assetblaze_trace.floor import label_zpl as lz

UNIT = {
	"serial": "SN-26-00042",
	"item": "ITEM-1 · Prüfgerät",
	"work_order": "WO-0001",
	"manufacturing_date": "02-12-2026",
	"lot_qty": "",
	"gtin": "09506000134352",
}


def el(kind, x, y, w, h, **more):
	return {"element_type": kind, "x_mm": x, "y_mm": y, "width_mm": w, "height_mm": h, **more}


# a label with one of everything, nothing overlapping (a barcode needs its quiet zone to scan)
EVERYTHING = {
	"template_name": "Everything",
	"width_mm": 100,
	"height_mm": 60,
	"elements": [
		el("Text", 3, 3, 60, 6, bind_to="serial", font_size=14, bold=1),
		el("Text", 3, 9, 60, 4, bind_to="item", font_size=8, align="Center"),
		el("Text", 3, 13, 60, 3, text="Lot · Qty {lot_qty}", font_size=7, grey=1),
		el("Text", 3, 16, 60, 3, text="{work_order} · {manufacturing_date}", font_size=7, grey=1),
		el("Text", 3, 19, 60, 3, text="WO ", bind_to="work_order", font_size=7, align="Right"),
		el("Code 128", 5, 24, 50, 10, bind_to="serial"),
		el("GS1-128", 5, 40, 80, 12, text="(01){gtin}(21){serial}"),
		el("QR", 70, 3, 24, 24, bind_to="serial"),
		el("DataMatrix", 88, 32, 10, 10, bind_to="serial"),
		el("Box", 1, 1, 98, 58, line_width_mm=0.4),
		el("Line", 1, 22, 66, 0),
	],
}


def raster(pdf: bytes, page: int = 0, dpi: int = 300) -> Image.Image:
	document = pypdfium2.PdfDocument(pdf)
	try:
		return document[page].render(scale=dpi / 72).to_pil()
	finally:
		document.close()


def page_count(pdf: bytes) -> int:
	document = pypdfium2.PdfDocument(pdf)
	try:
		return len(document)
	finally:
		document.close()


def page_text(pdf: bytes, page: int = 0) -> str:
	document = pypdfium2.PdfDocument(pdf)
	try:
		text = document[page].get_textpage()
		return text.get_text_range()
	finally:
		document.close()


def page_size_mm(pdf: bytes, page: int = 0) -> tuple[float, float]:
	document = pypdfium2.PdfDocument(pdf)
	try:
		w, h = document[page].get_size()
		return round(w * 25.4 / 72, 1), round(h * 25.4 / 72, 1)
	finally:
		document.close()


def read(image) -> dict[str, list[tuple[str, str]]]:
	"""Every symbol zxing finds: format -> [(text, symbology identifier)]."""
	out: dict[str, list[tuple[str, str]]] = {}
	for found in zxingcpp.read_barcodes(image):
		out.setdefault(str(found.format), []).append((found.text, found.symbology_identifier))
	return out


@pytest.fixture(scope="module")
def font():
	return lp.load_font()


# ---------------------------------------------------------------------------------------- what shows


def test_a_pattern_prints_only_when_every_field_it_names_has_a_value():
	design = ld.design_from(EVERYTHING)
	lot, made, caption = (ld.content_getter(e) for e in design.elements[2:5])
	assert lot(UNIT) == "" and lot({**UNIT, "lot_qty": "5"}) == "Lot · Qty 5"
	assert made(UNIT) == "WO-0001 · 02-12-2026" and made({**UNIT, "work_order": ""}) == ""
	assert caption(UNIT) == "WO WO-0001" and caption({**UNIT, "work_order": ""}) == ""
	# {} stands for the bound field; fixed text is a str, worked out once
	bound = ld.content_getter(
		ld.design_from({"elements": [el("Text", 0, 0, 1, 1, bind_to="serial", text="#{}")]}).elements[0]
	)
	assert bound(UNIT) == "#SN-26-00042"
	assert (
		ld.content_getter(
			ld.design_from({"elements": [el("Text", 0, 0, 1, 1, text="Made in EU")]}).elements[0]
		)
		== "Made in EU"
	)


def test_a_design_knows_the_fields_it_needs():
	assert ld.design_from(EVERYTHING).fields == {
		"serial", "item", "lot_qty", "work_order", "manufacturing_date", "gtin"
	}  # fmt: skip


def test_what_a_design_may_not_be_is_said_row_by_row():
	bad = {
		"width_mm": 50,
		"height_mm": 30,
		"elements": [
			el("Text", 60, 2, 10, 4, bind_to="serial"),  # starts outside the label
			el("QR", 2, 2, 0, 10, bind_to="serial"),  # no width
			el("Text", 2, 2, 10, 4, text="{no_such_field}"),
			el("Code 128", 2, 2, 10, 4),  # nothing to encode
			el("Image", 2, 2, 10, 4),  # no picture
			el("Sticker", 2, 2, 10, 4),
		],
		"sheet_size": "A4",
		"sheet_columns": 5,
		"sheet_rows": 2,
	}
	found = ld.problems(ld.design_from(bad), known_fields=["serial_no"])
	messages = [message.format(**args) for _row, message, args in found]
	rows = [row for row, _m, _a in found]
	assert rows == [1, 2, 3, 4, 5, 6, 0], messages
	assert "outside the 50.0 x 30.0 mm label" in messages[0]
	assert "no_such_field is not a field" in messages[2]
	assert "Sticker is not an element type" in messages[5]
	assert "need 250.0 x 60.0 mm; the sheet is 210.0 x 297.0 mm" in messages[6]
	assert ld.problems(ld.design_from(EVERYTHING), known_fields=["gtin"]) == []


def test_gs1_fnc1_goes_first_and_after_variable_length_fields_but_the_last():
	assert ld.gs1_raw("(01)09506000134352(17)260101(10)AB12(21)X9") == (
		"\xf1" + "0109506000134352" + "17260101" + "10AB12" + "\xf1" + "21X9"
	)
	assert ld.gs1_raw("(10)AB12(01)09506000134352") == "\xf11" + "0AB12\xf1" + "0109506000134352"
	assert ld.gs1_fields("01 0950") == [] and ld.gs1_raw("0109506000134352") == "\xf10109506000134352"


# ----------------------------------------------------------------------------------------------- PDF


def test_every_element_prints_and_every_symbol_scans_back(font):
	design = ld.design_from(EVERYTHING)
	pdf = lp.render_design([(design, [UNIT, {**UNIT, "serial": "SN-26-00043", "lot_qty": "5"}])], font=font)
	assert page_count(pdf) == 2 and page_size_mm(pdf) == (100.0, 60.0)
	for page, serial in enumerate(("SN-26-00042", "SN-26-00043")):
		found = read(raster(pdf, page))
		assert found["QR Code"] == [(serial, "]Q1")], found
		assert found["Data Matrix"] == [(serial, "]d1")], found
		code128 = sorted(found["Code 128"])
		# GS1-128 reads back as the same element string, flagged GS1 (]C1); the plain one as itself (]C0)
		assert code128 == sorted([(serial, "]C0"), (f"(01)09506000134352(21){serial}", "]C1")]), found
		text = page_text(pdf, page)
		assert serial in text and "ITEM-1 · Prüfgerät" in text and "WO WO-0001" in text
		assert ("Lot · Qty 5" in text) == (page == 1)


def test_styles_become_pdf_operators(font):
	design = ld.design_from(EVERYTHING)
	text = lp._Text(font)
	ops = lp.compile_design(design, text)(UNIT)
	assert "2 Tr" in ops  # bold: filled and stroked
	assert "0.33 g" in ops  # grey
	assert re.search(r"\d+\.\d\d w 2\.83 2\.83 277\.80 164\.41 re S", ops), ops  # the box, 0.4 mm line
	assert " l S\n" in ops  # the line


def test_labels_fill_a_sheet_in_rows_and_columns(font):
	doc = {
		**EVERYTHING,
		"width_mm": 60,
		"height_mm": 40,
		"elements": [el("QR", 5, 5, 28, 28, bind_to="serial"), el("Text", 35, 5, 24, 4, bind_to="serial")],
		"sheet_size": "A4",
		"sheet_columns": 3,
		"sheet_rows": 2,
		"sheet_margin_top_mm": 10,
		"sheet_margin_left_mm": 10,
		"sheet_gap_x_mm": 5,
		"sheet_gap_y_mm": 5,
	}
	units = [{"serial": f"SH-{i:03d}"} for i in range(7)]
	pdf = lp.render_design([(ld.design_from(doc), units)], font=font)
	assert page_count(pdf) == 2 and page_size_mm(pdf) == (210.0, 297.0)
	first = raster(pdf, 0, dpi=200)
	assert sorted(t for t, _s in read(first)["QR Code"]) == [f"SH-{i:03d}" for i in range(6)]
	assert [t for t, _s in read(raster(pdf, 1, dpi=200))["QR Code"]] == ["SH-006"]
	# the third label of the first row starts at 10 + 2 x (60 + 5) = 140 mm, the second row at 10 + 40 + 5 = 55 mm
	px = 200 / 25.4
	crop = first.crop((int(140 * px), int(55 * px), int(200 * px), int(95 * px)))
	assert read(crop)["QR Code"] == [("SH-005", "]Q1")]


def test_an_image_keeps_its_proportions_and_its_transparency(font):
	picture = Image.new("RGBA", (40, 20), (200, 0, 0, 255))
	picture.putpixel((0, 0), (0, 0, 0, 0))
	buffer = io.BytesIO()
	picture.save(buffer, format="PNG")
	image = lp.PdfImage.from_bytes(buffer.getvalue())
	assert (image.width, image.height) == (40, 20) and image.alpha is not None
	doc = {"width_mm": 50, "height_mm": 30, "elements": [el("Image", 5, 3, 40, 24, image="/files/logo.png")]}
	pdf = lp.render_design([(ld.design_from(doc), [{}])], font=font, images={"/files/logo.png": image})
	assert b"/SMask" in pdf and b"/Im1 Do" not in pdf  # the content stream is deflated
	ops = lp.compile_design(ld.design_from(doc), lp._Text(font), {"/files/logo.png": (1, 2.0)})({})
	# a 40 x 24 mm box, a 2:1 picture: 40 x 20 mm, centred vertically (2 mm above and below)
	assert ops == "q 113.39 0 0 56.69 14.17 14.17 cm /Im1 Do Q\n"
	page = raster(pdf, 0, dpi=72)
	assert page.getpixel((int(25 / 25.4 * 72), int(15 / 25.4 * 72)))[:3] == (200, 0, 0)


def test_the_default_template_prints_the_label_the_fixed_writer_printed(font):
	"""The seed's Serial Label as a template (floor.labels.default_template's elements, copied here so the
	test needs no Frappe) against the fixed layout it replaces, pixel by pixel, for a lot with its Work Order."""
	default = {
		"width_mm": 100,
		"height_mm": 50,
		"elements": [
			el("Text", 3, 3, 61, 6, bind_to="serial", font_size=15, bold=1),
			el("Text", 3, 9.2, 61, 3.5, bind_to="item", font_size=8),
			el("Text", 3, 12.95, 61, 3, text="Lot · Qty {lot_qty}", font_size=7, grey=1),
			el("Text", 3, 16.16, 61, 3, text="{work_order} · {manufacturing_date}", font_size=7, grey=1),
			el("Code 128", 3, 35, 61, 12, bind_to="serial"),
			el("QR", 67, 3, 30, 30, bind_to="serial"),
		],
	}
	values = {**UNIT, "lot_qty": "5"}
	designed = raster(lp.render_design([(ld.design_from(default), [values])], font=font), dpi=150).convert(
		"L"
	)
	fixed_label = {
		"serial": values["serial"],
		"title": values["item"],
		"lines": ["Lot · Qty 5", "WO-0001 · 02-12-2026"],
	}
	fixed = raster(lp.render([fixed_label], font=font), dpi=150).convert("L")
	assert designed.size == fixed.size
	differing = sum(1 for a, b in zip(designed.getdata(), fixed.getdata(), strict=True) if abs(a - b) > 96)
	assert differing / (designed.size[0] * designed.size[1]) < 0.005, differing


# ----------------------------------------------------------------------------------------------- ZPL


def test_the_zpl_holds_a_field_for_every_element():
	picture = Image.new("L", (16, 8), 0)
	buffer = io.BytesIO()
	picture.save(buffer, format="PNG")
	doc = {
		**EVERYTHING,
		"elements": [*EVERYTHING["elements"], el("Image", 70, 40, 8, 4, image="/files/l.png")],
	}
	zpl = lz.render(ld.design_from(doc), [UNIT], {"/files/l.png": buffer.getvalue()})
	dots = 203 / 25.4
	assert zpl.startswith("^XA\n^CI28\n^PW799\n^LL480\n") and zpl.endswith("^PQ1\n^XZ\n")
	# the serial: 14 pt at 203 dpi is 39 dots high, at 3 x 3 mm (24, 24 dots), bold drawn the same font
	assert "^FO24,24^A0N,39,39^FB480,1,0,L,0^FH^FDSN-26-00042^FS" in zpl
	assert "^FB480,1,0,C,0^FH^FDITEM-1 · Prüfgerät^FS" in zpl  # centred, UTF-8 under ^CI28
	assert "Lot" not in zpl  # the pattern had no lot quantity
	assert "^FB480,1,0,R,0^FH^FDWO WO-0001^FS" in zpl
	assert re.search(r"\^FO40,192\^BY\d+,3,80\^BCN,80,N,N,N\^FH\^FDSN-26-00042\^FS", zpl), zpl
	assert "^BCN,96,N,N,N,D^FD(01)09506000134352(21)SN-26-00042^FS" in zpl  # GS1-128: UCC/EAN mode
	assert re.search(r"\^FO559,24\^BQN,2,\d+\^FH\^FDMA,SN-26-00042\^FS", zpl), zpl
	assert re.search(r"\^FO703,256\^BXN,\d+,200\^FH\^FDSN-26-00042\^FS", zpl), zpl
	assert f"^FO8,8^GB{round(98 * dots)},{round(58 * dots)},3^FS" in zpl  # the box
	assert "^FO8,176^GB527,2,2^FS" in zpl  # a straight line is a box as thick as the line
	found = re.search(r"\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)\^FS", zpl)
	assert found and int(found[1]) == int(found[3]) * (len(found[4]) // 2 // int(found[3]))
	assert set(found[4]) == {"F"}  # a black picture: every dot printed


def test_zpl_text_cannot_break_out_of_its_field():
	assert lz.escape("A^B~C_D\nE") == "A_5EB_7EC_5FD E"
	design = ld.design_from(
		{"width_mm": 50, "height_mm": 20, "elements": [el("Text", 1, 1, 40, 5, bind_to="serial")]}
	)
	zpl = lz.render(design, [{"serial": "X^XZ~JR"}])
	assert "^FDX_5EXZ_7EJR^FS" in zpl and zpl.count("^XZ") == 1
