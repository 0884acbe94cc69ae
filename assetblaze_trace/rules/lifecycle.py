"""The lifecycle of a traced unit: its statuses and the moves allowed between them.

::

    (made / registered) ──► Available ──► Allocated ──► Shipped ──► Returned ──restock──► Available
                               ▲  │          │  ▲           │  ▲          │
                               │  └─release──┘  └─cancelled─┘  └─cancel───┘ (cancelling the return)
                               │     (a cancelled shipment's units are Allocated to it again)
                               │
                 Available / Returned ──► Issued    (Material Issue, a count lowered)
                 Available ──► Consumed             (Manufacture, Material Consumption, Repack,
                                                     Disassemble, Subcontracting Receipt)
                 Issued / Consumed ──► back          (only by cancelling the document that caused it)
    (received) ──► Available                        (a supplier's serial or lot on a receipt)
                 Available / Returned ──► Issued    (Returned To Supplier: a Purchase Return)
                 Allocated ──► Available            (Transferred Internally: shipped to the company's own
                                                     internal customer, the units land in the target warehouse)
                 Shipped ──► Available              (Received From Another Company: a sister company's internal
                                                     Purchase Receipt receives the units the first one shipped)

A unit in stock may be put *on hold* (a recall, a failed test): its status stays, but it is not allocated,
shipped, transferred, issued or consumed until it is released from the hold.

A unit is *in stock* while it is Available, Allocated or Returned. "Reserved" is not a status: it is an
Available unit stamped with a Sales Order (a soft hold). Shipped is a one-way door except through a return.
Every move is an *event*; the lifecycle service is the only writer of statuses and checks each requested
move here first.
"""

from __future__ import annotations

AVAILABLE = "Available"
ALLOCATED = "Allocated"
SHIPPED = "Shipped"
RETURNED = "Returned"
CONSUMED = "Consumed"
ISSUED = "Issued"

STATUSES = (AVAILABLE, ALLOCATED, SHIPPED, RETURNED, CONSUMED, ISSUED)
IN_STOCK = (AVAILABLE, ALLOCATED, RETURNED)

# Events: name -> (statuses a unit may be in, status it ends in). ``None`` as the from-status is a
# unit that does not exist yet; ``None`` as the to-status is a unit taken back (deleted). An undoing
# event may list several end statuses: the unit goes back to the one it came from.
MADE = "Made"
RESERVED = "Reserved"
UNRESERVED = "Reservation Cleared"
ALLOCATE = "Allocated"
RELEASE = "Released"
SHIP = "Shipped"
RETURN = "Returned"
RETURN_CANCELLED = "Return Cancelled"
TRANSFER = "Transferred"
TAKEN_BACK = "Taken Back"
SHIPMENT_AMENDED = "Shipment Amended"
SHIPMENT_CANCELLED = "Shipment Cancelled"
HANDED_OVER = "Handed To Shipment"
SPLIT = "Split"
ISSUE = "Issued"
ISSUE_CANCELLED = "Issue Cancelled"
CONSUME = "Consumed"
CONSUME_CANCELLED = "Consumption Cancelled"
RESTOCK = "Restocked"
REGISTERED = "Registered From Existing Stock"
RECEIVED = "Received"
RETURN_TO_SUPPLIER = "Returned To Supplier"
RETURN_TO_SUPPLIER_CANCELLED = "Return To Supplier Cancelled"
INTERNAL_TRANSFER = "Transferred Internally"
INTERNAL_TRANSFER_CANCELLED = "Internal Transfer Cancelled"
RECEIVED_FROM_COMPANY = "Received From Another Company"
RECEIVED_FROM_COMPANY_CANCELLED = "Receipt From Another Company Cancelled"
HOLD = "Put On Hold"
HOLD_RELEASED = "Released From Hold"
# a Quality Inspection of the unit (PRODUCT.md §13): logged with the result and readings; status unchanged
INSPECTED = "Inspected"
INSPECTION_CANCELLED = "Inspection Cancelled"
AWAITING_INSPECTION = "Awaiting Quality Inspection"  # the hold reason of a quarantined new unit

