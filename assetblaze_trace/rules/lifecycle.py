"""The lifecycle of a traced unit: its statuses and the moves allowed between them.

::

    (made) ──► Available ──► Allocated ──► Shipped ──► Returned
                   ▲             │            ▲           │
                   └── release ──┘            └─ cancel ──┘ (cancelling the return)

"Reserved" is not a status: it is an Available unit stamped with a Sales Order (a soft hold).
Shipped is a one-way door except through a return. Every move is an *event*; the lifecycle service
is the only writer of statuses and checks each requested move here first.
"""

from __future__ import annotations

AVAILABLE = "Available"
ALLOCATED = "Allocated"
SHIPPED = "Shipped"
RETURNED = "Returned"

STATUSES = (AVAILABLE, ALLOCATED, SHIPPED, RETURNED)

# Events: name -> (statuses a unit may be in, status it ends in). ``None`` as the from-status is a
# unit that does not exist yet; ``None`` as the to-status is a unit taken back (deleted).
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
SPLIT = "Split"

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
	# A cancelled shipment's amendment takes over its shipped units: they never came back.
	SHIPMENT_AMENDED: ((SHIPPED,), SHIPPED),
}

EVENTS = tuple(MOVES)


class MoveNotAllowed(ValueError):
	def __init__(self, event: str, offenders: dict[str, str | None]):
		self.event = event
		self.offenders = offenders  # unit -> its current status
		super().__init__(f"{event}: not allowed from {sorted(set(map(str, offenders.values())))}")


def target_status(event: str) -> str | None:
	return MOVES[event][1]


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
}
