"""The safety net at ERPNext's stock ledger: any submitted or cancelled voucher that posts stock of a traced item
and that no other part of the app follows (ERPNext's Asset Capitalization or Asset Repair, another app's own
documents, ...) still leaves PRODUCT.md §6 true.

What it does with units (the README says the same):
- stock coming **in** is untraced quantity, as any stock that was not made here;
- stock going **out** takes units only when it must: when the units in stock there would exceed ERPNext's stock,
  the oldest Available units that are not on hold leave as *Issued* (then Returned ones), lot portions split as
  needed; untraced stock leaves first, because it names nothing;
- if the only units left are held, allocated to a draft shipment or a pick list, the voucher is refused, naming
  them: they were kept back on purpose, and taking them silently would be wrong;
- cancelling the voucher brings back exactly the units it issued.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from assetblaze_trace.exceptions import MovementError
from assetblaze_trace.movements import order
from assetblaze_trace.movements.rows import EPSILON, bin_qty, units_in_stock
from assetblaze_trace.movements.table import followed_doctypes
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.services.config import resolve_item
from assetblaze_trace.services.lifecycle import Reference, lock_units, move, name_units, take_portions

# Documents the app follows row by row (movements/table.py); the net leaves them alone.
FOLLOWED = frozenset(followed_doctypes())


def _posted(doc, cancelled: bool = False) -> list[tuple[str, str, float]]:
	"""(item, warehouse, quantity out) the voucher posted for traced items (one indexed read)."""
	rows = frappe.db.sql(
		"""SELECT item_code, warehouse, SUM(actual_qty) FROM `tabStock Ledger Entry`
		WHERE voucher_no = %s AND voucher_type = %s AND is_cancelled = %s GROUP BY item_code, warehouse""",
		(doc.name, doc.doctype, int(cancelled)),
	)
	return [(item, wh, -flt(qty)) for item, wh, qty in rows if resolve_item(item).is_traced]


def has_traced_stock(doc) -> bool:
	return bool(_posted(doc, cancelled=True))


def submit(doc) -> set[tuple[str, str]]:
	"""Returns the (item, warehouse) of traced stock the voucher posted (empty for the many that post none)."""
	if doc.doctype in FOLLOWED:
		return set()
	posted = _posted(doc)
	for item_code, warehouse, out in posted:
		if out <= EPSILON:
			continue  # stock in: untraced quantity
		excess = units_in_stock(item_code, warehouse) - bin_qty(item_code, warehouse)
		if excess > EPSILON:
			_issue(doc, item_code, warehouse, excess)
	return {(item, wh) for item, wh, _out in posted}


def _issue(doc, item_code: str, warehouse: str, excess: float) -> None:
	config = resolve_item(item_code)
	rows = frappe.db.sql(
		f"""SELECT name, qty, status, on_hold, hold_reason FROM `tabSerial Record`
		WHERE item_code = %s AND warehouse = %s AND status IN ('Available', 'Returned')
		ORDER BY on_hold, status = 'Returned', IFNULL(expiry_date < %s, 0), {order.sort_sql()}
		LIMIT %s FOR UPDATE""",
		(item_code, warehouse, nowdate(), int(excess) + 1 if config.is_serial else 1000),
		as_dict=True,
	)
	free = [r for r in rows if not r.on_hold]
	reference = Reference(
		doc.doctype, doc.name, _("left stock with {0} {1}").format(_(doc.doctype), doc.name)
	)
	if config.is_serial:
		taken = free[: round(excess)]
		missing = round(excess) - len(taken)
	else:
		taken_names, _used, missing = take_portions(free, excess, reference)
		taken = [frappe._dict(name=n) for n in taken_names]
	if missing > EPSILON:
		kept = frappe.db.sql(
			"""SELECT name FROM `tabSerial Record` WHERE item_code = %s AND warehouse = %s
			AND status IN ('Available', 'Allocated', 'Returned') AND (on_hold = 1 OR status = 'Allocated')
			LIMIT 20""",
			(item_code, warehouse),
			pluck=True,
		)
		frappe.throw(
			_(
				"{0} {1} takes {2} of {3} out of {4}, where the only traced units left are held or allocated to a "
				"draft shipment or pick list: {5}. Release them (or take them off the draft) first, or move them "
				"with a Stock Entry that lists them."
			).format(
				_(doc.doctype),
				doc.name,
				missing,
				frappe.bold(item_code),
				frappe.bold(warehouse),
				name_units(kept),
			),
			MovementError,
			title=_("Units Kept Back"),
		)
	names = [t.name for t in taken]
	current = lock_units(names, ("status",))
	for status in (rules.AVAILABLE, rules.RETURNED):
		group = [n for n in names if current[n]["status"] == status]
		move(group, rules.ISSUE, reference, set_values={"left_stock_on": frappe.utils.now()}, current=current)


def cancel(doc) -> None:
	"""The units the voucher issued come back to the status they left, where they were."""
	if doc.doctype in FOLLOWED:
		return
	rows = frappe.db.sql(
		"""SELECT e.parent, e.from_status FROM `tabSerial Record Event` e
		WHERE e.reference_name = %s AND e.reference_doctype = %s AND e.event = %s""",
		(doc.name, doc.doctype, rules.ISSUE),
		as_dict=True,
	)
	if not rows:
		return
	current = lock_units([r.parent for r in rows], ("status",))
	stuck = [r.parent for r in rows if current.get(r.parent, {}).get("status") != rules.ISSUED]
	if stuck:
		frappe.throw(
			_("{0} cannot be cancelled: units it took out of stock have moved on since: {1}").format(
				doc.name, name_units(stuck)
			),
			MovementError,
			title=_("Units Have Moved On"),
		)
	for back_to in (rules.AVAILABLE, rules.RETURNED):
		group = [r.parent for r in rows if r.from_status == back_to]
		move(
			group,
			rules.ISSUE_CANCELLED,
			Reference(doc.doctype, doc.name, _("cancelled")),
			set_values={"left_stock_on": None},
			current=current,
			back_to=back_to,
		)