MOVES: dict[str, tuple[tuple[str | None, ...], str | None]] = {
	MADE: ((None,), AVAILABLE),
	RESERVED: ((AVAILABLE,), AVAILABLE),
	UNRESERVED: ((AVAILABLE,), AVAILABLE),
	ALLOCATE: ((AVAILABLE,), ALLOCATED),
	RELEASE: ((ALLOCATED,), AVAILABLE),
	SHIP: ((ALLOCATED,), SHIPPED),
	RETURN: ((SHIPPED,), RETURNED),
	RETURN_CANCELLED: ((RETURNED,), SHIPPED),
	TRANSFER: ((AVAILABLE,), AVAILABLE),
	TAKEN_BACK: ((AVAILABLE,), None),
	# ERPNext puts a cancelled shipment's stock back: its units are Allocated to it again (in stock,
	# picked by nobody) until its amendment takes them over or they are released.
	SHIPMENT_CANCELLED: ((SHIPPED,), ALLOCATED),
	SHIPMENT_AMENDED: ((ALLOCATED,), ALLOCATED),
	# a Pick List's units go to the Delivery Note made from it
	HANDED_OVER: ((ALLOCATED,), ALLOCATED),
	ISSUE: ((AVAILABLE, RETURNED), ISSUED),
	ISSUE_CANCELLED: ((ISSUED,), (AVAILABLE, RETURNED)),
	CONSUME: ((AVAILABLE,), CONSUMED),
	CONSUME_CANCELLED: ((CONSUMED,), AVAILABLE),
	# A returned unit goes on only by an explicit step: restocked after inspection, or issued (scrap).
	RESTOCK: ((RETURNED,), AVAILABLE),
	REGISTERED: ((None,), AVAILABLE),
	# bought with the supplier's serial or lot (a receipt records an identity, it never generates one)
	RECEIVED: ((None,), AVAILABLE),
	# a Purchase Return sends units back to the supplier: they leave stock
	RETURN_TO_SUPPLIER: ((AVAILABLE, RETURNED), ISSUED),
	RETURN_TO_SUPPLIER_CANCELLED: ((ISSUED,), (AVAILABLE, RETURNED)),
	# a Delivery Note / Sales Invoice to the company's own internal customer moves its units to the target
	# warehouse instead of shipping them; cancelling it brings them back, held by the cancelled document
	INTERNAL_TRANSFER: ((ALLOCATED,), AVAILABLE),
	INTERNAL_TRANSFER_CANCELLED: ((AVAILABLE,), ALLOCATED),
	# between companies: the units one company shipped to its sister are received by the sister's internal
	# Purchase Receipt (identity follows the goods); cancelling that receipt ships them again
	RECEIVED_FROM_COMPANY: ((SHIPPED,), AVAILABLE),
	RECEIVED_FROM_COMPANY_CANCELLED: ((AVAILABLE,), SHIPPED),
}

# A hold (a recall, a failed test) is not a move: the status stays as it is, the unit stays where it is, and
# it goes nowhere until it is released. Only units in stock can be held.
HOLDABLE = IN_STOCK
HOLD_EVENTS = (HOLD, HOLD_RELEASED)

# What a held unit may not do, by FIFO or by hand, until it is released. Everything else (a draft's
# allocation released, a returned unit restocked, a cancelled document undone) stays possible: none of
# it sends the unit anywhere.
BLOCKED_WHILE_HELD = frozenset(
	{ALLOCATE, HANDED_OVER, SHIP, TRANSFER, ISSUE, CONSUME, RESERVED, RETURN_TO_SUPPLIER, INTERNAL_TRANSFER}
)


def held_offenders(event: str, held_by_unit: dict[str, object]) -> list[str]:
	"""The units that ``event`` may not move because they are on hold (``held_by_unit``: unit -> on_hold)."""
	if event not in BLOCKED_WHILE_HELD:
		return []
	return [unit for unit, held in held_by_unit.items() if held and int(held)]


EVENTS = (*MOVES, *HOLD_EVENTS, INSPECTED, INSPECTION_CANCELLED)


class MoveNotAllowed(ValueError):
	def __init__(self, event: str, offenders: dict[str, str | None]):
		self.event = event
		self.offenders = offenders  # unit -> its current status
		super().__init__(f"{event}: not allowed from {sorted(set(map(str, offenders.values())))}")


def target_status(event: str, came_from: str | None = None) -> str | None:
	"""Where ``event`` leaves a unit; for an undoing event with several ends, the one it ``came_from``."""
	target = MOVES[event][1]
	if isinstance(target, tuple):
		if came_from not in target:
			raise MoveNotAllowed(event, {"?": came_from})
		return came_from
	return target


def targets(event: str) -> tuple[str | None, ...]:
	target = MOVES[event][1]
	return target if isinstance(target, tuple) else (target,)


def in_stock(status: str | None) -> bool:
	return status in IN_STOCK


def allowed_from(event: str) -> tuple[str | None, ...]:
	return MOVES[event][0]


def is_allowed(event: str, current: str | None) -> bool:
	return current in MOVES[event][0]


def check_move(event: str, current_by_unit: dict[str, str | None]) -> None:
	"""Raise :class:`MoveNotAllowed` naming every unit whose current status forbids ``event``."""
	if event not in MOVES:
		raise KeyError(f"Unknown lifecycle event {event!r}")
	offenders = {unit: status for unit, status in current_by_unit.items() if not is_allowed(event, status)}
	if offenders:
		raise MoveNotAllowed(event, offenders)


def display_status(status: str, sales_order: str | None) -> str:
	"""What the user sees: an Available unit stamped with a Sales Order shows as Reserved."""
	if status == AVAILABLE and sales_order:
		return "Reserved"
	return status


# Desk indicator colours, one place for the list view, the report and the forms.
STATUS_COLOURS = {
	"Available": "green",
	"Reserved": "yellow",
	"Allocated": "blue",
	"Shipped": "gray",
	"Returned": "purple",
	"Consumed": "darkgrey",
	"Issued": "orange",
	"On Hold": "red",
}
