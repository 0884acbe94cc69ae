"""A label design as data: what a Trace Label Template says, read once, shared by every writer.

Pure (no Frappe): the PDF writer (``label_pdf``), the ZPL writer (``label_zpl``), the designer's preview and
the template's validation all read a :class:`Design` made by :func:`design_from`. Positions and sizes are in
millimetres from the label's top-left corner; font sizes in points.

What an element shows (:func:`content_getter`):

- ``text`` holding ``{...}`` is a pattern: ``{item_code}`` stands for that field of the unit, ``{}`` for the
  field in ``bind_to``. A pattern naming a field the unit has no value for prints nothing (so
  "Lot · Qty {lot_qty}" prints on lots only, and "{work_order} · {manufacturing_date}" only on made units);
- otherwise ``bind_to`` alone prints the field's value, with ``text`` (on a Text element) as a caption before
  it ("WO " + the Work Order); nothing when the unit has no value;
- otherwise ``text`` is fixed text (for a barcode, fixed content).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

ELEMENT_TYPES = ("Text", "Code 128", "QR", "DataMatrix", "GS1-128", "GS1 DataMatrix", "Line", "Box", "Image")
BARCODES = ("Code 128", "QR", "DataMatrix", "GS1-128", "GS1 DataMatrix")
GS1_SYMBOLS = ("GS1-128", "GS1 DataMatrix")
SQUARE = ("QR", "DataMatrix", "GS1 DataMatrix")  # drawn as the largest square in their box
ALIGNS = ("Left", "Center", "Right")

# The unit's fields a label can show, beyond any field of Serial Record itself: name -> label (the designer's
# list). Values are strings, made by the service (``floor.labels.values_of``) for the fields a design uses.
BINDINGS: dict[str, str] = {
	"serial": "Serial",
	"lot": "Lot (lots only)",
	"item": "Item (code · name)",
	"item_code": "Item Code",
	"item_name": "Item Name",
	"qty": "Quantity",
	"lot_qty": "Lot Quantity (lots only)",
	"stock_uom": "Unit of Measure",
	"work_order": "Work Order",
	"manufacturing_date": "Manufacturing Date",
	"expiry_date": "Expiry Date",
	"gtin": "GTIN (the item's)",
	"gs1": "GS1 Element String ((01) GTIN (11) (17) dates (10) lot / (21) serial)",
	"customer": "Customer",
	"sales_order": "Sales Order",
	"warehouse": "Warehouse",
	"company": "Company",
	"supplier": "Supplier",
}

SHEETS_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}

_FIELD = re.compile(r"\{([A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Element:
	element_type: str
	x: float
	y: float
	width: float
	height: float
	bind_to: str = ""
	text: str = ""
	font_size: float = 8.0
	bold: bool = False
	grey: bool = False
	align: str = "Left"
	line_width: float = 0.3
	image: str = ""  # the image's file URL; its pixels are handed to the writers by the caller
	row: int = 0  # the template row, for messages

	def fields(self) -> list[str]:
		"""The unit fields this element reads."""
		names = [name or self.bind_to for name in _FIELD.findall(self.text or "")]
		if not names and self.bind_to and self.element_type not in ("Line", "Box", "Image"):
			names = [self.bind_to]
		return [name for name in names if name]


@dataclass(frozen=True)
class Sheet:
	"""Several labels on one page of an office printer, in rows and columns."""

	page_width: float
	page_height: float
	label_width: float
	label_height: float
	columns: int
	rows: int
	margin_top: float = 0.0
	margin_left: float = 0.0
	gap_x: float = 0.0
	gap_y: float = 0.0

	@property
	def per_page(self) -> int:
		return self.columns * self.rows

	def origin(self, index: int) -> tuple[float, float]:
		"""Where label ``index`` of a page sits: its top-left corner in mm from the page's top-left."""
		row, column = divmod(index % self.per_page, self.columns)
		return (
			self.margin_left + column * (self.label_width + self.gap_x),
			self.margin_top + row * (self.label_height + self.gap_y),
		)


