"""Purchase Receipt / Purchase Invoice (Update Stock) events: the supplier's serials and lots become units on
submit (movements/receipts.py); another company's shipment arrives with its units (intercompany.py); a return sends
units back to the supplier (stock.py); cancelling undoes each."""

from assetblaze_trace.movements import intercompany
from assetblaze_trace.movements import receipts as receiving
from assetblaze_trace.movements import stock as movements
from assetblaze_trace.movements.rows import assert_units_fit, lock_counts_of
from assetblaze_trace.services.settings import is_enabled


def validate(doc, method=None):
	if is_enabled():
		receiving.validate(doc)


def before_submit(doc, method=None):
	if is_enabled():
		lock_counts_of(doc)  # before ERPNext posts the stock: one lock order for every request


def on_submit(doc, method=None):
	if not is_enabled():
		return
	receiving.receive(doc)
	intercompany.receive(doc)  # the same units another company of the group shipped
	movements.submit(doc)
	assert_units_fit(doc)


def before_cancel(doc, method=None):
	lock_counts_of(doc)
	movements.refuse_cancel_under_a_later_count(doc)
	receiving.check_cancel(doc)


def on_cancel(doc, method=None):
	# undone whatever the toggle says now: records must follow the stock ERPNext takes back
	receiving.cancel(doc)
	intercompany.cancel(doc)
	movements.cancel(doc)
	assert_units_fit(doc)
