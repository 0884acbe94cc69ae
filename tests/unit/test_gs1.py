"""GS1 element strings as scanners send them, and GTIN check digits (rules/gs1.py, on its own)."""

from __future__ import annotations

import datetime

import pytest

from assetblaze_trace.rules import gs1

GTIN = "09506000134352"


@pytest.mark.parametrize(
	"scan",
	[
		f"(01){GTIN}(17)271231(10)LOT-7(21)SN/1",  # the human-readable form, as typed or printed
		f"]C101{GTIN}17271231"
		+ "10LOT-7\x1d21SN/1",  # GS1-128: symbology identifier, GS after a variable field
		f"]d201{GTIN}17271231" + "10LOT-7\x1d21SN/1",  # GS1 DataMatrix
		f"]Q301{GTIN}17271231" + "10LOT-7\x1d21SN/1",  # GS1 QR
		f"01{GTIN}17271231" + "10LOT-7\x1d21SN/1",  # no identifier, with the separator
	],
)
def test_every_form_a_scanner_sends_names_the_same_unit(scan):
	assert gs1.parse(scan) == gs1.Scan(
		gtin=GTIN, lot="LOT-7", serial="SN/1", expiry=datetime.date(2027, 12, 31), production=None
	)


@pytest.mark.parametrize(
	"text",
	["1000023", "SN-26-00001", "LOT-2026-7", "]C0ABC", "]Q1SN-1", "(01)123", f"01{GTIN[:-1]}5ABC", ""],
)
def test_our_own_serials_and_non_gs1_symbols_are_not_read_as_gs1(text):
	assert gs1.parse(text) is None


def test_production_date_and_a_gtin_alone():
	scan = gs1.parse(f"(01){GTIN}(11)261201")
	assert scan.production == datetime.date(2026, 12, 1) and not scan.names_a_unit


@pytest.mark.parametrize(
	"value, problem",
	[
		("4006381333931", None),  # GTIN-13
		("96385074", None),  # GTIN-8
		("036000291452", None),  # GTIN-12 (UPC-A)
		(GTIN, None),
		(
			"4006381333932",
			(
				"its check digit is {got}, and its other digits make it {expected}",
				{"got": "2", "expected": 1},
			),
		),
		("40063813339", ("it has {count} digits, and a GTIN has 8, 12, 13 or 14", {"count": 11})),
		("4006-381333931", ("it may hold digits only", {})),
	],
)
def test_gtin_check_digits(value, problem):
	assert gs1.gtin_problem(value) == problem


def test_the_element_string_puts_fixed_length_ais_first():
	assert (
		gs1.element_string(
			"4006381333931", lot="L1", expiry="2027-03-31", production=datetime.date(2026, 12, 5)
		)
		== "(01)04006381333931(11)261205(17)270331(10)L1"
	)
	assert gs1.element_string("96385074", serial="S9") == "(01)00000096385074(21)S9"
	assert gs1.element_string(None, serial="S9") == ""
