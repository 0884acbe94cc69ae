"""Ten million units: the indexes the report's first pages and the Work Order / Sales Order views read
(``serial_record.SCALE_INDEXES``), added in ONE ALTER TABLE (a table of millions of records is read once, not once
per index); the single-column Work Order and Sales Order indexes they supersede are dropped in the same
statement. Idempotent: a second run finds nothing to do."""

from assetblaze_trace.traceability.doctype.serial_record.serial_record import scale_indexes


def execute():
	scale_indexes()