@dataclass(frozen=True)
class Design:
	name: str
	width: float
	height: float
	elements: tuple[Element, ...] = ()
	sheet: Sheet | None = None
	dpi: int = 203
	fields: frozenset[str] = field(default=frozenset())

	@property
	def images(self) -> list[str]:
		return list(dict.fromkeys(e.image for e in self.elements if e.element_type == "Image" and e.image))


def _num(value, default: float = 0.0) -> float:
	try:
		return float(value) if value not in (None, "") else default
	except (TypeError, ValueError):
		return default


def design_from(doc: Mapping) -> Design:
	"""A Design from a Trace Label Template as a dict (a document's ``as_dict()``, or the designer's JSON)."""
	elements = []
	for i, row in enumerate(doc.get("elements") or [], start=1):
		kind = row.get("element_type") or "Text"
		elements.append(
			Element(
				element_type=kind,
				x=_num(row.get("x_mm")),
				y=_num(row.get("y_mm")),
				width=_num(row.get("width_mm")),
				height=_num(row.get("height_mm")),
				bind_to=(row.get("bind_to") or "").strip(),
				text=row.get("text") or "",
				font_size=_num(row.get("font_size"), 8.0) or 8.0,
				bold=bool(int(row.get("bold") or 0)),
				grey=bool(int(row.get("grey") or 0)),
				align=row.get("align") if row.get("align") in ALIGNS else "Left",
				line_width=_num(row.get("line_width_mm"), 0.3) or 0.3,
				image=row.get("image") or "",
				row=int(row.get("idx") or i),
			)
		)
	width, height = _num(doc.get("width_mm"), 100.0), _num(doc.get("height_mm"), 50.0)
	sheet = None
	if doc.get("sheet_size") in SHEETS_MM:
		page_width, page_height = SHEETS_MM[doc["sheet_size"]]
		sheet = Sheet(
			page_width=page_width,
			page_height=page_height,
			label_width=width,
			label_height=height,
			columns=max(int(_num(doc.get("sheet_columns"), 1)), 1),
			rows=max(int(_num(doc.get("sheet_rows"), 1)), 1),
			margin_top=_num(doc.get("sheet_margin_top_mm")),
			margin_left=_num(doc.get("sheet_margin_left_mm")),
			gap_x=_num(doc.get("sheet_gap_x_mm")),
			gap_y=_num(doc.get("sheet_gap_y_mm")),
		)
	used = frozenset(name for element in elements for name in element.fields())
	return Design(
		name=doc.get("name") or doc.get("template_name") or "",
		width=width,
		height=height,
		elements=tuple(elements),
		sheet=sheet,
		dpi=int(_num(doc.get("dpi"), 203)) or 203,
		fields=used,
	)


def content_getter(element: Element) -> Callable[[Mapping[str, str]], str] | str:
	"""What ``element`` shows for a unit's values: a function of the values, or a str when it is fixed."""
	pattern = element.text or ""
	bind = element.bind_to
	if _FIELD.search(pattern):
		parts = _FIELD.split(pattern)
		literals, names = parts[0::2], [name or bind for name in parts[1::2]]

		def from_pattern(values: Mapping[str, str]) -> str:
			out = [literals[0]]
			for name, literal in zip(names, literals[1:], strict=True):
				value = values.get(name)
				if not value:
					return ""
				out.append(value)
				out.append(literal)
			return "".join(out)

		return from_pattern
	if bind:
		caption = pattern if element.element_type == "Text" else ""
		if caption:
			return lambda values: (caption + value) if (value := values.get(bind)) else ""
		return lambda values: values.get(bind) or ""
	return pattern


