"""Every submitted or cancelled document passes here (hooks ``"*"``); only vouchers the app does not follow row by
row and that posted stock of a traced item are acted on (movements/ledger.py)."""

from assetblaze_trace.movements import ledger
from assetblaze_trace.movements.rows import assert_units_fit
from assetblaze_trace.services.settings import is_enabled


def on_submit(doc, method=None):
	if is_enabled() and doc.doctype not in ledger.FOLLOWED:
		pairs = ledger.submit(doc)
		if pairs:
			assert_units_fit(doc, pairs)


def on_cancel(doc, method=None):
	if doc.doctype not in ledger.FOLLOWED:
		ledger.cancel(doc)
		if ledger.has_traced_stock(doc):
			assert_units_fit(doc)
