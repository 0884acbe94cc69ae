"""What expires soon: the units and lot portions in stock whose expiry date falls within a horizon, for the
*Expiring Units* report, the workspace's number card and the daily email to Stock Managers.

One grouped query, within the reader's User Permissions (``permissions.restrictions``), read along
``item_status_expiry_idx`` (item, status, expiry date) for one item, or the in-stock units by expiry otherwise.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Min, Sum
from frappe.utils import add_days, cint, getdate, nowdate

from assetblaze_trace import permissions
from assetblaze_trace.rules.lifecycle import IN_STOCK, display_status
from assetblaze_trace.services.settings import get_settings

GROUPINGS = ("Unit", "Lot", "Item", "Warehouse")
DEFAULT_HORIZON = 30
MOST_ROWS = 20_000


def horizon() -> int:
	"""Traceability Settings' *Expiry Alert Horizon (Days)*: 30 unless set (0 is "no email", not "no horizon")."""
	value = get_settings().get("expiry_alert_days")
	return DEFAULT_HORIZON if value is None or value == "" else cint(value)


def rows(
	days: int | None = None,
	*,
	group_by: str = "Unit",
	item_code: str | None = None,
	warehouse: str | None = None,
	lot: str | None = None,
	include_expired: bool = True,
	user: str | None = None,
) -> list[dict]:
	"""Stock expiring on or before today + ``days``, earliest first; grouped by ``group_by`` (one row per unit or
	portion, lot, item or warehouse). Without ``include_expired``, only what has not expired yet."""
	days = horizon() if days is None else cint(days)
	today = getdate(nowdate())
	record = frappe.qb.DocType("Serial Record")
	condition = (
		record.status.isin(IN_STOCK)
		& record.expiry_date.isnotnull()
		& (record.expiry_date <= add_days(today, days))
	)
	if not include_expired:
		condition &= record.expiry_date >= today
	for field, value in (("item_code", item_code), ("warehouse", warehouse), ("serial_no", lot)):
		if value:
			condition &= record[field] == value
	within = permissions.restrictions(user).criterion(record)
	if within is not None:
		condition &= within
	earliest = Min(record.expiry_date)
	if group_by == "Unit":
		query = frappe.qb.from_(record).select(
			record.name,
			record.serial_no,
			record.trace_type,
			record.item_code,
			record.item_name,
			record.warehouse,
			record.qty,
			record.status,
			record.sales_order,
			record.on_hold,
			record.expiry_date,
		)
		query = query.where(condition).orderby(record.expiry_date).orderby(record.name).limit(MOST_ROWS)
	else:
		keys = {
			"Lot": [record.item_code, record.serial_no, record.warehouse],
			"Item": [record.item_code],
			"Warehouse": [record.warehouse],
		}[group_by]
		query = (
			frappe.qb.from_(record)
			.select(
				*keys,
				Count(record.name).as_("units"),
				Sum(record.qty).as_("qty"),
				earliest.as_("expiry_date"),
			)
			.where(condition)
			.groupby(*keys)
			.orderby(earliest)
			.limit(MOST_ROWS)
		)
		if group_by == "Lot":
			query = query.where(record.trace_type == "Batch")
	if item_code:
		from assetblaze_trace.traceability.doctype.serial_record.serial_record import index_if_present

		if index := index_if_present("item_status_expiry_idx"):
			query = query.force_index(index)
	out = query.run(as_dict=True)
	for row in out:
		row["days_left"] = (getdate(row["expiry_date"]) - today).days
		if "status" in row:
			row["display_status"] = _(display_status(row["status"], row.get("sales_order")))
	return out


@frappe.whitelist()
def expiring_count(filters=None) -> dict:
	"""The workspace's number card: units and portions in stock (not yet expired) expiring within the horizon,
	for the user who looks (their User Permissions apply)."""
	permissions.require_read()
	days = horizon()
	found = rows(days, group_by="Item", include_expired=False)
	return {
		"value": sum(cint(r["units"]) for r in found),
		"fieldtype": "Int",
		"route": ["query-report", "Expiring Units"],
		"route_options": {"days": days},
	}