def problems(design: Design, known_fields: Iterable[str]) -> list[tuple[int, str, dict]]:
	"""What is wrong with a design, as (row, message, arguments): message is an English template with ``{name}``
	placeholders, translated and formatted by the caller. Row 0 is the template itself."""
	known = set(known_fields) | set(BINDINGS)
	out: list[tuple[int, str, dict]] = []
	if design.width <= 0 or design.height <= 0:
		out.append((0, "The label needs a width and a height greater than 0 mm.", {}))
	for e in design.elements:
		if e.element_type not in ELEMENT_TYPES:
			out.append(
				(e.row, "Row {row}: {kind} is not an element type.", {"row": e.row, "kind": e.element_type})
			)
			continue
		if e.x < 0 or e.y < 0 or e.x > design.width or e.y > design.height:
			out.append(
				(
					e.row,
					"Row {row}: the {kind} starts at {x} x {y} mm, outside the {w} x {h} mm label.",
					{
						"row": e.row,
						"kind": e.element_type,
						"x": e.x,
						"y": e.y,
						"w": design.width,
						"h": design.height,
					},
				)
			)
		if e.element_type != "Line" and (e.width <= 0 or e.height <= 0):
			out.append(
				(
					e.row,
					"Row {row}: the {kind} needs a width and a height greater than 0 mm.",
					{"row": e.row, "kind": e.element_type},
				)
			)
		for name in e.fields():
			if name not in known:
				out.append(
					(
						e.row,
						"Row {row}: {field} is not a field a label can show.",
						{"row": e.row, "field": name},
					)
				)
		if e.element_type in BARCODES and not e.fields() and not e.text:
			out.append(
				(
					e.row,
					"Row {row}: the {kind} has nothing to encode: bind it to a field or give it text.",
					{"row": e.row, "kind": e.element_type},
				)
			)
		if e.element_type == "Image" and not e.image:
			out.append((e.row, "Row {row}: the Image has no picture: attach one.", {"row": e.row}))
	sheet = design.sheet
	if sheet:
		right, bottom = sheet.origin(sheet.per_page - 1)
		need_w, need_h = right + design.width, bottom + design.height
		if need_w > sheet.page_width + 0.01 or need_h > sheet.page_height + 0.01:
			out.append(
				(
					0,
					"{columns} x {rows} labels of {w} x {h} mm with these margins and gaps need {need_w} x {need_h} mm; the sheet is {page_w} x {page_h} mm.",
					{
						"columns": sheet.columns,
						"rows": sheet.rows,
						"w": design.width,
						"h": design.height,
						"need_w": round(need_w, 1),
						"need_h": round(need_h, 1),
						"page_w": sheet.page_width,
						"page_h": sheet.page_height,
					},
				)
			)
	return out


# ------------------------------------------------------------------------------------------------- GS1

# Application Identifiers whose data has a predefined length (GS1 General Specifications, "element strings
# with predefined length"): by their first two digits, the length of AI and data together. Every other AI is
# variable-length and ends with FNC1 unless it is the last.
GS1_PREDEFINED = {
	"00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8, "13": 8, "14": 8, "15": 8, "16": 8,
	"17": 8, "18": 8, "19": 8, "20": 4, "31": 10, "32": 10, "33": 10, "34": 10, "35": 10, "36": 10, "41": 16,
}  # fmt: skip
FNC1 = "\xf1"
_BRACKETED = re.compile(r"\((\d{2,4})\)([^()]*)")


def gs1_fields(element_string: str) -> list[tuple[str, str]]:
	"""``(01)09506000134352(10)AB12`` -> [("01", "09506000134352"), ("10", "AB12")]; [] when the text is not in
	the bracketed human-readable form."""
	text = element_string.strip()
	found = _BRACKETED.findall(text)
	if not found or "".join(f"({ai}){data}" for ai, data in found) != text:
		return []
	return found


def gs1_raw(element_string: str) -> str:
	"""The data characters of a GS1-128 / GS1 DataMatrix symbol for a bracketed element string, FNC1 as
	``\\xf1``: first, and after every variable-length field but the last. Text not in bracketed form is taken
	as AI-and-data already concatenated (one field)."""
	fields = gs1_fields(element_string)
	if not fields:
		return FNC1 + element_string.strip()
	out = [FNC1]
	for i, (ai, data) in enumerate(fields):
		out.append(ai + data)
		if ai[:2] not in GS1_PREDEFINED and i < len(fields) - 1:
			out.append(FNC1)
	return "".join(out)
