"""The manufacturing and expiry dates of new units and lot portions.

A unit made on a day expires that day + the item's shelf life (``trace_shelf_life_days``, resolved Item → Item
Group tree → Traceability Settings; none anywhere: it does not expire). A supplier's expiry given at receipt
(``trace_expiry_date`` on the receiving row) wins. Portions split off a lot keep their lot's dates
(``lifecycle.split`` copies the record).
"""

from __future__ import annotations

import datetime

import frappe
from frappe import _
from frappe.utils import add_days, formatdate, getdate, nowdate

from assetblaze_trace.exceptions import ExpiredUnitError
from assetblaze_trace.services.config import resolve_item


def new_unit_dates(item_code: str, made_on, given_expiry=None) -> dict:
	"""``manufacturing_date`` and ``expiry_date`` for units of ``item_code`` made (or received) on ``made_on``."""
	made = getdate(made_on)
	if given_expiry:
		expiry: datetime.date | None = getdate(given_expiry)
	else:
		days = resolve_item(item_code).shelf_life_days
		expiry = getdate(add_days(made, days)) if days else None
	return {"manufacturing_date": made, "expiry_date": expiry}


def expired_on(expiry_date, on=None) -> bool:
	"""Expired on day ``on`` (today by default): a unit is still good on its expiry date."""
	return bool(expiry_date) and getdate(expiry_date) < getdate(on or nowdate())


def expired_problem(name: str, expiry_date) -> str:
	return _("{0} expired on {1}").format(name, formatdate(expiry_date))


def refuse_expired(records, on, row_idx, item_code) -> None:
	"""A shipment may not carry an expired unit or lot, whoever chose it (``records``: dicts with name and
	expiry_date). Nothing moves: the caller's transaction is rolled back with the error."""
	problems = [expired_problem(r.name, r.expiry_date) for r in records if expired_on(r.expiry_date, on)]
	if problems:
		frappe.throw(
			_(
				"Row {0} ({1}): expired stock cannot be shipped: {2}. Remove them from Traced Serials (leave it blank for a "
				"pick that never takes expired stock); to scrap them, issue them with a Material Issue."
			).format(row_idx, item_code, "; ".join(problems[:20])),
			ExpiredUnitError,
			title=_("Expired Stock"),
		)
