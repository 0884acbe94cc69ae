"""Stock Reconciliation events: a count lowered below the units in stock takes units out (Issued)."""

from assetblaze_trace.movements import stock as movements
from assetblaze_trace.services.settings import is_enabled


def on_submit(doc, method=None):
	if is_enabled():
		movements.submit(doc)


def before_cancel(doc, method=None):
	movements.refuse_cancel_under_a_later_count(doc)


def on_cancel(doc, method=None):
	movements.cancel(doc)
