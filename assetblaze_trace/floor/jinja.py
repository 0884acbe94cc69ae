"""For print formats (hooks.jinja): a unit's designed label (``trace_label``, ``trace_label_zpl``), and barcodes
and QR codes as PNG data URIs (wkhtmltopdf renders them reliably) for users' own HTML formats:
``<img src="{{ trace_barcode(doc.serial_no) }}">`` and ``<img src="{{ trace_qr(doc.serial_no) }}">``.
"""

from __future__ import annotations

import base64
import io


def trace_barcode(value: str, module_height: float = 9.0) -> str:
	"""A Code 128 barcode of ``value`` (no human-readable line: print the text beside it)."""
	import barcode
	from barcode.writer import ImageWriter

	buffer = io.BytesIO()
	barcode.get("code128", str(value), writer=ImageWriter()).write(
		buffer, options={"write_text": False, "module_height": module_height, "quiet_zone": 2, "dpi": 300}
	)
	return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def trace_qr(value: str, scale: int = 6) -> str:
	"""A QR code of ``value``."""
	import pyqrcode

	return "data:image/png;base64," + pyqrcode.create(str(value), error="M").png_as_base64_str(
		scale=scale, quiet_zone=2
	)


def trace_zpl(value) -> str:
	"""Text for a ZPL field written after ``^FH`` (the label formats do): ``_``, ``^`` and ``~`` go as ``_`` + hex;
	newlines become spaces."""
	from assetblaze_trace.floor.label_zpl import escape

	return escape(value)


def trace_label(doc) -> dict:
	"""The unit's label as its Trace Label Template draws it (the Serial Label print format shows it):
	``{"src": PNG data URI, "width_mm", "height_mm"}``; the template is the item's, its group's or the
	settings'. The PDF writer draws it, as for the bulk run: a single label and a run of 10,000 look the same."""
	from assetblaze_trace.floor import labels

	row = {field: doc.get(field) for field in labels.FIELDS}
	design = labels.load_design(labels.resolve_templates([row["item_code"]]).get(row["item_code"]))
	png = labels.picture(design, labels.label_values(design, row), labels.image_bytes(design.images))
	return {
		"src": "data:image/png;base64," + base64.b64encode(png).decode(),
		"width_mm": design.width,
		"height_mm": design.height,
	}


def trace_label_zpl(doc) -> str:
	"""The unit's label as ZPL, from its Trace Label Template (the Serial Label ZPL print format)."""
	from assetblaze_trace.floor import labels

	row = {field: doc.get(field) for field in labels.FIELDS}
	return labels.zpl([row])
