"""Indexes genealogy and recall read by: the units an entry made that were consumed (the forward walk reads
them from the index alone), the few held units, and what a consuming entry used and where a component went
(Trace Consumption). Adding an index is idempotent (add_index skips existing ones)."""

from assetblaze_trace.traceability.doctype.serial_record.serial_record import (
	on_doctype_update as serial_record_indexes,
)
from assetblaze_trace.traceability.doctype.trace_consumption.trace_consumption import (
	on_doctype_update as consumption_indexes,
)


def execute():
	serial_record_indexes()
	consumption_indexes()
