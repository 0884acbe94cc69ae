# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

"""FSMA 204 Traceability: the sortable spreadsheet the FDA asks for within 24 hours (21 CFR 1.1455(c)) — one row
per critical tracking event (receiving, transformation, shipping) of a lot and what was made from it, or of a
date range, with the key data elements. Rows from ``genealogy/fsma204.py``; CSV / Excel through Frappe's report
export (Menu → Export)."""

import frappe
from frappe import _

from assetblaze_trace.genealogy import fsma204


def execute(filters=None):
	filters = frappe._dict(filters or {})
	lot = (filters.get("lot") or "").strip()
	if not lot and not (filters.get("from_date") and filters.get("to_date")):
		return get_columns(), [], _("Enter a lot (or serial), or a date range."), None
	if lot:
		data = fsma204.rows(lot=lot, item_code=filters.get("item_code"))
	else:
		data = fsma204.rows(
			item_code=filters.get("item_code"),
			from_date=filters.from_date,
			to_date=filters.to_date,
			company=filters.get("company"),
		)
	return get_columns(), data


def get_columns() -> list[dict]:
	def col(label, fieldname, fieldtype="Data", width=150, options=None):
		out = {"label": label, "fieldname": fieldname, "fieldtype": fieldtype, "width": width}
		if options:
			out["options"] = options
		return out

	return [
		col(_("Critical Tracking Event"), "critical_tracking_event", width=130),
		col(_("Traceability Lot Code"), "traceability_lot_code", width=170),
		col(_("Product Description"), "product_description", width=180),
		col(_("Item"), "item_code", "Link", 130, "Item"),
		col(_("Quantity"), "quantity", "Float", 90),
		col(_("Unit of Measure"), "unit_of_measure", width=90),
		col(_("Ship-From Location"), "ship_from_location", width=200),
		col(_("Ship-To Location"), "ship_to_location", width=200),
		col(_("Receiving / Transformation Location"), "location", width=220),
		col(_("Date"), "event_date", "Date", 100),
		col(_("Reference Document Type"), "reference_document_type", width=140),
		col(
			_("Reference Document Number"),
			"reference_document_number",
			"Dynamic Link",
			170,
			"reference_document_type",
		),
		col(_("Traceability Lot Code Source"), "tlc_source", width=200),
		col(_("Input Lots (Transformation)"), "input_lots", width=260),
	]
