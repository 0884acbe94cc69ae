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
		(lc.ISSUE, lc.AVAILABLE, True),
		(lc.ISSUE, lc.RETURNED, True),  # a returned unit scrapped
		(lc.ISSUE, lc.ALLOCATED, False),  # on a draft shipment: release it first
		(lc.ISSUE, lc.SHIPPED, False),
		(lc.CONSUME, lc.AVAILABLE, True),
		(lc.CONSUME, lc.RETURNED, False),  # restock (inspect) before it goes into a product
		(lc.CONSUME, lc.ALLOCATED, False),
		(lc.ISSUE_CANCELLED, lc.ISSUED, True),
		(lc.CONSUME_CANCELLED, lc.CONSUMED, True),
		(lc.CONSUME_CANCELLED, lc.ISSUED, False),
		(lc.RESTOCK, lc.RETURNED, True),
		(lc.RESTOCK, lc.SHIPPED, False),
		(lc.SHIPMENT_CANCELLED, lc.SHIPPED, True),
		(lc.SHIPMENT_AMENDED, lc.ALLOCATED, True),
		(lc.REGISTERED, None, True),
	],
)
def test_allowed_moves(event, current, allowed):
	assert lc.is_allowed(event, current) is allowed


def test_from_shipped_only_a_return_or_cancelling_the_shipment_leads_on():
	leaving = {event for event, (froms, _to) in lc.MOVES.items() if lc.SHIPPED in froms}
	# (and another company of the group receiving what it was shipped: the same units, in stock there)
	assert leaving == {lc.RETURN, lc.SHIPMENT_CANCELLED, lc.RECEIVED_FROM_COMPANY}
	# a cancelled shipment's units are held by it (Allocated), never silently Available
	assert lc.targets(lc.SHIPMENT_CANCELLED) == (lc.ALLOCATED,)


def test_a_returned_unit_is_available_again_only_by_the_explicit_restock():
	to_available = {
		event
		for event, (froms, _to) in lc.MOVES.items()
		if lc.RETURNED in froms and lc.AVAILABLE in lc.targets(event)
	}
	assert to_available == {lc.RESTOCK}


def test_issued_and_consumed_come_back_only_by_cancelling_what_caused_them():
	for event, (froms, _to) in lc.MOVES.items():
		if lc.ISSUED in froms:
			# each way of leaving stock has its own undo: a cancelled issue, a cancelled purchase return
			assert event in (lc.ISSUE_CANCELLED, lc.RETURN_TO_SUPPLIER_CANCELLED)
		if lc.CONSUMED in froms:
			assert event == lc.CONSUME_CANCELLED


def test_received_units_enter_like_made_ones_and_leave_to_the_supplier():
	assert lc.allowed_from(lc.RECEIVED) == (None,)
	assert lc.target_status(lc.RECEIVED) == lc.AVAILABLE
	assert set(lc.allowed_from(lc.RETURN_TO_SUPPLIER)) == {lc.AVAILABLE, lc.RETURNED}
	assert lc.target_status(lc.RETURN_TO_SUPPLIER) == lc.ISSUED
	assert lc.target_status(lc.RETURN_TO_SUPPLIER_CANCELLED, lc.RETURNED) == lc.RETURNED
	with pytest.raises(lc.MoveNotAllowed):
		lc.check_move(lc.RETURN_TO_SUPPLIER, {"A": lc.SHIPPED})
	assert lc.RETURN_TO_SUPPLIER in lc.BLOCKED_WHILE_HELD


def test_an_internal_transfer_lands_the_allocated_units_and_is_undone_to_allocated():
	assert lc.allowed_from(lc.INTERNAL_TRANSFER) == (lc.ALLOCATED,)
	assert lc.target_status(lc.INTERNAL_TRANSFER) == lc.AVAILABLE
	assert lc.target_status(lc.INTERNAL_TRANSFER_CANCELLED) == lc.ALLOCATED
	assert lc.INTERNAL_TRANSFER in lc.BLOCKED_WHILE_HELD


def test_an_undo_goes_back_to_where_the_unit_came_from():
	assert lc.target_status(lc.ISSUE_CANCELLED, lc.RETURNED) == lc.RETURNED
	assert lc.target_status(lc.ISSUE_CANCELLED, lc.AVAILABLE) == lc.AVAILABLE
	with pytest.raises(lc.MoveNotAllowed):
		lc.target_status(lc.ISSUE_CANCELLED, lc.SHIPPED)
	# every status an issue starts from is one its cancel can go back to
	assert set(lc.allowed_from(lc.ISSUE)) == set(lc.targets(lc.ISSUE_CANCELLED))


def test_in_stock_statuses():
	assert {s for s in lc.STATUSES if lc.in_stock(s)} == {lc.AVAILABLE, lc.ALLOCATED, lc.RETURNED}


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
	assert set(lc.STATUS_COLOURS) == {*lc.STATUSES, "Reserved", "On Hold"}  # On Hold: a badge


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


def test_a_hold_is_not_a_move_and_applies_only_to_units_in_stock():
	assert lc.HOLDABLE == lc.IN_STOCK
	assert not set(lc.HOLD_EVENTS) & set(lc.MOVES)  # the status stays: nothing in the move table
	assert set(lc.HOLD_EVENTS) <= set(lc.EVENTS)  # but they are events on the timeline


@pytest.mark.parametrize("event", sorted(lc.EVENTS))
def test_a_held_unit_may_not_go_anywhere_but_may_be_undone_or_released(event):
	offenders = lc.held_offenders(event, {"SN-1": 1, "SN-2": 0, "SN-3": None})
	sends_it_somewhere = event in (
		lc.ALLOCATE,
		lc.HANDED_OVER,
		lc.SHIP,
		lc.TRANSFER,
		lc.ISSUE,
		lc.CONSUME,
		lc.RESERVED,
		lc.RETURN_TO_SUPPLIER,
		lc.INTERNAL_TRANSFER,
	)
	assert offenders == (["SN-1"] if sends_it_somewhere else [])
