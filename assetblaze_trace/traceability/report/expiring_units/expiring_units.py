# Copyright (c) 2026, AssetBlaze and contributors
# For license information, please see license.txt

"""Expiring Units: the stock (units and lot portions in stock) expiring within N days, earliest first, by unit,
lot, item or warehouse; expired stock still on the shelves on top, in red. ``expiry/expiring.py`` makes the rows
(the same as the daily email and the workspace card); export is Frappe's report export."""

import frappe
from frappe import _
from frappe.utils import cint

from assetblaze_trace import permissions
from assetblaze_trace.expiry import expiring


def execute(filters=None):
	filters = frappe._dict(filters or {})
	permissions.require_read()
	group_by = filters.get("group_by") if filters.get("group_by") in expiring.GROUPINGS else "Unit"
	days = expiring.horizon() if filters.get("days") in (None, "") else cint(filters.days)
	data = expiring.rows(
		days,
		group_by=group_by,
		item_code=filters.get("item_code"),
		warehouse=filters.get("warehouse"),
		lot=(filters.get("lot") or "").strip() or None,
		include_expired=bool(cint(filters.get("include_expired", 1))),
	)
	message = None
	if len(data) >= expiring.MOST_ROWS:
		message = _("Showing the first {0} rows: narrow the filters or group the rows.").format(
			expiring.MOST_ROWS
		)
	return get_columns(group_by), data, message, None, summary(data, days, group_by)


def get_columns(group_by: str) -> list[dict]:
	columns = []
	if group_by == "Unit":
		columns.append(
			{
				"label": _("Unit / Portion"),
				"fieldname": "name",
				"fieldtype": "Link",
				"options": "Serial Record",
				"width": 200,
			}
		)
	if group_by in ("Unit", "Lot"):
		columns.append(
			{"label": _("Serial / Lot No"), "fieldname": "serial_no", "fieldtype": "Data", "width": 170}
		)
	if group_by in ("Unit", "Lot", "Item"):
		columns.append(
			{
				"label": _("Item"),
				"fieldname": "item_code",
				"fieldtype": "Link",
				"options": "Item",
				"width": 160,
			}
		)
	if group_by in ("Unit", "Lot", "Warehouse"):
		columns.append(
			{
				"label": _("Warehouse"),
				"fieldname": "warehouse",
				"fieldtype": "Link",
				"options": "Warehouse",
				"width": 160,
			}
		)
	if group_by != "Unit":
		columns.append({"label": _("Units"), "fieldname": "units", "fieldtype": "Int", "width": 80})
	columns.append({"label": _("Qty"), "fieldname": "qty", "fieldtype": "Float", "width": 90})
	if group_by == "Unit":
		columns.append(
			{"label": _("Status"), "fieldname": "display_status", "fieldtype": "Data", "width": 100}
		)
	columns += [
		{
			"label": _("Expiry Date") if group_by == "Unit" else _("Earliest Expiry"),
			"fieldname": "expiry_date",
			"fieldtype": "Date",
			"width": 120,
		},
		{"label": _("Days Left"), "fieldname": "days_left", "fieldtype": "Int", "width": 90},
	]
	return columns


def summary(data: list[dict], days: int, group_by: str) -> list[dict]:
	def units(rows):
		return sum(cint(r.get("units", 1)) for r in rows)

	expired = [r for r in data if r["days_left"] < 0]
	week = [r for r in data if 0 <= r["days_left"] <= 7]
	return [
		{
			"label": _("Expired, Still In Stock"),
			"value": units(expired),
			"indicator": "red",
			"datatype": "Int",
		},
		{"label": _("Expire Within 7 Days"), "value": units(week), "indicator": "orange", "datatype": "Int"},
		{
			"label": _("Expire Within {0} Days").format(days),
			"value": units([r for r in data if r["days_left"] >= 0]),
			"indicator": "blue",
			"datatype": "Int",
		},
	]
