# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from assetblaze_trace.exceptions import ManualChangeError
from assetblaze_trace.rules.lifecycle import CONSUME

# The only field a person may change; everything else is written by the lifecycle service.
EDITABLE_FIELDS = {"notes"}


class SerialRecord(Document):
	def onload(self):
		"""For the timeline: what each consuming entry made of this unit ("Consumed by ..., into SN-...")."""
		entries = sorted(
			{
				e.reference_name
				for e in self.events
				if e.event == CONSUME and e.reference_doctype == "Stock Entry"
			}
		)
		into = {}
		for entry in entries:
			made = frappe.get_all(
				"Serial Record", filters={"stock_entry": entry}, pluck="name", order_by="name", limit=4
			)
			if made:
				into[entry] = {
					"units": made[:3],
					"total": frappe.db.count("Serial Record", {"stock_entry": entry}),
				}
		self.set_onload("consumed_into", into)

	def before_insert(self):
		frappe.throw(
			_(
				"Serial Records are made by manufacturing only: submit a Manufacture Stock Entry to make units."
			),
			ManualChangeError,
			title=_("Not Allowed"),
		)

	def validate(self):
		before = self.get_doc_before_save()
		if not before:
			return
		changed = [
			df.label or df.fieldname
			for df in self.meta.fields
			if df.fieldname not in EDITABLE_FIELDS
			and df.fieldtype not in ("Table", "Section Break", "Column Break", "HTML")
			and (self.get(df.fieldname) or None) != (before.get(df.fieldname) or None)
		]
		if changed or len(self.events) != len(before.events):
			frappe.throw(
				_(
					"Only the Notes of a Serial Record can be changed by hand; {0} follow the unit's documents "
					"(Stock Entry, Delivery Note, Sales Invoice, returns)."
				).format(", ".join(_(c) for c in changed) or _("its events")),
				ManualChangeError,
				title=_("Read Only"),
			)

	def on_trash(self):
		frappe.throw(
			_("Serial Records cannot be deleted by hand: cancel the Manufacture Stock Entry that made them."),
			ManualChangeError,
			title=_("Not Allowed"),
		)


def on_doctype_update():
	"""Indexes for picking, the report and the document views (set-based queries rely on them)."""
	frappe.db.add_index("Serial Record", ["item_code", "manufactured_on"], "item_made_idx")  # Item view
	# Traced Stock Check: units in stock per item and warehouse, read from the index alone.
	frappe.db.add_index("Serial Record", ["status", "item_code", "warehouse", "qty"], "stock_idx")
	# genealogy's forward walk: which units an entry made were consumed, from the index alone
	frappe.db.add_index("Serial Record", ["stock_entry", "status"], "entry_status_idx")
	# (no stock_entry index of its own: entry_status_idx starts with it; the single-column lookups are in
	# SCALE_INDEXES below)
	scale_indexes()
	binary_serial_no()
	# the kept counts and the serial suffix index (plain tables, not documents; filled by the v0_4 patch)
	from assetblaze_trace.services import counts, fragments

	counts.ensure_table()
	fragments.ensure_tables()


