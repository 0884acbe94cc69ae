"""What every ERPNext document that moves stock does to the traced units: one table, read by the executors of
this package and by the README. Pure data and a lookup (no Frappe import): the unit tests read it too.

Executors: ``stock`` (Stock Entries, counts, subcontracting, purchase returns, internal receipts), ``shipments``
(Delivery Notes, Sales Invoices with Update Stock, Product Bundles, internal customers), ``receipts`` (the
supplier's serials and lots), ``intercompany`` (another company of the group's receipt) and ``ledger`` (the safety
net for every other voucher that posts stock of a traced item).
"""

from __future__ import annotations

from dataclasses import dataclass

from assetblaze_trace.rules import lifecycle as rules


@dataclass(frozen=True)
class Movement:
	"""What a document does to the traced units of its rows."""

	leaving: str | None  # event for rows with only a source warehouse (None: such rows are not expected)
	transfers: bool  # rows with a source and a target warehouse move their units
	records_consumption: bool  # the entry writes what it consumed (genealogy builds on it)
	note: str  # for the reader (and the README): what the seed's rules imply here
	executor: str = "stock"  # the module of this package that carries it out


MOVEMENTS: dict[tuple[str, str | None], Movement] = {
	("Stock Entry", "Material Issue"): Movement(
		rules.ISSUE, False, False, "scrap, samples, internal use: the units leave stock as Issued"
	),
	("Stock Entry", "Material Receipt"): Movement(
		None,
		False,
		False,
		"rows listing the supplier's serials or lot make Received units; a row left blank is untraced quantity",
		"receipts",
	),
	("Stock Entry", "Material Transfer"): Movement(None, True, False, "the units move with the stock"),
	("Stock Entry", "Material Transfer for Manufacture"): Movement(
		None, True, False, "components move to the Work Order's WIP warehouse"
	),
	("Stock Entry", "Send to Subcontractor"): Movement(
		None, True, False, "components move to the supplier's warehouse"
	),
	("Stock Entry", "Manufacture"): Movement(
		rules.CONSUME,
		False,
		True,
		"components are Consumed and recorded against the entry; finished goods become new units",
	),
	("Stock Entry", "Material Consumption for Manufacture"): Movement(
		rules.CONSUME, False, True, "components are Consumed and recorded against the entry and Work Order"
	),
	("Stock Entry", "Repack"): Movement(
		rules.CONSUME,
		False,
		True,
		"inputs are Consumed; the repacked output is untraced quantity (only manufacturing makes units)",
	),
	("Stock Entry", "Disassemble"): Movement(
		rules.CONSUME,
		False,
		True,
		"the finished unit taken apart is Consumed; the parts that come out are untraced quantity",
	),
	("Stock Reconciliation", None): Movement(
		rules.ISSUE,
		False,
		False,
		"a count lower than the units in stock takes out the listed units, then the oldest Available ones, "
		"until the units fit the count; a count higher than the units is untraced quantity",
	),
	("Purchase Receipt", "Return"): Movement(
		rules.RETURN_TO_SUPPLIER,
		False,
		False,
		"a Purchase Return sends the listed units (else the oldest Available ones, then untraced stock) back to "
		"the supplier: they leave stock",
	),
	("Purchase Invoice", "Return"): Movement(
		rules.RETURN_TO_SUPPLIER,
		False,
		False,
		"a return Purchase Invoice with Update Stock: as a Purchase Return",
	),
	("Purchase Receipt", "Internal Transfer"): Movement(
		None,
		True,
		False,
		"an internal Purchase Receipt of the same company (rows with a From Warehouse) moves the units the "
		"internal Delivery Note put in transit on to its warehouse",
	),
	("Purchase Invoice", "Internal Transfer"): Movement(
		None, True, False, "an internal Purchase Invoice with Update Stock: as an internal Purchase Receipt"
	),
	("Subcontracting Receipt", None): Movement(
		rules.CONSUME,
		False,
		True,
		"components supplied to the subcontractor are Consumed from the supplier's warehouse; "
		"the received goods are untraced quantity (they were not made by a Manufacture entry here)",
	),
	# ---- shipments: allocate on save, ship on submit (shipments.py) ----
	("Delivery Note", None): Movement(
		rules.SHIP,
		False,
		False,
		"rows (and a Product Bundle's packed rows) allocate their listed, then FIFO units on save, the rest from "
		"untraced stock when Ship Untraced Stock allows; submit ships them; a return makes listed units Returned",
		"shipments",
	),
	("Sales Invoice", "Update Stock"): Movement(
		rules.SHIP, False, False, "with Update Stock: as a Delivery Note", "shipments"
	),
	("Delivery Note", "Internal Customer"): Movement(
		rules.INTERNAL_TRANSFER,
		True,
		False,
		"to the company's own internal customer: the units move to the row's target warehouse instead of shipping",
		"shipments",
	),
	# ---- receipts (receipts.py, intercompany.py) ----
	("Purchase Receipt", None): Movement(
		None,
		False,
		False,
		"rows listing the supplier's serials (one per unit) or lot (one per row) make Received units that record "
		"the supplier and the receipt; a row left blank is untraced quantity",
		"receipts",
	),
	("Purchase Invoice", "Update Stock"): Movement(
		None, False, False, "with Update Stock: as a Purchase Receipt", "receipts"
	),
	("Purchase Receipt", "Another Company"): Movement(
		None,
		False,
		False,
		"another company of the group's internal receipt: the same units its Delivery Note shipped become "
		"Available here (Received From Another Company)",
		"intercompany",
	),
	# ---- everything else that posts stock of a traced item (ledger.py) ----
	("*", None): Movement(
		rules.ISSUE,
		False,
		False,
		"any other voucher: stock in is untraced; stock out takes untraced stock first, then the oldest free "
		"units as far as they would exceed ERPNext's stock",
		"ledger",
	),
}

