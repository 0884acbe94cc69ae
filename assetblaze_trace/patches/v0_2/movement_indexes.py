"""Indexes the stock movements read by: units in stock per item and warehouse (Traced Stock Check) and the
events of a document (undoing it on cancel). Adding an index is idempotent (add_index skips existing ones)."""

from assetblaze_trace.traceability.doctype.serial_record.serial_record import (
	on_doctype_update as serial_record_indexes,
)
from assetblaze_trace.traceability.doctype.serial_record_event.serial_record_event import (
	on_doctype_update as event_indexes,
)


def execute():
	serial_record_indexes()
	event_indexes()