# ------------------------------------------------------------------------------------- the daily email


def send_daily() -> int:
	"""Scheduler (daily): each Stock Manager gets, through Frappe's email queue and notification bell, the stock
	within *their* reach that expires within the horizon (nothing when there is none, or the horizon is 0).
	Returns the number of emails queued."""
	settings = get_settings()
	days = horizon()
	if not settings.enabled or days <= 0:
		return 0
	sent = 0
	for user in stock_managers():
		found = rows(days, group_by="Lot", user=user) + [
			r for r in rows(days, group_by="Unit", user=user) if r["trace_type"] != "Batch"
		]
		if not found:
			continue
		found.sort(key=lambda r: (r["expiry_date"], r["item_code"]))
		subject = _("{0} lots and units in stock expire within {1} days").format(len(found), days)
		_bell(user, subject)
		try:
			frappe.sendmail(
				recipients=[user],
				subject=subject,
				message=_message(found, days),
				reference_doctype="Traceability Settings",
				reference_name="Traceability Settings",
			)
		except frappe.OutgoingEmailError:  # no outgoing Email Account: the bell still tells them
			frappe.log_error(_("Expiry alert not emailed"), _("Set up an outgoing Email Account."))
			continue
		sent += 1
	return sent


def stock_managers() -> list[str]:
	"""Enabled desk users with the Stock Manager role (Administrator and Guest never get mail)."""
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(user)
		.join(has_role)
		.on(has_role.parent == user.name)
		.select(user.name)
		.distinct()
		.where(
			(has_role.role == "Stock Manager")
			& (has_role.parenttype == "User")
			& (user.enabled == 1)
			& (user.user_type == "System User")
			& user.name.notin(["Administrator", "Guest"])
		)
		.orderby(user.name)
		.run(pluck=True)
	)


def _message(found: list[dict], days: int) -> str:
	from frappe.utils import escape_html, formatdate

	shown = found[:200]
	lines = "".join(
		"<tr><td>{}</td><td>{}</td><td>{}</td><td style='text-align:right'>{}</td><td>{}</td><td>{}</td></tr>".format(
			escape_html(r["item_code"]),
			escape_html(r.get("serial_no") or r.get("name") or ""),
			escape_html(r.get("warehouse") or ""),
			frappe.format(r.get("qty"), {"fieldtype": "Float"}),
			formatdate(r["expiry_date"]),
			_("expired") if r["days_left"] < 0 else _("in {0} days").format(r["days_left"]),
		)
		for r in shown
	)
	more = (
		"<p>" + _("and {0} more.").format(len(found) - len(shown)) + "</p>" if len(found) > len(shown) else ""
	)
	link = report_url()
	return (
		"<p>"
		+ _("Stock expiring within {0} days (lots and units in stock, earliest first):").format(days)
		+ "</p><table border='1' cellpadding='4' style='border-collapse:collapse'><tr>"
		+ "".join(
			f"<th>{h}</th>"
			for h in (_("Item"), _("Lot / Serial"), _("Warehouse"), _("Qty"), _("Expiry Date"), _("Expires"))
		)
		+ f"</tr>{lines}</table>{more}<p><a href='{link}'>"
		+ _("Open the Expiring Units report")
		+ "</a></p>"
	)


def report_url() -> str:
	from frappe.utils import get_url_to_report

	return get_url_to_report("Expiring Units", "Script Report", "Serial Record")


def _bell(user: str, subject: str) -> None:
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	make_notification_logs(
		frappe._dict(
			subject=subject,
			type="Alert",
			document_type="Report",
			document_name="Expiring Units",
			link=report_url(),  # the report itself, not the Report's form
			from_user="Administrator",
		),
		[user],
	)
