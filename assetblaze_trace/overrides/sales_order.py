"""Sales Order events: cancelling it lets go of its units."""

from assetblaze_trace.services.reservation import on_sales_order_cancel
from assetblaze_trace.services.settings import is_enabled


def on_cancel(doc, method=None):
	if is_enabled():
		on_sales_order_cancel(doc)
