"""Every submitted or cancelled document passes here (hooks ``"*"``); only vouchers the app does not follow row by
row and that posted stock of a traced item are acted on (services/ledger.py)."""

from assetblaze_trace.services import ledger
from assetblaze_trace.services.settings import is_enabled


def on_submit(doc, method=None):
	if is_enabled() and doc.doctype not in ledger.FOLLOWED:
		ledger.submit(doc)


def on_cancel(doc, method=None):
	if doc.doctype not in ledger.FOLLOWED:
		ledger.cancel(doc)
