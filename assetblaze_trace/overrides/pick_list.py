"""Pick List events (purpose Delivery): the pick takes traced units on save, FIFO as on a Delivery Note or
as listed (ERPNext keeps a row's list only with Pick Manually: otherwise it rebuilds the rows each save), and
holds them (Allocated to the pick list) until the Delivery Note made from it takes them over;
cancelling or deleting the pick list lets go of what it still holds."""

from assetblaze_trace.movements import shipments as shipment
from assetblaze_trace.services.settings import is_enabled


def on_update(doc, method=None):
	"""After the save: ERPNext's Pick List rebuilds its rows in before_save (unless Pick Manually), so the
	rows the units belong to exist only now. Each row's Traced Serials is written back as picked."""
	if not (is_enabled() and doc.docstatus == 0):
		return
	before = {row.name: row.get("trace_serials") or "" for row in doc.get("locations") or []}
	shipment.allocate(doc)
	for row in doc.get("locations") or []:
		if (row.get("trace_serials") or "") != before.get(row.name):
			row.db_set("trace_serials", row.trace_serials, update_modified=False)


def on_cancel(doc, method=None):
	shipment.release_all(doc, "pick list cancelled")


def on_trash(doc, method=None):
	if doc.docstatus in (0, 2):
		shipment.release_all(doc)
