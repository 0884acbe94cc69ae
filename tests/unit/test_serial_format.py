import datetime

import pytest

from assetblaze_trace.rules.serial_format import SerialFormatError, parse

ON = datetime.date(2026, 3, 14)


@pytest.mark.parametrize(
	"fmt, expected",
	[
		("GEN-{YY}-{0000}", "GEN-26-0142"),
		("WIDGET/{YYYY}/{000000}", "WIDGET/2026/000142"),
		("SN-{0000}", "SN-0142"),
		("{0}", "142"),
		("{YYYY}{YY}-{0000000000}-X", "202626-0000000142-X"),
	],
)
def test_spec_examples_render_exactly(fmt, expected):
	assert parse(fmt).render(ON, 142) == expected


def test_padding_is_a_minimum_not_a_limit():
	assert parse("SN-{00}").render(ON, 12345) == "SN-12345"


@pytest.mark.parametrize(
	"fmt, fragment",
	[
		("SN-{000}-{00}", "2 sequence placeholders"),
		("SN-{YY}", "needs a sequence placeholder"),
		("SN-{MM}-{000}", "Unknown placeholder {MM}"),
		("SN-{yy}-{000}", "Unknown placeholder {yy}"),
		("SN-{}-{000}", "Unknown placeholder {}"),
		("SN-{000", "stray brace"),
		("SN-}{000}", "stray brace"),
		("SN-{{000}}", "stray brace"),
		("SN-{00000000000}", "11 zeros"),
		("", "empty"),
		("   ", "empty"),
		(" SN-{000}", "spaces"),
	],
)
def test_bad_formats_are_refused_with_the_reason(fmt, fragment):
	with pytest.raises(SerialFormatError) as refused:
		parse(fmt)
	assert fragment in str(refused.value)


def test_ten_zeros_is_the_longest_sequence():
	assert parse("{0000000000}").padding == 10


def test_counter_key_changes_with_the_year_only_when_the_format_has_one():
	with_year = parse("GEN-{YY}-{0000}")
	without = parse("SN-{0000}")
	assert with_year.counter_key(datetime.date(2026, 12, 31)) != with_year.counter_key(
		datetime.date(2027, 1, 1)
	)
	assert without.counter_key(datetime.date(2026, 12, 31)) == without.counter_key(datetime.date(2027, 1, 1))


def test_formats_rendering_the_same_prefix_share_a_counter_whatever_their_padding():
	# SN-{0000} at 10000 and SN-{00000} at 10000 would both be SN-10000: one counter keeps them apart.
	assert parse("SN-{0000}").counter_key(ON) == parse("SN-{00000}").counter_key(ON)
	assert parse("GEN-{YY}-{0000}").counter_key(ON) == parse("GEN-26-{0000}").counter_key(ON)
	assert parse("A-{0000}").counter_key(ON) != parse("A-{0000}-B").counter_key(ON)


def test_render_many_is_consecutive():
	assert parse("X{000}").render_many(ON, 98, 4) == ["X098", "X099", "X100", "X101"]
