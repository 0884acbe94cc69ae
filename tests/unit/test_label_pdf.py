"""The bulk label PDF writer, on its own: a valid PDF (cross-reference table, one page per label), the text
in the embedded font (or Helvetica), Code 128 bars and QR modules as rectangles."""

from __future__ import annotations

import re
import zlib

import pytest

from assetblaze_trace.floor import label_pdf as lp

LABELS = [
	{"serial": "SN-26-00001", "title": "ITEM-1 · Prüfgerät", "lines": ["WO-0001 · 02-12-2026"]},
	{
		"serial": "SN-26-00002",
		"title": "ITEM-1 · Prüfgerät",
		"lines": ["Lot · Qty 5", "WO-0001 · 02-12-2026"],
	},
	{"serial": "SN-26-(3)\\", "title": "", "lines": []},
]


def objects(pdf: bytes) -> dict[int, bytes]:
	return {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\n(.*?)\nendobj\n", pdf, re.S)}


def streams(pdf: bytes) -> dict[int, bytes]:
	out = {}
	for n, body in objects(pdf).items():
		m = re.match(rb"<< /Length (\d+) /Filter /FlateDecode .*?>>\nstream\n", body, re.S)
		if m:
			out[n] = zlib.decompress(body[m.end() : m.end() + int(m.group(1))])
	return out


def page_streams(pdf: bytes) -> list[str]:
	"""The content stream of each page, in page order (the /Kids of the page tree)."""
	objs, data = objects(pdf), streams(pdf)
	kids = [int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", objs[2]).group(1))]
	contents = [int(re.search(rb"/Contents (\d+) 0 R", objs[k]).group(1)) for k in kids]
	return [data[c].decode("latin-1") for c in contents]


def decode_hex_text(content: str, font: lp.TrueTypeFont) -> list[str]:
	back = {g: chr(c) for c, g in font.cmap.items()}
	return [
		"".join(back.get(int(h[i : i + 4], 16), "?") for i in range(0, len(h), 4))
		for h in re.findall(r"<([0-9A-F]+)> Tj", content)
	]


@pytest.fixture(scope="module")
def font():
	return lp.load_font()


def test_a_valid_pdf_with_one_page_per_label_and_a_true_cross_reference(font):
	pdf = lp.render(LABELS, font=font)
	assert pdf.startswith(b"%PDF-1.7") and pdf.rstrip().endswith(b"%%EOF")
	objs = objects(pdf)
	assert len(re.findall(rb"/Type /Page ", pdf)) == len(LABELS)
	assert re.search(rb"/Type /Pages /Kids \[.*?\] /Count 3 ", pdf)
	# every xref entry points at its object's first byte
	start = int(re.search(rb"startxref\n(\d+)\n", pdf).group(1))
	table = pdf[start:].split(b"trailer")[0].split(b"\n")[3:]
	for n, line in enumerate(table, start=1):
		if line.endswith(b"n "):
			offset = int(line[:10])
			assert pdf[offset:].startswith(b"%d 0 obj\n" % n), (n, pdf[offset : offset + 20])
	assert set(objs) >= {1, 2, 3, 8}


def test_the_text_of_each_label_in_order(font):
	pages = page_streams(lp.render(LABELS, font=font))
	if font is None:  # no TrueType font on this machine: Helvetica with escaped literal strings
		assert "(SN-26-00001) Tj" in pages[0] and r"(SN-26-\(3\)\\) Tj" in pages[2]
		return
	texts = [decode_hex_text(p, font) for p in pages]
	assert texts[0] == ["SN-26-00001", "ITEM-1 · Prüfgerät", "WO-0001 · 02-12-2026"]
	assert texts[1] == ["SN-26-00002", "ITEM-1 · Prüfgerät", "Lot · Qty 5", "WO-0001 · 02-12-2026"]
	assert texts[2] == ["SN-26-(3)\\"]


def test_the_embedded_font_maps_back_to_unicode(font):
	if font is None:
		pytest.fail(
			f"no TrueType font among {lp.FONT_CANDIDATES}: install fonts-dejavu-core to test embedding"
		)
	pdf = lp.render(LABELS, font=font)
	data = streams(pdf)
	assert data[6] == font.data  # the font file itself, once
	to_unicode = data[7].decode()
	glyph = font.cmap[ord("ü")]
	assert f"<{glyph:04X}> <00FC>" in to_unicode
	assert b"/Subtype /CIDFontType2" in pdf and b"/Encoding /Identity-H" in pdf


def test_helvetica_when_there_is_no_font():
	pdf = lp.render(LABELS[:1], font=None)
	assert b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding" in pdf
	content = page_streams(pdf)[0]
	assert "(SN-26-00001) Tj" in content and "(ITEM-1 \xb7 Pr\xfcfger\xe4t) Tj" in content
	assert lp.load_font("/nonexistent.ttf") is None


def test_code128_and_qr_are_drawn_as_rectangles():
	modules = lp.code128_modules("SN-26-00001")
	assert modules.startswith("11010010000") and modules.endswith("1100011101011")  # start B ... stop
	bars = lp._bars(modules, 0, 0, 100, 10)
	assert bars.count(" re\n") == len(re.findall("1+", modules))
	matrix = lp.qr_matrix("SN-26-00001")
	assert len(matrix) in (21, 25) and all(len(row) == len(matrix) for row in matrix)
	assert bytes(matrix[0][:7]) == b"\x01" * 7  # the top-left finder pattern
	qr = lp._qr(matrix, 0, 100, 30)
	assert qr.count(" re\n") == sum(len(re.findall(b"\x01+", bytes(row))) for row in matrix)
	assert lp.code128_modules("Prüfung") == ""  # Code 128 carries ASCII only; the QR still carries it


def test_long_text_is_cut_to_the_column(font):
	text = lp._Text(font)
	long = "A very long item name that cannot fit on one small label line at all " * 3
	operand = text.fit(long, 8, 100)
	width = next(w for t, (o, w) in text._cache.items() if o == operand)
	assert width * 8 / 1000 <= 100
	assert operand != text.encode(long)[0]


def test_the_layout_scales_with_the_label_size():
	small = lp.Layout.sized(50, 25)
	assert small.width == 50 and small.height == 25 and small.serial_size == pytest.approx(7.5)
	pdf = lp.render(LABELS[:1], layout=small, font=None)
	assert b"/MediaBox [0 0 141.73 70.87]" in pdf


def test_progress_is_reported():
	seen = []
	lp.render([LABELS[0]] * 5, font=None, progress=seen.append, progress_every=2)
	assert seen == [2, 4, 5]