# A listed (typed or scanned) unit may be taken from these statuses; FIFO only ever takes Available units.


def _flag(doc, field: str) -> bool:
	try:
		return bool(int(doc.get(field) or 0))
	except (TypeError, ValueError):
		return False


def movement_of(doc) -> Movement | None:
	"""The entry for a document (``doc`` needs only ``doctype`` and ``get``)."""
	doctype = doc.doctype
	if doctype in ("Purchase Receipt", "Purchase Invoice"):
		if doctype == "Purchase Invoice" and not _flag(doc, "update_stock"):
			return None
		if _flag(doc, "is_return"):
			return MOVEMENTS[(doctype, "Return")]
		if any(row.get("from_warehouse") for row in doc.get("items") or []):
			return MOVEMENTS[(doctype, "Internal Transfer")]
		if (
			doctype == "Purchase Receipt"
			and _flag(doc, "is_internal_supplier")
			and doc.get("represents_company")
			and doc.get("represents_company") != doc.get("company")
		):
			return MOVEMENTS[(doctype, "Another Company")]
		return MOVEMENTS[(doctype, None if doctype == "Purchase Receipt" else "Update Stock")]
	if doctype == "Sales Invoice":
		return MOVEMENTS[(doctype, "Update Stock")] if _flag(doc, "update_stock") else None
	if (
		doctype == "Delivery Note"
		and _flag(doc, "is_internal_customer")
		and any(row.get("target_warehouse") for row in doc.get("items") or [])
	):
		return MOVEMENTS[(doctype, "Internal Customer")]
	return MOVEMENTS.get((doctype, doc.get("purpose"))) or MOVEMENTS.get((doctype, None))


def followed_doctypes() -> set[str]:
	"""The DocTypes some executor follows row by row (the ledger net leaves them alone)."""
	return {doctype for doctype, _purpose in MOVEMENTS if doctype != "*"}
