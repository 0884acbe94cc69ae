"""Stock Entry events: Manufacture makes units; every purpose moves the traced units of its rows
(movements/table.py holds the table of what each purpose does); cancelling undoes both."""

from assetblaze_trace.movements import receipts as receiving
from assetblaze_trace.movements import stock as movements
from assetblaze_trace.movements.rows import assert_units_fit, lock_counts_of
from assetblaze_trace.services import generation
from assetblaze_trace.services.settings import is_enabled


def validate(doc, method=None):
	if is_enabled() and doc.purpose == "Manufacture":
		generation.validate_completion(doc)
	if is_enabled():
		receiving.validate(doc)  # a Material Receipt's supplier serials or lot


def before_submit(doc, method=None):
	if is_enabled() and doc.purpose == "Manufacture":
		generation.validate_completion(doc)
	if is_enabled():
		lock_counts_of(doc)  # before ERPNext posts the stock: one lock order for every request


def on_submit(doc, method=None):
	if not is_enabled():
		return
	movements.submit(doc)  # components first: a unit never consumes itself
	receiving.receive(doc)
	if doc.purpose == "Manufacture":
		generation.generate(doc)
	assert_units_fit(doc)


def before_cancel(doc, method=None):
	lock_counts_of(doc)
	movements.refuse_cancel_under_a_later_count(doc)
	if doc.purpose == "Manufacture":
		generation.check_take_back(doc)
	receiving.check_cancel(doc)


def on_cancel(doc, method=None):
	# Undone whatever the toggle says now: records must follow the stock ERPNext puts back.
	if doc.purpose == "Manufacture":
		generation.take_back_entry(doc)
	receiving.cancel(doc)
	movements.cancel(doc)
	assert_units_fit(doc)
