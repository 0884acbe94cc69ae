"""GS1: what a scanned GS1 element string names, and GTIN check digits. Pure (no Frappe).

Parsing is `biip <https://pypi.org/project/biip/>`_'s (GS1 General Specifications' AI table, FNC1 / GS
separators, symbology identifiers, check digits, dates): it is made for exactly this and kept up to date with
GS1's tables; hand-writing a parser would be a second, older copy of that table.

A scan is read as GS1 only when it says so: a GS1 symbology identifier (``]C1`` GS1-128, ``]d2`` GS1 DataMatrix,
``]Q3`` GS1 QR, ``]e0`` GS1 DataBar), the bracketed human-readable form ``(01)...``, a GS separator (ASCII 29),
or ``01`` + a GTIN-14 whose check digit holds. Anything else is a serial or lot as typed: ``1000023`` is a serial,
not lot ``00023`` under AI (10).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

GS = "\x1d"
GS1_SYMBOLOGIES = ("]C1", "]d2", "]Q3", "]e0", "]J1")
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
GTIN_LENGTHS = (8, 12, 13, 14)


@dataclass(frozen=True)
class Scan:
	"""What a GS1 element string names (each None when absent)."""

	gtin: str | None = None  # as GTIN-14
	lot: str | None = None  # AI (10)
	serial: str | None = None  # AI (21)
	expiry: datetime.date | None = None  # AI (17)
	production: datetime.date | None = None  # AI (11)

	@property
	def names_a_unit(self) -> bool:
		return bool(self.lot or self.serial)


def looks_like_gs1(value: str) -> bool:
	text = (value or "").strip()
	if not text:
		return False
	if text[:3] in GS1_SYMBOLOGIES or text.startswith("(") or GS in text:
		return True
	if _SYMBOLOGY.match(text):  # a scanner's identifier of a symbology that is not GS1's
		return False
	return bool(re.match(r"^01\d{14}", text)) and gtin_problem(text[2:16]) is None


def parse(value: str) -> Scan | None:
	"""The unit or lot a GS1 scan names; None when the text is not a GS1 element string (see the module)."""
	if not looks_like_gs1(value):
		return None
	text = value.strip()
	elements = _elements(text)
	if elements is None:
		return None
	found: dict[str, object] = {}
	for ai, data, date in elements:
		if ai == "01":
			found["gtin"] = data
		elif ai == "10":
			found["lot"] = data
		elif ai == "21":
			found["serial"] = data
		elif ai == "17":
			found["expiry"] = date
		elif ai == "11":
			found["production"] = date
	return Scan(**found) if found else None


def _elements(text: str) -> list[tuple[str, str, datetime.date | None]] | None:
	from biip import ParseError
	from biip.gs1_messages import GS1Message

	try:
		if text.startswith("("):
			message = GS1Message.parse_hri(text)
		else:
			body = text[3:] if _SYMBOLOGY.match(text) else text
			message = GS1Message.parse(body)
	except (ParseError, ValueError):
		return None
	return [(e.ai.ai, e.value, e.date) for e in message.element_strings]


def gtin_problem(value: str | None) -> tuple[str, dict] | None:
	"""Why ``value`` is not a GTIN-8, -12, -13 or -14 (digits, length, check digit) as a reason to translate and
	its parameters; None when it is one."""
	text = (value or "").strip()
	if not text.isdigit():
		return "it may hold digits only", {}
	if len(text) not in GTIN_LENGTHS:
		return "it has {count} digits, and a GTIN has 8, 12, 13 or 14", {"count": len(text)}
	expected = check_digit(text[:-1])
	if int(text[-1]) != expected:
		return "its check digit is {got}, and its other digits make it {expected}", {
			"got": text[-1],
			"expected": expected,
		}
	return None


def check_digit(payload: str) -> int:
	"""The GS1 mod-10 check digit of the digits before it (weights 3, 1, ... from the right)."""
	total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
	return (10 - total % 10) % 10


def gtin14(value: str) -> str:
	"""A GTIN of any length as the 14 digits AI (01) carries."""
	return value.strip().zfill(14)


def element_string(
	gtin: str | None,
	*,
	lot: str | None = None,
	serial: str | None = None,
	expiry: datetime.date | str | None = None,
	production: datetime.date | str | None = None,
) -> str:
	"""The bracketed element string a label prints for a unit: fixed-length AIs first ((01), (11), (17)), then
	the variable-length ones ((10), (21)), so FNC1 is needed only between those. '' without a GTIN."""
	if not gtin:
		return ""
	parts = [f"(01){gtin14(gtin)}"]
	if production:
		parts.append(f"(11){yymmdd(production)}")
	if expiry:
		parts.append(f"(17){yymmdd(expiry)}")
	if lot:
		parts.append(f"(10){lot}")
	if serial:
		parts.append(f"(21){serial}")
	return "".join(parts)


def yymmdd(value: datetime.date | str) -> str:
	"""A date as GS1 writes it (YYMMDD)."""
	if isinstance(value, str):
		value = datetime.date.fromisoformat(value[:10])
	return value.strftime("%y%m%d")
