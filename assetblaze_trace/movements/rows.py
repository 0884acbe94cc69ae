"""What every movement reads from ERPNext: a document's traced rows and their quantities, and the stock of an
item in a warehouse as ERPNext and the units see it (in stock, untraced, held, busy).

Shipments (shipments.py), stock movements (stock.py), receipts (receipts.py) and the ledger safety net
(ledger.py) all import from here; nothing here imports them, so there is no import circle between them.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from assetblaze_trace.exceptions import AllocationError, NotEnoughUnitsError
from assetblaze_trace.services.config import ItemTraceConfig, resolve_item

EPSILON = 1e-9
IN_STOCK_SQL = "('Available', 'Allocated', 'Returned')"


def rows_of(doc) -> list:
	"""The rows that carry stock: a Pick List's locations; otherwise the items, and the components a Product
	Bundle packs (Packed Item rows post the stock of a bundle, the bundle's own row posts none)."""
	if doc.doctype == "Pick List":
		return doc.get("locations") or []
	return (doc.get("items") or []) + (doc.get("packed_items") or [])


def traced_rows(doc) -> list[tuple[object, ItemTraceConfig]]:
	out = []
	parents = None
	for row in rows_of(doc):
		if not row.item_code:
			continue
		config = resolve_item(row.item_code)
		if not config.is_traced:
			continue
		if row.doctype == "Packed Item":
			# a packed component ships against the bundle row's order
			parents = parents if parents is not None else {r.name: r for r in doc.get("items") or []}
			parent = parents.get(row.parent_detail_docname)
			if parent is not None:
				row._bundle_row = parent
				for field in ("against_sales_order", "sales_order", "so_detail"):
					if parent.get(field) and not row.get(field):
						setattr(row, field, parent.get(field))
		out.append((row, config))
	return out


def target_of(row) -> str | None:
	"""Where a shipment row delivers to when the customer is the company itself (an internal transfer)."""
	return row.get("target_warehouse") or (getattr(row, "_bundle_row", None) or {}).get("target_warehouse")


def row_qty(row, config: ItemTraceConfig) -> float:
	qty = abs(flt(row.get("stock_qty") or row.get("transfer_qty") or row.get("qty")))
	if config.is_serial and abs(qty - round(qty)) > EPSILON:
		frappe.throw(
			_(
				"Row {0}: item {1} is traced by serial number, so its quantity must be a whole number of units (it is {2})."
			).format(row.idx, frappe.bold(row.item_code), qty),
			AllocationError,
			title=_("Whole Units Needed"),
		)
	return round(qty) if config.is_serial else qty


def in_stock_breakdown(item_code: str, warehouse: str) -> dict[str, float]:
	"""The quantity of units in stock there, by status."""
	return dict(
		frappe.db.sql(
			"SELECT status, SUM(qty) FROM `tabSerial Record` WHERE item_code = %s AND warehouse = %s "
			f"AND status IN {IN_STOCK_SQL} GROUP BY status",
			(item_code, warehouse),
		)
	)


def units_in_stock(item_code: str, warehouse: str) -> float:
	return sum(flt(v) for v in in_stock_breakdown(item_code, warehouse).values())


def held_qty(item_code: str, warehouse: str) -> float:
	"""Units of an item in a warehouse that are in stock but on hold."""
	return flt(
		frappe.db.sql(
			"SELECT SUM(qty) FROM `tabSerial Record` WHERE item_code = %s AND warehouse = %s AND on_hold = 1 "
			f"AND status IN {IN_STOCK_SQL}",
			(item_code, warehouse),
		)[0][0]
	)


def bin_qty(item_code: str, warehouse: str) -> float:
	return flt(frappe.db.get_value("Bin", {"item_code": item_code, "warehouse": warehouse}, "actual_qty"))


def untraced_qty(item_code: str, warehouse: str, *, already_out: float = 0) -> float:
	"""ERPNext's stock of a traced item in a warehouse that no unit stands for (``already_out``: stock this
	document has already taken out of the Bin, which the units have not followed yet)."""
	return max(bin_qty(item_code, warehouse) + already_out - units_in_stock(item_code, warehouse), 0)


def why_not_taken(item_code: str, warehouse: str, *, untraced_allowed: bool, already_out: float = 0) -> str:
	"""Why the stock there could not cover a document: each cause named with its quantity (units on hold, units
	Returned and waiting for *Restock After Inspection*, units held by draft shipments or pick lists, units
	reserved for other Sales Orders, untraced stock a shipment may not carry). Empty when nothing is there."""
	rows = frappe.db.sql(
		f"""SELECT status, on_hold, sales_order IS NOT NULL AS reserved, IFNULL(expiry_date < %s, 0) AS expired,
			SUM(qty) AS qty FROM `tabSerial Record`
		WHERE item_code = %s AND warehouse = %s AND status IN {IN_STOCK_SQL}
		GROUP BY status, on_hold, reserved, expired""",
		(nowdate(), item_code, warehouse),
		as_dict=True,
	)
	expired = sum(flt(r.qty) for r in rows if r.expired and not r.on_hold and r.status == "Available")
	held = sum(flt(r.qty) for r in rows if r.on_hold)
	returned = sum(flt(r.qty) for r in rows if not r.on_hold and r.status == "Returned")
	allocated = sum(flt(r.qty) for r in rows if not r.on_hold and r.status == "Allocated")
	reserved = sum(flt(r.qty) for r in rows if not r.on_hold and r.status == "Available" and r.reserved)
	reasons = []
	if expired > EPSILON:
		reasons.append(
			_(
				"{0} have expired (never taken automatically; list them by hand to issue or scrap them)"
			).format(expired)
		)
	if held > EPSILON:
		reasons.append(_("{0} are on hold (release the hold first)").format(held))
	if returned > EPSILON:
		reasons.append(
			_(
				"{0} are Returned and wait for Restock After Inspection (restock them, or list one by hand to issue it)"
			).format(returned)
		)
	if allocated > EPSILON:
		reasons.append(_("{0} are allocated to draft shipments or pick lists").format(allocated))
	if reserved > EPSILON:
		reasons.append(
			_("{0} are reserved for Sales Orders (another order's units are picked only by hand)").format(
				reserved
			)
		)
	untraced = untraced_qty(item_code, warehouse, already_out=already_out)
	if untraced > EPSILON and not untraced_allowed:
		reasons.append(
			_(
				"{0} of ERPNext's stock there is untraced and Traceability Settings do not let shipments carry "
				"untraced stock (tick Ship Untraced Stock, or give it units with Register Existing Stock)"
			).format(untraced)
		)
	return "; ".join(reasons)


def posted_pairs(doc) -> set[tuple[str, str]]:
	"""(item, warehouse) of the traced items where the document can have left more units than stock: where it
	took stock out, when submitted; everywhere it posted, when cancelled (one indexed read). Stock coming in
	never breaks the rule, so a completion's finished goods cost nothing here."""
	rows = frappe.db.sql(
		"""SELECT item_code, warehouse, SUM(actual_qty) FROM `tabStock Ledger Entry`
		WHERE voucher_no = %s AND voucher_type = %s GROUP BY item_code, warehouse""",
		(doc.name, doc.doctype),
	)
	return {
		(item, wh)
		for item, wh, qty in rows
		if (doc.docstatus == 2 or flt(qty) < 0) and resolve_item(item, ignore_toggle=True).is_traced
	}


def assert_units_fit(doc, pairs=None) -> None:
	"""After a document posted (or took back) its stock: the units in stock of each traced item and warehouse it
	touched still fit ERPNext's stock there (PRODUCT.md §6). Refused otherwise, naming what to do: the last
	guard behind every movement, whatever its kind."""
	for item_code, warehouse in sorted(posted_pairs(doc) if pairs is None else pairs):
		units, stock = units_in_stock(item_code, warehouse), bin_qty(item_code, warehouse)
		if units <= stock + EPSILON:
			continue
		if doc.docstatus == 2:
			hint = _(
				"Its stock has been given units since (registered, received or moved in): take those units out "
				"first (issue or transfer them), then cancel it."
			)
		else:
			hint = _(
				"The untraced stock it was to take is no longer there: save it again so it picks units, or lower its "
				"quantity."
			)
		frappe.throw(
			_(
				"{0} {1} would leave {2} units of {3} in stock in {4}, but ERPNext's stock there would be {5}. {6}"
			).format(
				_(doc.doctype), doc.name, units, frappe.bold(item_code), frappe.bold(warehouse), stock, hint
			),
			NotEnoughUnitsError,
			title=_("Records Would Disagree With Stock"),
		)


def lock_counts_of(doc) -> None:
	"""Before ERPNext posts (or takes back) the document's stock: the kept-count rows of its traced items, so
	every request that moves units takes them in the same order (services/counts.py, ``lock_items``)."""
	from assetblaze_trace.services import counts

	items = {row.get("item_code") or row.get("rm_item_code") for row in rows_of(doc)}
	items |= {row.get("rm_item_code") for row in doc.get("supplied_items") or []}
	counts.lock_items(item for item in items if item and resolve_item(item, ignore_toggle=True).is_traced)


def where_problem(unit: str, rec, item_code: str, warehouse: str) -> str | None:
	"""Why a unit listed by hand on a row cannot be taken from there (it does not exist, is another item, is in
	another warehouse, is on hold), or None; each caller adds what its move needs of the status."""
	if not rec:
		return _("{0} does not exist").format(unit)
	if rec.item_code != item_code:
		return _("{0} is item {1}, not {2}").format(unit, rec.item_code, item_code)
	if rec.warehouse != warehouse:
		return _("{0} is in warehouse {1}, not {2}").format(unit, rec.warehouse, warehouse)
	if rec.on_hold:
		return _("{0} is on hold ({1})").format(unit, rec.hold_reason or _("no reason given"))
	return None
