"""What a consuming entry used up, written as *Trace Consumption* rows in a few set-based statements.

A row per component: our units and lot portions (kind ``Serial Record``), ERPNext's own batches and serial
numbers of the entry's outgoing rows (``Batch`` / ``Serial No``, read from the Serial and Batch Bundles ERPNext
wrote for the voucher, which is how both ERPNext 15 and 16 store them), and untraced components by item and
quantity (``Item``). The units an entry makes point at it through ``Serial Record.stock_entry``, so a walk
from a unit to its components is: unit → its entry → that entry's consumption rows → those components' own
entries, and so on (a recursive query, never a loop of queries per unit).
"""

from __future__ import annotations

import frappe
from frappe.utils import flt, now

from assetblaze_trace.services.db import as_json, insert_rows, json_names

DOCTYPE = "Trace Consumption"
COLUMNS = (
	"reference_doctype",
	"reference_name",
	"purpose",
	"work_order",
	"company",
	"consumed_on",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
)


def _shared(doc) -> dict:
	timestamp, user = now(), frappe.session.user
	return {
		"reference_doctype": doc.doctype,
		"reference_name": doc.name,
		"purpose": doc.get("purpose") or doc.doctype,
		"work_order": doc.get("work_order"),
		"company": doc.get("company"),
		"consumed_on": timestamp,
		"creation": timestamp,
		"modified": timestamp,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
	}


def record(doc, consumed, untraced: dict[str, float] | None = None) -> None:
	"""``consumed``: (leg, unit names) pairs of our units the entry just made Consumed; ``untraced``: row name ->
	the quantity of a traced item's row that no unit covered (untraced stock of a traced item, recorded by item
	and quantity like an untraced component)."""
	shared = _shared(doc)
	keys = {f"c{i}": v for i, v in enumerate(shared.values())}
	select_shared = ", ".join(f"%({k})s" for k in keys)
	cols = ", ".join(f"`{c}`" for c in shared)
	for leg, units in consumed:
		if not units:
			continue
		frappe.db.sql(
			f"""INSERT INTO `tabTrace Consumption` (name, reference_row, consumed_kind, consumed, serial_no,
				item_code, qty, warehouse, {cols})
			SELECT MD5(CONCAT(%(ref)s, r.name)), %(row)s, 'Serial Record', r.name, r.serial_no, r.item_code,
				r.qty, r.warehouse, {select_shared}
			FROM {json_names()} JOIN `tabSerial Record` r ON r.name = j.name""",
			{"ref": doc.name, "row": leg.row.name, "names": as_json(units), **keys},
		)
	bundled_rows = _erpnext_batches_and_serials(doc, keys, cols, select_shared)
	_untraced(doc, shared, bundled_rows, {leg.row.name for leg, _u in consumed}, untraced or {})


def _erpnext_batches_and_serials(doc, keys, cols, select_shared) -> set[str]:
	"""ERPNext's batches and serial numbers that left with the entry (one statement); returns the rows
	they came from."""
	frappe.db.sql(
		f"""INSERT INTO `tabTrace Consumption` (name, reference_row, consumed_kind, consumed, item_code, qty,
			warehouse, {cols})
		SELECT MD5(CONCAT(%(ref)s, e.name)), b.voucher_detail_no,
			IF(IFNULL(e.serial_no, '') != '', 'Serial No', 'Batch'),
			IF(IFNULL(e.serial_no, '') != '', e.serial_no, e.batch_no), b.item_code, ABS(e.qty),
			IFNULL(e.warehouse, b.warehouse), {select_shared}
		FROM `tabSerial and Batch Bundle` b JOIN `tabSerial and Batch Entry` e ON e.parent = b.name
		WHERE b.voucher_type = %(doctype)s AND b.voucher_no = %(ref)s AND b.type_of_transaction = 'Outward'
			AND b.is_cancelled = 0 AND b.docstatus = 1
			AND (IFNULL(e.serial_no, '') != '' OR IFNULL(e.batch_no, '') != '')""",
		{"ref": doc.name, "doctype": doc.doctype, **keys},
	)
	return set(
		frappe.db.sql(
			"SELECT DISTINCT reference_row FROM `tabTrace Consumption` WHERE reference_doctype = %s "
			"AND reference_name = %s AND consumed_kind IN ('Batch', 'Serial No')",
			(doc.doctype, doc.name),
			pluck=True,
		)
	)


def _untraced(doc, shared, bundled_rows: set[str], our_rows: set[str], partial: dict[str, float]) -> None:
	"""Components with no identity at all: by item and quantity (for a traced item's row, the part no unit
	covered)."""
	rows = []
	for row in (doc.get("supplied_items") or []) + (doc.get("items") or []):
		if partial.get(row.name, 0) > 1e-9:
			item = row.get("rm_item_code") or row.item_code
			wh = doc.get("supplier_warehouse") if row.get("rm_item_code") else row.s_warehouse
			rows.append((row.name, item, partial[row.name], wh))
	our_rows = our_rows | set(partial)
	if doc.doctype == "Subcontracting Receipt":
		for row in doc.get("supplied_items") or []:
			if row.name not in bundled_rows and row.name not in our_rows and flt(row.consumed_qty):
				rows.append((row.name, row.rm_item_code, flt(row.consumed_qty), doc.supplier_warehouse))
	else:
		for row in doc.get("items") or []:
			if (
				row.get("s_warehouse")
				and not row.get("t_warehouse")
				and row.name not in bundled_rows
				and row.name not in our_rows
			):
				rows.append((row.name, row.item_code, flt(row.transfer_qty or row.qty), row.s_warehouse))
	if not rows:
		return
	base = frappe.generate_hash(length=10)
	insert_rows(
		DOCTYPE,
		("name", "reference_row", "consumed_kind", "consumed", "item_code", "qty", "warehouse"),
		((f"{base}{i:x}", name, "Item", item, item, qty, wh) for i, (name, item, qty, wh) in enumerate(rows)),
		constants=shared,
	)


def remove(doc) -> None:
	"""Cancelling the consuming entry removes what it recorded, with the consumption itself."""
	frappe.db.sql(
		"DELETE FROM `tabTrace Consumption` WHERE reference_doctype = %s AND reference_name = %s",
		(doc.doctype, doc.name),
	)


def of_entry(doctype: str, name: str) -> list[frappe._dict]:
	return frappe.db.sql(
		"SELECT consumed_kind, consumed, serial_no, item_code, qty, reference_row FROM `tabTrace Consumption` "
		"WHERE reference_doctype = %s AND reference_name = %s ORDER BY consumed_kind, consumed",
		(doctype, name),
		as_dict=True,
	)
