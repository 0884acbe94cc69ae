"""Many labels as one PDF, in one pass: no HTML, no PDF engine, no per-document merge.

Frappe prints a document by rendering its HTML and handing it to wkhtmltopdf (or Chrome); for 10,000 labels that
is 10,000 renders and a merge (measured: 0.41 s a label). A label is a few lines of text, a Code 128 and a QR
code, so this module writes the PDF itself: one page per label, the text in an embedded TrueType font (any
script the font covers; the font is embedded once per file), the bars and QR modules as filled rectangles (vector:
sharp at any printer resolution). Pure Python, no Frappe: ``render`` takes plain label dicts.

Measured on a 2-core machine: about 0.4 ms a label, of which QR encoding (segno) is most. See
``benchmarks/bench_labels.py``.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assetblaze_trace.floor.label_design import FNC1, SQUARE, Design, Element, content_getter, gs1_raw

MM = 72 / 25.4  # points per millimetre

# Fonts looked for when none is configured: the common free fonts of Debian/Ubuntu, RHEL and macOS.
FONT_CANDIDATES = (
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
	"/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
	"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
	"/Library/Fonts/Arial Unicode.ttf",
)


@dataclass(frozen=True)
class Layout:
	"""Where things go on a label, in millimetres from the top-left corner; sizes scale with the label."""

	width: float = 100.0
	height: float = 50.0
	margin: float = 3.0
	serial_size: float = 15.0  # points
	text_size: float = 8.0
	meta_size: float = 7.0
	barcode_height: float = 12.0
	qr_size: float = 30.0

	@classmethod
	def sized(cls, width: float, height: float) -> Layout:
		"""The default design scaled to a label of ``width`` x ``height`` mm."""
		k = min(width / cls.width, height / cls.height)
		return cls(
			width=width,
			height=height,
			margin=3.0 * k,
			serial_size=15.0 * k,
			text_size=8.0 * k,
			meta_size=7.0 * k,
			barcode_height=12.0 * k,
			qr_size=30.0 * k,
		)


# ------------------------------------------------------------------------------------------------ fonts


class TrueTypeFont:
	"""The few tables of a TrueType file a PDF needs: character to glyph, advance widths, metrics."""

	def __init__(self, path: str):
		self.path = path
		self.data = Path(path).read_bytes()
		tables = self._tables()
		head, hhea = tables["head"], tables["hhea"]
		self.units = struct.unpack_from(">H", self.data, head + 18)[0]
		x0, y0, x1, y1 = struct.unpack_from(">hhhh", self.data, head + 36)
		self.bbox = [self._k(v) for v in (x0, y0, x1, y1)]
		ascent, descent = struct.unpack_from(">hh", self.data, hhea + 4)
		self.ascent, self.descent = self._k(ascent), self._k(descent)
		metrics = struct.unpack_from(">H", self.data, hhea + 34)[0]
		hmtx = tables["hmtx"]
		self.advances = [struct.unpack_from(">H", self.data, hmtx + 4 * i)[0] for i in range(metrics)]
		self.cmap = self._cmap(tables["cmap"])
		os2 = tables.get("OS/2")
		fs_type = struct.unpack_from(">H", self.data, os2 + 8)[0] if os2 is not None else 0
		self.embeddable = not (fs_type & 0x0002)  # "restricted licence embedding"
		self.name = re.sub(r"[^A-Za-z0-9-]", "", Path(path).stem) or "LabelFont"

	def _k(self, value: int) -> int:
		return round(value * 1000 / self.units)

	def _tables(self) -> dict[str, int]:
		count = struct.unpack_from(">H", self.data, 4)[0]
		tables = {}
		for i in range(count):
			tag, _checksum, offset, _length = struct.unpack_from(">4sIII", self.data, 12 + 16 * i)
			tables[tag.decode("latin-1")] = offset
		for need in ("head", "hhea", "hmtx", "cmap"):
			if need not in tables:
				raise ValueError(f"{self.path} is not a TrueType font with a {need} table")
		return tables

	def _cmap(self, cmap: int) -> dict[int, int]:
		count = struct.unpack_from(">H", self.data, cmap + 2)[0]
		subtables = {}
		for i in range(count):
			platform, encoding, offset = struct.unpack_from(">HHI", self.data, cmap + 4 + 8 * i)
			subtables[(platform, encoding)] = cmap + offset
		for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
			if key in subtables:
				start = subtables[key]
				kind = struct.unpack_from(">H", self.data, start)[0]
				if kind == 12:
					return self._format12(start)
				if kind == 4:
					return self._format4(start)
		raise ValueError(f"{self.path} has no Unicode character map")

	def _format4(self, at: int) -> dict[int, int]:
		segs = struct.unpack_from(">H", self.data, at + 6)[0] // 2
		ends = struct.unpack_from(f">{segs}H", self.data, at + 14)
		starts = struct.unpack_from(f">{segs}H", self.data, at + 16 + 2 * segs)
		deltas = struct.unpack_from(f">{segs}h", self.data, at + 16 + 4 * segs)
		ranges_at = at + 16 + 6 * segs
		ranges = struct.unpack_from(f">{segs}H", self.data, ranges_at)
		out = {}
		for i in range(segs):
			for code in range(starts[i], ends[i] + 1):
				if code == 0xFFFF:
					continue
				if ranges[i] == 0:
					glyph = (code + deltas[i]) & 0xFFFF
				else:
					where = ranges_at + 2 * i + ranges[i] + 2 * (code - starts[i])
					glyph = struct.unpack_from(">H", self.data, where)[0]
					if glyph:
						glyph = (glyph + deltas[i]) & 0xFFFF
				if glyph:
					out[code] = glyph
		return out

	def _format12(self, at: int) -> dict[int, int]:
		groups = struct.unpack_from(">I", self.data, at + 12)[0]
		out = {}
		for i in range(groups):
			first, last, glyph = struct.unpack_from(">III", self.data, at + 16 + 12 * i)
			for code in range(first, last + 1):
				out[code] = glyph + code - first
		return out

	def width(self, glyph: int) -> int:
		"""Advance width of ``glyph`` in thousandths of the font size."""
		advances = self.advances
		return self._k(advances[glyph] if glyph < len(advances) else advances[-1])


@lru_cache(maxsize=4)
def load_font(path: str | None = None) -> TrueTypeFont | None:
	"""The TrueType font at ``path``, or the first usable candidate; None when there is none (the labels then use
	the PDF's built-in Helvetica, which covers Western European text only)."""
	for candidate in [path] if path else FONT_CANDIDATES:
		if candidate and Path(candidate).is_file():
			font = TrueTypeFont(candidate)
			if font.embeddable:
				return font
	return None


class _Text:
	"""Encodes strings for the content stream and measures them, in the embedded font or in Helvetica."""

	def __init__(self, font: TrueTypeFont | None):
		self.font = font
		self.used: dict[int, int] = {}  # glyph -> character, for the widths and the ToUnicode map
		self._cache: dict[str, tuple[str, float]] = {}

	def encode(self, text: str) -> tuple[str, float]:
		"""(the operand for Tj, the width in thousandths of the font size)."""
		hit = self._cache.get(text)
		if hit is not None:
			return hit
		if self.font is None:
			raw = text.encode("cp1252", "replace")
			operand = (
				"("
				+ raw.decode("latin-1").replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
				+ ")"
			)
			result = operand, 556.0 * len(raw)  # Helvetica's average advance
		else:
			cmap, used, font = self.font.cmap, self.used, self.font
			glyphs = [cmap.get(ord(ch), 0) for ch in text]
			for glyph, ch in zip(glyphs, text, strict=True):
				if glyph and glyph not in used:
					used[glyph] = ord(ch)
			result = (
				"<" + "".join(f"{g:04X}" for g in glyphs) + ">",
				float(sum(font.width(g) for g in glyphs)),
			)
		if len(self._cache) < 50_000:
			self._cache[text] = result
		return result

	def fit(self, text: str, size: float, room: float) -> str:
		"""``text`` shortened with an ellipsis so it is at most ``room`` points wide at ``size``."""
		return self.fitted(text, size, room)[0]

	def fitted(self, text: str, size: float, room: float) -> tuple[str, float]:
		"""``fit``, with the width of what fits (thousandths of the font size)."""
		operand, width = self.encode(text)
		if width * size / 1000 <= room or len(text) < 2:
			return operand, width
		lo, hi = 0, len(text)
		while lo < hi:  # the longest prefix that fits with the ellipsis
			mid = (lo + hi + 1) // 2
			if self.encode(text[:mid] + "…")[1] * size / 1000 <= room:
				lo = mid
			else:
				hi = mid - 1
		return self.encode(text[:lo] + "…")


# --------------------------------------------------------------------------------------------- symbols


def code128_modules(value: str) -> str:
	"""Code 128 of ``value`` as a string of 1 (bar) and 0 (space) modules, start to stop; '' when ``value`` has
	characters Code 128 cannot carry (the QR code still does)."""
	import barcode

	try:
		return barcode.Code128(value).build()[0]
	except Exception:
		return ""


def qr_matrix(value: str):
	"""The QR code of ``value`` (error correction M) as rows of 0/1 bytes. The mask is fixed (pattern 0): a valid
	code every reader decodes; choosing among the eight masks would make encoding six times slower."""
	import segno

	return segno.make_qr(value, error="m", mask=0, boost_error=False).matrix


_RUNS_TEXT = re.compile("1+")
_RUNS_BYTES = re.compile(b"\x01+")


@lru_cache(maxsize=64)
def _grid(origin: float, step: float, count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
	"""Formatted positions origin + i * step and lengths i * step, i = 0..count: a label's runs are then
	joined from ready strings (formatting floats was most of the drawing time)."""
	return (
		tuple(f"{origin + i * step:.2f}" for i in range(count + 1)),
		tuple(f"{i * step:.2f}" for i in range(count + 1)),
	)


def _bars(modules: str, x: float, y: float, width: float, height: float) -> str:
	if not modules:
		return ""
	at, length = _grid(x, width / len(modules), len(modules))
	tail = f" {y:.2f} "
	end = f" {height:.2f} re\n"
	return "".join(
		at[m.start()] + tail + length[m.end() - m.start()] + end for m in _RUNS_TEXT.finditer(modules)
	)


def _qr(matrix, x: float, top: float, size: float) -> str:
	count = len(matrix)
	step = size / count
	at, length = _grid(x, step, count)
	rows, _ = _grid(top - size, step, count)  # rows[count - 1 - r] is the bottom of row r
	end = f" {step:.2f} re\n"
	ops = []
	for r, row in enumerate(matrix):
		middle = " " + rows[count - 1 - r] + " "
		ops.extend(
			at[m.start()] + middle + length[m.end() - m.start()] + end
			for m in _RUNS_BYTES.finditer(bytes(row))
		)
	return "".join(ops)


# ------------------------------------------------------------------------------------------------ pages


def page_content(label: dict, layout: Layout, text: _Text) -> str:
	"""The drawing operators of one label. ``label`` has serial, and optionally title, lines (a list of smaller
	lines under the title) and code (what the barcodes carry; the serial by default)."""
	w, h, m = layout.width * MM, layout.height * MM, layout.margin * MM
	qr_size = min(layout.qr_size * MM, h - 2 * m)
	column = w - 3 * m - qr_size  # the text column, left of the QR code
	serial = str(label.get("serial") or "")
	code = str(label.get("code") or serial)
	ops = ["BT\n"]
	y = h - m - layout.serial_size * 0.8
	# the serial in "bold": fill and stroke (one embedded font serves all lines)
	ops.append(
		f"/F1 {layout.serial_size:.2f} Tf 2 Tr {layout.serial_size * 0.03:.2f} w "
		f"1 0 0 1 {m:.2f} {y:.2f} Tm {text.fit(serial, layout.serial_size, column)} Tj 0 Tr\n"
	)
	y -= layout.text_size * 1.5
	if label.get("title"):
		ops.append(
			f"/F1 {layout.text_size:.2f} Tf 1 0 0 1 {m:.2f} {y:.2f} Tm "
			f"{text.fit(str(label['title']), layout.text_size, column)} Tj\n"
		)
		y -= layout.meta_size * 1.4
	ops.append("0.33 g\n")
	for line in label.get("lines") or ():
		if not line:
			continue
		ops.append(
			f"/F1 {layout.meta_size:.2f} Tf 1 0 0 1 {m:.2f} {y:.2f} Tm {text.fit(str(line), layout.meta_size, column)} Tj\n"
		)
		y -= layout.meta_size * 1.3
	ops.append("ET\n0 g\n")
	bar_h = min(layout.barcode_height * MM, max(y - m - 1 * MM, 4 * MM))
	ops.append(_bars(code128_modules(code), m, m, column, bar_h))
	ops.append(_qr(qr_matrix(code), w - m - qr_size, h - m, qr_size))
	ops.append("f\n")
	return "".join(ops)


def render(
	labels: Iterable[dict],
	layout: Layout | None = None,
	font: TrueTypeFont | None = None,
	progress: Callable[[int], None] | None = None,
	progress_every: int = 500,
	title: str = "Labels",
) -> bytes:
	"""The fixed layout (no template): one PDF, a page per label, in the order given. ``progress(done)`` is
	called every ``progress_every`` labels. Returns the file's bytes. Kept as the reference a designed template
	is measured against (``benchmarks/bench_labels.py``) and as the label of a site with no template at all."""
	layout = layout or Layout()
	w, h = layout.width * MM, layout.height * MM

	def pages(text: _Text):
		for label in labels:
			yield w, h, page_content(label, layout, text), 1

	return write(pages, font=font, progress=progress, progress_every=progress_every, title=title)


def render_design(
	groups: Iterable[tuple[Design, Iterable[Mapping[str, str]]]],
	font: TrueTypeFont | None = None,
	images: Mapping[str, PdfImage] | None = None,
	progress: Callable[[int], None] | None = None,
	progress_every: int = 500,
	title: str = "Labels",
) -> bytes:
	"""Labels drawn by their templates, as one PDF: ``groups`` is (design, the units' values) in print order.
	A design without a sheet puts each label on a page of its own size; with a sheet, ``columns x rows``
	labels on each page of the sheet. ``images`` holds the pixels of the designs' Image elements by URL."""
	images = images or {}
	names = {
		url: (n, image.width / max(image.height, 1)) for n, (url, image) in enumerate(images.items(), start=1)
	}

	def pages(text: _Text):
		for design, units in groups:
			draw = compile_design(design, text, names)
			sheet = design.sheet
			if not sheet:
				w, h = design.width * MM, design.height * MM
				for values in units:
					yield w, h, draw(values), 1
				continue
			w, h = sheet.page_width * MM, sheet.page_height * MM
			placed = [
				f"q 1 0 0 1 {x * MM:.2f} {(sheet.page_height - y - design.height) * MM:.2f} cm\n"
				for x, y in (sheet.origin(i) for i in range(sheet.per_page))
			]
			batch: list[str] = []
			for values in units:
				batch.append(placed[len(batch)] + draw(values) + "Q\n")
				if len(batch) == sheet.per_page:
					yield w, h, "".join(batch), len(batch)
					batch = []
			if batch:
				yield w, h, "".join(batch), len(batch)

	return write(
		pages, font=font, images=images, progress=progress, progress_every=progress_every, title=title
	)


def write(
	pages: Callable[[_Text], Iterable[tuple[float, float, str, int]]],
	font: TrueTypeFont | None = None,
	images: Mapping[str, PdfImage] | None = None,
	progress: Callable[[int], None] | None = None,
	progress_every: int = 500,
	title: str = "Labels",
) -> bytes:
	"""The PDF file around ``pages(text)``: (width, height in points, content stream, labels on it) per page."""
	text = _Text(font)
	out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets: dict[int, int] = {}

	def obj(number: int, body: bytes) -> None:
		offsets[number] = len(out)
		out.extend(b"%d 0 obj\n" % number)
		out.extend(body)
		out.extend(b"\nendobj\n")

	def stream(number: int, data: bytes, extra: str = "") -> None:
		packed = zlib.compress(data, 3)
		obj(
			number,
			f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
			+ packed
			+ b"\nendstream",
		)

	# 1 catalog, 2 pages, 3 font (Type0 or Type1), 4 descendant, 5 descriptor, 6 font file, 7 ToUnicode, 8 info;
	# then two objects per image (pixels, alpha); pages after them: page object n, its content n + 1
	number = 9
	xobjects = ""
	for n, image in enumerate((images or {}).values(), start=1):
		mask = ""
		if image.alpha is not None:
			stream(number + 1, image.alpha, _image_dict(image, "/DeviceGray"))
			mask = f"/SMask {number + 1} 0 R "
		stream(number, image.pixels, _image_dict(image, "/DeviceRGB") + mask)
		xobjects += f"/Im{n} {number} 0 R "
		number += 2
	resources = "/Font << /F1 3 0 R >>" + (f" /XObject << {xobjects}>>" if xobjects else "")
	page_numbers: list[int] = []
	heads: dict[tuple[float, float], bytes] = {}
	done = reported = 0
	for w, h, content, count in pages(text):
		head = heads.get((w, h))
		if head is None:
			head = heads[(w, h)] = (
				f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] /Resources << {resources} >> /Contents "
			).encode()
		stream(number + 1, content.encode("latin-1"))
		obj(number, head + b"%d 0 R >>" % (number + 1))
		page_numbers.append(number)
		number += 2
		done += count
		if progress and done - reported >= progress_every:
			reported = done - done % progress_every
			progress(done)
	kids = " ".join(f"{n} 0 R" for n in page_numbers)
	obj(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(page_numbers)} >>".encode())
	_fonts(obj, stream, text)
	obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
	obj(8, ("<< /Title " + _pdf_string(title) + " /Producer (AssetBlaze Trace) >>").encode("latin-1"))
	xref_at = len(out)
	last = max(offsets)
	out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % (last + 1))
	for n in range(1, last + 1):
		out.extend(b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n")
	out.extend(
		b"trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (last + 1, xref_at)
	)
	if progress and done != reported:
		progress(done)
	return bytes(out)


# ------------------------------------------------------------------------------------ designed labels


@dataclass(frozen=True)
class PdfImage:
	"""An image's pixels for the PDF: 8-bit RGB rows, and its alpha channel when it has one, both deflated."""

	width: int
	height: int
	pixels: bytes
	alpha: bytes | None = None

	@classmethod
	def from_bytes(cls, data: bytes) -> PdfImage:
		"""Any image Pillow reads (PNG, JPEG, GIF, WebP...)."""
		import io

		from PIL import Image

		with Image.open(io.BytesIO(data)) as im:
			im.load()
			has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
			rgba = im.convert("RGBA") if has_alpha else None
			rgb = im.convert("RGB")
			return cls(
				width=rgb.width,
				height=rgb.height,
				pixels=rgb.tobytes(),
				alpha=rgba.getchannel("A").tobytes() if rgba is not None else None,
			)


def _image_dict(image: PdfImage, space: str) -> str:
	return f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ColorSpace {space} /BitsPerComponent 8 "


def gs1_128_modules(element_string: str) -> str:
	"""GS1-128 (Code 128 with FNC1 first and after each variable-length field) of a bracketed element string
	as 1/0 modules; '' when it cannot be encoded."""
	import barcode

	raw = gs1_raw(element_string)
	try:
		return barcode.Gs1_128(raw[1:]).build()[0]  # Gs1_128 puts the first FNC1 itself
	except Exception:
		return ""


def datamatrix_matrix(value: str):
	"""The Data Matrix (ECC 200) of ``value`` as rows of 0/1; [] when it cannot be encoded."""
	from ppf.datamatrix import DataMatrix

	try:
		return DataMatrix(value).matrix
	except Exception:
		return []


def gs1_datamatrix_matrix(element_string: str):
	"""GS1 DataMatrix of a bracketed element string: FNC1 (codeword 232) first and after each variable-length
	field, the data in ASCII encodation (digit pairs packed). ``ppf-datamatrix`` has no FNC1, so its symbol
	builder gets the codewords from this encoder; [] when it cannot be encoded."""
	from ppf.datamatrix import DataMatrix

	_register_gs1_codec()
	try:
		symbol = DataMatrix(gs1_raw(element_string))
		symbol.codecs = ["datamatrix.gs1"]
		return symbol.matrix
	except Exception:
		return []


def _gs1_ascii(message: str) -> tuple[bytes, int]:
	out, i = [], 0
	while i < len(message):
		c = message[i]
		if c == FNC1:
			out.append(232)
		elif c.isdigit() and i + 1 < len(message) and message[i + 1].isdigit():
			out.append(130 + int(message[i : i + 2]))
			i += 1
		elif ord(c) < 128:
			out.append(ord(c) + 1)
		else:
			raise ValueError(f"{c!r} is not in GS1's character set")
		i += 1
	return bytes(out), len(message)


def _register_gs1_codec() -> None:
	import codecs

	try:
		codecs.lookup("datamatrix.gs1")
	except LookupError:
		codecs.register(
			lambda name: (
				codecs.CodecInfo(_gs1_ascii, None, name="datamatrix.gs1")
				if name == "datamatrix.gs1"
				else None
			)
		)


def compile_design(
	design: Design, text: _Text, image_numbers: Mapping[str, tuple[int, float]] | None = None
) -> Callable[[Mapping], str]:
	"""The drawing of one label of ``design`` as a function of the unit's values: positions, sizes and fixed
	text worked out once; per label only what the unit changes (its text and its symbols)."""
	H = design.height * MM
	image_numbers = image_numbers or {}
	parts: list[str | Callable[[Mapping], str]] = []
	for e in design.elements:
		x, top, w, h = e.x * MM, H - e.y * MM, e.width * MM, e.height * MM
		get = content_getter(e)
		kind = e.element_type
		if kind == "Text":
			part = _text_drawer(e, get, text, x, top, w)
		elif kind in ("Code 128", "GS1-128"):
			modules = code128_modules if kind == "Code 128" else gs1_128_modules
			part = _symbol_drawer(get, lambda v, m=modules, x=x, y=top - h, w=w, h=h: _bars(m(v), x, y, w, h))
		elif kind in SQUARE:
			side = min(w, h)
			matrix = {"QR": qr_matrix, "DataMatrix": datamatrix_matrix}.get(kind, gs1_datamatrix_matrix)
			part = _symbol_drawer(
				get, lambda v, m=matrix, x=x, top=top, s=side: _qr(m(v), x, top, s) if v else ""
			)
		elif kind == "Line":
			part = f"{e.line_width * MM:.2f} w {x:.2f} {top:.2f} m {x + w:.2f} {top - h:.2f} l S\n"
		elif kind == "Box":
			part = f"{e.line_width * MM:.2f} w {x:.2f} {top - h:.2f} {w:.2f} {h:.2f} re S\n"
		elif kind == "Image" and e.image in image_numbers:
			part = _image_placement(*image_numbers[e.image], x, top, w, h)
		else:
			continue
		if part:
			parts.append(part)
	# consecutive fixed parts joined once
	merged: list[str | Callable[[Mapping], str]] = []
	for part in parts:
		if isinstance(part, str) and merged and isinstance(merged[-1], str):
			merged[-1] += part
		else:
			merged.append(part)
	if all(isinstance(p, str) for p in merged):
		fixed = "".join(merged)  # type: ignore[arg-type]
		return lambda values: fixed
	return lambda values: "".join(p if isinstance(p, str) else p(values) for p in merged)


def _symbol_drawer(get, draw) -> str | Callable[[Mapping], str]:
	if isinstance(get, str):
		ops = draw(get)
		return ops + "f\n" if ops else ""

	def symbol(values: Mapping) -> str:
		ops = draw(get(values))
		return ops + "f\n" if ops else ""

	return symbol


def _text_drawer(e: Element, get, text: _Text, x: float, top: float, w: float):
	size = e.font_size
	baseline = top - size * 0.8
	head = "BT\n" + ("0.33 g " if e.grey else "") + f"/F1 {size:.2f} Tf "
	if e.bold:
		head += f"2 Tr {size * 0.03:.2f} w "
	tail = (" 0 Tr" if e.bold else "") + "\nET\n" + ("0 g\n" if e.grey else "")
	align = e.align
	left = f"1 0 0 1 {x:.2f} {baseline:.2f} Tm "

	def draw(value: str) -> str:
		if not value:
			return ""
		if align == "Left":
			return head + left + text.fit(value, size, w) + " Tj" + tail
		operand, width = text.fitted(value, size, w)
		drawn = width * size / 1000
		dx = (w - drawn) / (2 if align == "Center" else 1)
		return head + f"1 0 0 1 {x + max(dx, 0):.2f} {baseline:.2f} Tm " + operand + " Tj" + tail

	if isinstance(get, str):
		return draw(get)
	return lambda values: draw(get(values))


def _image_placement(number: int, aspect: float, x: float, top: float, w: float, h: float) -> str:
	"""The image fitted into its box, its proportions kept, centred (PDF draws an image into the unit square,
	scaled by the matrix)."""
	iw, ih = (w, w / aspect) if w / aspect <= h else (h * aspect, h)
	ix, iy = x + (w - iw) / 2, top - h + (h - ih) / 2
	return f"q {iw:.2f} 0 0 {ih:.2f} {ix:.2f} {iy:.2f} cm /Im{number} Do Q\n"


def _pdf_string(value: str) -> str:
	"""A PDF text string: UTF-16 with a byte-order mark, as hex (any script)."""
	return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def _fonts(obj, stream, text: _Text) -> None:
	font = text.font
	if font is None:
		obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
		return
	used = sorted(text.used)
	widths = " ".join(f"{g} [{font.width(g)}]" for g in used)
	obj(
		3,
		f"<< /Type /Font /Subtype /Type0 /BaseFont /{font.name} /Encoding /Identity-H "
		f"/DescendantFonts [4 0 R] /ToUnicode 7 0 R >>".encode(),
	)
	obj(
		4,
		f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{font.name} "
		f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R "
		f"/DW {font.width(0)} /W [{widths}] /CIDToGIDMap /Identity >>".encode(),
	)
	obj(
		5,
		f"<< /Type /FontDescriptor /FontName /{font.name} /Flags 32 /FontBBox [{' '.join(map(str, font.bbox))}] "
		f"/ItalicAngle 0 /Ascent {font.ascent} /Descent {font.descent} /CapHeight {font.ascent} /StemV 80 "
		f"/FontFile2 6 0 R >>".encode(),
	)
	stream(6, font.data, f"/Length1 {len(font.data)} ")
	stream(7, _to_unicode(text.used).encode("latin-1"))


def _to_unicode(used: dict[int, int]) -> str:
	lines = [
		"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
		"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
		"1 begincodespacerange <0000> <FFFF> endcodespacerange",
	]
	pairs = sorted(used.items())
	for i in range(0, len(pairs), 100):
		chunk = pairs[i : i + 100]
		lines.append(f"{len(chunk)} beginbfchar")
		lines.extend(f"<{g:04X}> <{chr(c).encode('utf-16-be').hex().upper()}>" for g, c in chunk)
		lines.append("endbfchar")
	lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
	return "\n".join(lines)
