"""Barcodes and QR codes for print formats, as PNG data URIs (wkhtmltopdf renders them reliably).

Exposed to Jinja (hooks.jinja) so users' own label designs can call them too:
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
	"""Text for a ZPL field written after ``^FH`` (the label formats do): ``_``, ``^`` and ``~`` would end the
	field or start a command, so they go as ``_`` + hex. Newlines become spaces."""
	text = "" if value is None else str(value)
	text = text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")
	return " ".join(text.splitlines())
