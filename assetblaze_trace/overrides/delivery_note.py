"""Delivery Note events: allocate on save, ship on submit, returns, release on delete."""

from assetblaze_trace.movements import shipments as shipment
from assetblaze_trace.movements import stock as movements
from assetblaze_trace.movements.rows import assert_units_fit, lock_counts_of
from assetblaze_trace.services.settings import is_enabled


def validate(doc, method=None):
	if not is_enabled():
		return
	if doc.get("is_return"):
		shipment.validate_return(doc)
	else:
		shipment.allocate(doc)


def on_submit(doc, method=None):
	if not is_enabled():
		return
	if doc.get("is_return"):
		shipment.receive_return(doc)
	else:
		shipment.ship(doc)


def before_cancel(doc, method=None):
	lock_counts_of(doc)  # (on submit, the allocation on save took them first)
	movements.refuse_cancel_under_a_later_count(doc)


def on_cancel(doc, method=None):
	if is_enabled():
		shipment.on_cancel(doc)
	assert_units_fit(doc)


def on_trash(doc, method=None):
	# a draft, or a cancelled document that still holds its units, lets them go
	if doc.docstatus in (0, 2):
		shipment.release_all(doc)
