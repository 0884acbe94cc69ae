"""Serial number formats: parsing, validation and rendering.

A format is a template such as ``GEN-{YY}-{0000}``. Placeholders:

* ``{YY}``: two-digit year, ``{YYYY}``: four-digit year;
* ``{0…0}`` (1 to 10 zeros): the sequence number, zero-padded to that many digits.

A format needs exactly one sequence placeholder. Anything else in braces, or a stray ``{`` or ``}``,
is an error. The counter that feeds the sequence is keyed by the *rendered* text around the sequence
(the year substituted, the padding left out), so a format with a year starts again at 1 each year,
one without never resets, and two formats that render the same text share one counter; leaving the
padding out of the key keeps ``SN-{0000}`` and ``SN-{00000}`` from ever producing the same string.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MAX_PADDING = 10
MAX_SERIAL_LENGTH = 140  # Frappe's `name` column

_TOKEN = re.compile(r"\{([^{}]*)\}")


def _(text: str) -> str:
	"""Marks a message for translation extraction; the Frappe layer translates it when shown."""
	return text


class SerialFormatError(ValueError):
	"""Raised when a format string is not valid. ``reason`` is a short English sentence; callers
	translate it (Frappe's ``_()``) before showing it."""

	def __init__(self, reason: str, **params):
		self.reason = reason
		self.params = params
		super().__init__(reason.format(**params))


@dataclass(frozen=True)
class ParsedFormat:
	"""A validated format: literal text before and after the sequence, with year tokens kept."""

	head: str  # template text before the sequence placeholder (may hold {YY}/{YYYY})
	tail: str  # template text after the sequence placeholder (may hold {YY}/{YYYY})
	padding: int

	def render_parts(self, on: datetime.date) -> tuple[str, str]:
		return _render_years(self.head, on), _render_years(self.tail, on)

	def counter_key(self, on: datetime.date) -> str:
		"""The key of the counter this format draws from on the given date."""
		head, tail = self.render_parts(on)
		return f"{head}{{#}}{tail}"

	def render(self, on: datetime.date, sequence: int) -> str:
		head, tail = self.render_parts(on)
		return f"{head}{sequence:0{self.padding}d}{tail}"

	def render_many(self, on: datetime.date, first: int, count: int) -> list[str]:
		head, tail = self.render_parts(on)
		pad = self.padding
		return [f"{head}{n:0{pad}d}{tail}" for n in range(first, first + count)]


def _render_years(text: str, on: datetime.date) -> str:
	return text.replace("{YYYY}", f"{on.year:04d}").replace("{YY}", f"{on.year % 100:02d}")


def parse(fmt: str | None) -> ParsedFormat:
	"""Validate ``fmt`` and return its parsed form, or raise :class:`SerialFormatError`."""
	if fmt is None or not fmt.strip():
		raise SerialFormatError(
			_("The serial format is empty. Example of a valid format: SN-{{YY}}-{{00000}}.")
		)
	if fmt != fmt.strip():
		raise SerialFormatError(_("The serial format must not start or end with spaces."))

	sequence_spans = []
	for match in _TOKEN.finditer(fmt):
		token = match.group(1)
		if token in ("YY", "YYYY"):
			continue
		if token and set(token) == {"0"}:
			if len(token) > MAX_PADDING:
				raise SerialFormatError(
					_("The sequence placeholder {token} has {count} zeros; use 1 to {max} zeros."),
					token="{" + token + "}",
					count=len(token),
					max=MAX_PADDING,
				)
			sequence_spans.append(match.span())
			continue
		raise SerialFormatError(
			_("Unknown placeholder {token}. Use {{YY}}, {{YYYY}} or a sequence of zeros such as {{0000}}."),
			token="{" + token + "}",
		)

	stripped = _TOKEN.sub("", fmt)
	if "{" in stripped or "}" in stripped:
		raise SerialFormatError(
			_(
				"The serial format has a stray brace. Braces are only allowed around {{YY}}, {{YYYY}} or {{0000}}."
			)
		)
	if not sequence_spans:
		raise SerialFormatError(
			_(
				"The serial format needs a sequence placeholder such as {{0000}} (the number of zeros sets the padding)."
			)
		)
	if len(sequence_spans) > 1:
		raise SerialFormatError(
			_("The serial format has {count} sequence placeholders; it needs exactly one."),
			count=len(sequence_spans),
		)

	start, end = sequence_spans[0]
	parsed = ParsedFormat(head=fmt[:start], tail=fmt[end:], padding=end - start - 2)
	longest = parsed.render(datetime.date(9999, 1, 1), 10**parsed.padding - 1)
	if len(longest) > MAX_SERIAL_LENGTH:
		raise SerialFormatError(
			_("The serial format renders serials longer than {max} characters."), max=MAX_SERIAL_LENGTH
		)
	return parsed
