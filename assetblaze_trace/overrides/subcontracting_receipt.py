"""Subcontracting Receipt events: the components supplied to the subcontractor are Consumed."""

from assetblaze_trace.movements import stock as movements
from assetblaze_trace.movements.rows import assert_units_fit, lock_counts_of
from assetblaze_trace.services.settings import is_enabled


def before_submit(doc, method=None):
	if is_enabled():
		lock_counts_of(doc)  # before ERPNext posts the stock: one lock order for every request


def on_submit(doc, method=None):
	if is_enabled():
		movements.submit(doc)
		assert_units_fit(doc)


def before_cancel(doc, method=None):
	lock_counts_of(doc)
	movements.refuse_cancel_under_a_later_count(doc)


def on_cancel(doc, method=None):
	movements.cancel(doc)
	assert_units_fit(doc)
