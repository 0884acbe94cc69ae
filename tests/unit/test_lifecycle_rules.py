import pytest

from assetblaze_trace.rules import lifecycle as lc


@pytest.mark.parametrize(
	"event, current, allowed",
	[
		(lc.MADE, None, True),
		(lc.ALLOCATE, lc.AVAILABLE, True),
		(lc.ALLOCATE, lc.ALLOCATED, False),
		(lc.RELEASE, lc.ALLOCATED, True),
		(lc.RELEASE, lc.SHIPPED, False),  # shipped is a one-way door
		(lc.SHIP, lc.ALLOCATED, True),
		(lc.SHIP, lc.AVAILABLE, False),
		(lc.RETURN, lc.SHIPPED, True),
		(lc.RETURN, lc.AVAILABLE, False),
		(lc.RETURN_CANCELLED, lc.RETURNED, True),
		(lc.TAKEN_BACK, lc.AVAILABLE, True),
		(lc.TAKEN_BACK, lc.SHIPPED, False),
		(lc.TRANSFER, lc.ALLOCATED, False),
	],
)
def test_allowed_moves(event, current, allowed):
	assert lc.is_allowed(event, current) is allowed


def test_nothing_leads_from_shipped_back_to_available_or_allocated():
	for event, (froms, to) in lc.MOVES.items():
		if lc.SHIPPED in froms:
			assert to in (lc.RETURNED, lc.SHIPPED), event  # returned, or re-documented by an amendment


def test_returned_is_never_available_again():
	for _event, (froms, to) in lc.MOVES.items():
		if lc.RETURNED in froms:
			assert to != lc.AVAILABLE


def test_check_move_names_every_offender():
	with pytest.raises(lc.MoveNotAllowed) as refused:
		lc.check_move(lc.SHIP, {"A": lc.ALLOCATED, "B": lc.AVAILABLE, "C": lc.SHIPPED})
	assert refused.value.offenders == {"B": lc.AVAILABLE, "C": lc.SHIPPED}


def test_unknown_event_is_an_error():
	with pytest.raises(KeyError):
		lc.check_move("Teleported", {"A": lc.AVAILABLE})


def test_reserved_is_only_a_display_of_available_with_an_order():
	assert lc.display_status(lc.AVAILABLE, "SO-1") == "Reserved"
	assert lc.display_status(lc.AVAILABLE, None) == "Available"
	assert lc.display_status(lc.ALLOCATED, "SO-1") == "Allocated"
	assert "Reserved" not in lc.STATUSES
	assert set(lc.STATUS_COLOURS) == {*lc.STATUSES, "Reserved"}


def test_rules_package_imports_nothing_from_frappe():
	import ast
	import pathlib

	import assetblaze_trace.rules as rules

	for path in pathlib.Path(rules.__file__).parent.glob("*.py"):
		tree = ast.parse(path.read_text())
		for node in ast.walk(tree):
			names = []
			if isinstance(node, ast.Import):
				names = [a.name for a in node.names]
			elif isinstance(node, ast.ImportFrom):
				names = [node.module or ""]
			assert not any(n.split(".")[0] in ("frappe", "erpnext") for n in names), path.name
