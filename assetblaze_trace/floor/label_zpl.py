"""The same label design as ZPL II, for thermal printers (Zebra and the many printers that speak ZPL).

Pure (no Frappe). One ``^XA ... ^XZ`` per unit; positions are the design's millimetres in printer dots at the
template's resolution (203, 300 or 600 dpi). Text goes through ``^FH`` (``_`` + hex for the characters ZPL
reserves) in font 0 with ``^CI28`` (UTF-8, any script the printer's font has); a text box is a one-line
``^FB`` so alignment and width hold. Code 128 ``^BC``, GS1-128 ``^BC`` in UCC/EAN mode (D: the printer puts
FNC1 where the standard says), QR ``^BQ``, Data Matrix ``^BX`` (GS1 DataMatrix: FNC1 as ``~1``, ``~`` named the escape character), lines and boxes ``^GB`` (a
slanted line ``^GD``), an image ``^GF`` in hex, made once per template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from assetblaze_trace.floor.label_design import FNC1, Design, Element, content_getter, gs1_raw

MM_PER_INCH = 25.4


def escape(value) -> str:
	"""Text for a field written after ``^FH``: ``_``, ``^`` and ``~`` would end the field or start a command, so
	they go as ``_`` + hex. Newlines become spaces."""
	text = "" if value is None else str(value)
	text = text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")
	return " ".join(text.splitlines())


def image_field(data: bytes, width_dots: int, height_dots: int) -> str:
	"""``^GFA`` of an image fitted into width x height dots (its proportions kept), in black and white."""
	import io

	from PIL import Image

	with Image.open(io.BytesIO(data)) as im:
		im.load()
		if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
			rgba = im.convert("RGBA")
			white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
			im = Image.alpha_composite(white, rgba)
		grey = im.convert("L")
	scale = min(width_dots / grey.width, height_dots / grey.height)
	size = (max(int(grey.width * scale), 1), max(int(grey.height * scale), 1))
	mono = grey.resize(size).point(lambda v: 255 if v >= 128 else 0).convert("1")
	row_bytes = (mono.width + 7) // 8
	# Pillow's "1" mode: 1 = white; ZPL's ^GF: 1 = black
	raw = bytes(b ^ 0xFF for b in mono.tobytes())
	total = row_bytes * mono.height
	return f"^GFA,{total},{total},{row_bytes},{raw.hex().upper()}"


class Writer:
	"""The ZPL of ``design`` for one unit's values at a time (``label(values)``); what never changes is worked
	out once."""

	def __init__(self, design: Design, images: Mapping[str, bytes] | None = None):
		self.design = design
		self.dots = design.dpi / MM_PER_INCH
		d = self.d
		self.head = f"^XA\n^CI28\n^PW{d(design.width)}\n^LL{d(design.height)}\n^LH0,0\n"
		self.parts: list[str | Callable[[Mapping], str]] = []
		for e in design.elements:
			part = self._element(e, images or {})
			if part:
				self.parts.append(part)

	def d(self, mm: float) -> int:
		"""Millimetres in dots."""
		return max(round(mm * self.dots), 0)

	def label(self, values: Mapping[str, str]) -> str:
		body = "".join(p if isinstance(p, str) else p(values) for p in self.parts)
		return self.head + body + "^PQ1\n^XZ\n"

	def _element(self, e: Element, images: Mapping[str, bytes]):
		d = self.d
		at = f"^FO{d(e.x)},{d(e.y)}"
		w, h = max(d(e.width), 1), max(d(e.height), 1)
		kind = e.element_type
		get = content_getter(e)
		thick = max(d(e.line_width), 1)
		if kind == "Text":
			height = max(round(e.font_size * self.design.dpi / 72), 10)
			justify = {"Left": "L", "Center": "C", "Right": "R"}[e.align]
			head = f"{at}^A0N,{height},{height}^FB{w},1,0,{justify},0^FH^FD"
			return _field(get, lambda v: f"{head}{escape(v)}^FS\n")
		if kind == "Code 128":
			return _field(
				get, lambda v: f"{at}^BY{self._module(v, w)},3,{h}^BCN,{h},N,N,N^FH^FD{escape(v)}^FS\n"
			)
		if kind == "GS1-128":
			return _field(
				get, lambda v: f"{at}^BY{self._module(v, w)},3,{h}^BCN,{h},N,N,N,D^FD{_zpl_plain(v)}^FS\n"
			)
		if kind == "QR":
			return _field(
				get, lambda v: f"{at}^BQN,2,{self._square(v, min(w, h), 'QR')}^FH^FDMA,{escape(v)}^FS\n"
			)
		if kind == "DataMatrix":
			return _field(
				get,
				lambda v: f"{at}^BXN,{self._square(v, min(w, h), 'DataMatrix')},200^FH^FD{escape(v)}^FS\n",
			)
		if (
			kind == "GS1 DataMatrix"
		):  # ~1 is FNC1 (the ^BX escape character ~), first and after variable fields
			return _field(
				get,
				lambda v: (
					f"{at}^BXN,{self._square(v, min(w, h), kind)},200,,,,~^FD"
					f"{_zpl_plain(gs1_raw(v)).replace(FNC1, '~1')}^FS\n"
				),
			)
		if kind == "Box":
			return f"{at}^GB{w},{h},{thick}^FS\n"
		if kind == "Line":
			if h <= thick or w <= thick:  # straight: a box as thick as the line
				return f"{at}^GB{max(w, thick)},{max(h, thick)},{thick}^FS\n"
			return f"{at}^GD{w},{h},{thick},B,L^FS\n"
		if kind == "Image" and e.image in images:
			return f"{at}{image_field(images[e.image], w, h)}^FS\n"
		return ""

	def _module(self, value: str, width_dots: int) -> int:
		"""The narrowest bar in dots so the Code 128 fills (at most) its box."""
		from assetblaze_trace.floor.label_pdf import code128_modules

		modules = len(code128_modules(value)) or 1
		return min(max(width_dots // modules, 1), 10)

	def _square(self, value: str, side_dots: int, kind: str) -> int:
		"""The module size in dots so the QR / Data Matrix fills (at most) its square."""
		from assetblaze_trace.floor.label_pdf import datamatrix_matrix, qr_matrix

		if kind == "GS1 DataMatrix":
			from assetblaze_trace.floor.label_pdf import gs1_datamatrix_matrix

			matrix = gs1_datamatrix_matrix(value)
		else:
			matrix = qr_matrix(value) if kind == "QR" else datamatrix_matrix(value)
		count = len(matrix) or 1
		return min(max(side_dots // count, 1), 10 if kind == "QR" else 50)


def _zpl_plain(value: str) -> str:
	"""A GS1 element string for ``^BC`` mode D: the printer reads the brackets itself; ZPL's own characters
	cannot occur in GS1 data (its character set is a subset of ASCII without ^ and ~)."""
	return value.replace("^", "").replace("~", "")


def _field(get, make: Callable[[str], str]):
	if isinstance(get, str):
		return make(get) if get else ""
	return lambda values: make(value) if (value := get(values)) else ""


def render(
	design: Design, units: Iterable[Mapping[str, str]], images: Mapping[str, bytes] | None = None
) -> str:
	"""The ZPL of every unit, one label each, in order."""
	writer = Writer(design, images)
	return "".join(writer.label(values) for values in units)
