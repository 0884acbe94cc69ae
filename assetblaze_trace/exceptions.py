"""Error types, so callers and tests can tell refusals apart. All are ValidationErrors: Frappe shows
the message and rolls the request back."""

import frappe


class TraceabilityError(frappe.ValidationError):
	pass


class InvalidSerialFormatError(TraceabilityError):
	pass


class FractionalSerialQtyError(TraceabilityError):
	pass


class MissingLotError(TraceabilityError):
	pass


class LotMismatchError(TraceabilityError):
	pass


class UnitsMovedOnError(TraceabilityError):
	pass


class ManualChangeError(TraceabilityError):
	pass


class TraceConflictError(TraceabilityError):
	"""An item configured for AssetBlaze traceability also uses ERPNext's own serial/batch tracking."""


class AllocationError(TraceabilityError):
	pass


class NotEnoughUnitsError(AllocationError):
	pass


class ShippedUnitError(TraceabilityError):
	pass


class ReturnError(TraceabilityError):
	pass


class MovementError(AllocationError):
	"""A stock movement (issue, consumption, transfer, count) cannot take the units it names or needs."""


class HeldUnitError(AllocationError):
	"""A unit on hold (a recall, a failed test) cannot be allocated, moved, issued or consumed."""


class ExpiredUnitError(AllocationError):
	"""An expired unit or lot listed, scanned or allocated for a shipment."""


class InvalidGtinError(TraceabilityError):
	pass