# Ten million units: the report's first page newest-first for each filter, and the Work Order / Sales Order
# views' newest rows, each read as a range of one index in the order shown (no sort of every matching unit).
# The status indexes spell out name after manufactured_on ("manufactured_on DESC, name DESC" is their own order)
# and carry sales_order and warehouse after it, so Reserved vs Available and a warehouse are told apart inside
# the index, without reading the records they pass over.
SCALE_INDEXES = {
	"item_status_date_idx": ("item_code", "status", "manufactured_on", "name", "sales_order", "warehouse"),
	"status_date_idx": ("status", "manufactured_on", "name", "sales_order", "warehouse"),
	"warehouse_date_idx": ("warehouse", "manufactured_on"),
	"customer_made_idx": ("customer", "manufactured_on"),
	"work_order_made_idx": ("work_order", "manufactured_on"),
	"sales_order_made_idx": ("sales_order", "manufactured_on"),
	"hold_idx": ("on_hold", "name"),  # the few held units (no status in it: a move does not touch it)
	"made_idx": ("manufactured_on", "name"),  # newest first, unfiltered (Frappe's list view sorts by it)
	# FEFO picks (movements/order.py) and the Expiring Units report: an item's stock by expiry, in the order picked
	"item_status_expiry_idx": ("item_code", "status", "expiry_date", "manufactured_on", "name"),
	"delivery_note_index": ("delivery_note", "name"),
	"sales_invoice_index": ("sales_invoice", "name"),
	"pick_list_index": ("pick_list", "name"),
	"shipment_row_index": ("shipment_row", "name"),
	"serial_no_index": ("serial_no", "name"),
}
# Lookups by one column spell out `name` after it. InnoDB stores the primary key in every secondary index
# entry anyway, so (column, name) is the same index; but Frappe's schema sync drops every single-column index
# on a field without "search_index" each time the DocType is synced (measured: all seven of ours on a 1.16 M
# site), and on_doctype_update rebuilt them, a minute or more each at 10 M records, the reads slow meanwhile.
# A two-column index is one Frappe leaves alone.
# the *_made_idx serve the single-column lookups; item_status_made_idx / status_made_idx (an earlier
# development build, with sales_order before the name) broke the order
# pick_status_idx: FIFO walks item_status_date_idx (unreserved) and sales_order_made_idx (reserved) instead.
# Every index holding the status is rewritten when units move: this keeps their number where it was.
# stock_entry_index: entry_status_idx (stock_entry, status) answers every lookup by entry; one index fewer for
# each unit a completion inserts.
SUPERSEDED_INDEXES = (
	"stock_entry_index",
	"work_order_index",
	"sales_order_index",
	"item_status_made_idx",
	"status_made_idx",
	"pick_status_idx",
)
# which index the newest-first reads walk, by the filter that narrows them (the optimizer, seeing a date index
# that also gives the order, picks it and reads every unit of other items along the way)
NEWEST_BY = {
	"work_order": "work_order_made_idx",
	"sales_order": "sales_order_made_idx",
	"customer": "customer_made_idx",
	"item_code": "item_made_idx",
	"warehouse": "warehouse_date_idx",
}


def index_if_present(name: str | None) -> str | None:
	"""``name`` when the table has that index (a site whose migration has not run yet must still answer, just
	slower); looked up once per request."""
	if not name:
		return None
	have = getattr(frappe.local, "assetblaze_trace_indexes", None)
	if have is None:
		have = frappe.local.assetblaze_trace_indexes = {
			row[2] for row in frappe.db.sql("SHOW INDEX FROM `tabSerial Record`")
		}
	return name if name in have else None


def scale_indexes() -> None:
	"""Add what is missing and drop what is superseded in ONE ALTER TABLE: a site with millions of records
	reads the table once, not once per index (idempotent: nothing to do on a second run)."""
	have: dict[str, list[str]] = {}
	for row in frappe.db.sql("SHOW INDEX FROM `tabSerial Record`", as_dict=True):
		have.setdefault(row.Key_name, []).append(row.Column_name)
	changes = []
	for name, columns in SCALE_INDEXES.items():
		if tuple(have.get(name, ())) == columns:
			continue
		if name in have:  # defined otherwise by an earlier build: rebuilt in the same statement
			changes.append(f"DROP INDEX `{name}`")
		changes.append(f"ADD INDEX `{name}` ({', '.join(f'`{c}`' for c in columns)})")
	existing = set(have)
	changes += [f"DROP INDEX `{name}`" for name in SUPERSEDED_INDEXES if name in existing]
	if changes:
		frappe.db.sql_ddl(f"ALTER TABLE `tabSerial Record` {', '.join(changes)}")


def binary_serial_no():
	"""Compare serial strings byte by byte (MariaDB): a search by fragment scans the serial index,
	and a binary comparison is what makes that scan fast on a million records. Serials are
	identifiers, so exact comparison is also the right meaning; the report's search also tries the
	fragment in upper case."""
	if frappe.db.db_type != "mariadb":
		return
	collation = frappe.db.sql(
		"""SELECT collation_name FROM information_schema.columns
		WHERE table_schema = DATABASE() AND table_name = 'tabSerial Record' AND column_name = 'serial_no'"""
	)
	if collation and collation[0][0] != "utf8mb4_bin":
		frappe.db.sql_ddl(
			"ALTER TABLE `tabSerial Record` MODIFY `serial_no` varchar(140) COLLATE utf8mb4_bin DEFAULT NULL"
		)
