"""GS1 on the floor: which items a scanned GTIN names, and the element string a unit's GS1 label carries."""

from __future__ import annotations

import frappe

from assetblaze_trace.rules import gs1


def gtin_forms(gtin14: str) -> list[str]:
	"""The ways an item may hold the GTIN a scan carries as 14 digits (GTIN-8/12/13 are it without the leading
	zeros AI (01) pads it with)."""
	return [gtin14[14 - n :] for n in gs1.GTIN_LENGTHS if not gtin14[: 14 - n].strip("0")]


def items_of_gtin(gtin: str | None) -> list[str] | None:
	"""The items with that GTIN; None when the scan has none or no item holds it (then the serial or lot alone
	finds the unit)."""
	if not gtin:
		return None
	items = frappe.get_all("Item", filters={"trace_gtin": ("in", gtin_forms(gs1.gtin14(gtin)))}, pluck="name")
	return items or None


def named_unit(value: str) -> tuple[gs1.Scan, list[str] | None] | None:
	"""What a GS1 element string names, for the lookups every scan field and search share: the scan (its (21)
	serial or (10) lot) and the items its GTIN names (None: any item). None when ``value`` is no GS1 string
	naming a unit or lot."""
	scan = gs1.parse(value)
	if not (scan and scan.names_a_unit):
		return None
	return scan, items_of_gtin(scan.gtin)


def unit_element_string(values: dict) -> str:
	"""The bracketed element string of a unit's label (the ``gs1`` binding): (01) its item's GTIN, (11) made,
	(17) expiry, then (10) its lot or (21) its serial. '' when the item has no GTIN."""
	lot = values.get("trace_type") == "Batch"
	return gs1.element_string(
		values.get("gtin"),
		lot=values.get("serial_no") if lot else None,
		serial=None if lot else values.get("name"),
		expiry=values.get("expiry_date") or None,
		production=values.get("manufacturing_date") or None,
	)


def new_identity(value: str) -> dict | None:
	"""A GS1 label naming a lot or serial no unit has yet (a supplier's, scanned on a receipt): what it brings —
	the identity, its expiry (AI 17), and the item its GTIN names when exactly one item has it. None otherwise."""
	from assetblaze_trace.services.settings import is_enabled

	if not is_enabled():
		return None
	named = named_unit(value)
	if not named:
		return None
	scan, items = named
	answer: dict = {
		"trace_gs1_code": scan.serial or scan.lot,
		"trace_gs1_is_lot": 0 if scan.serial else 1,
		"trace_gs1_expiry": str(scan.expiry) if scan.expiry else None,
	}
	if items and len(items) == 1 and frappe.has_permission("Item", "read"):
		answer["item_code"] = items[0]
		answer["uom"] = frappe.get_cached_value("Item", items[0], "stock_uom")
	return answer
