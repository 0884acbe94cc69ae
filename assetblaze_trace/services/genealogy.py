"""Genealogy: what went into a unit (backward) and every unit a component went into (forward).

Built on what consuming entries record (*Trace Consumption*, services/consumption.py) and on the entry that
made each unit (``Serial Record.stock_entry``, which lot portions keep when they split):

- **Backward** from a unit: its making entry → that entry's consumption rows (our units and lot portions,
  ERPNext batches and serial numbers, untraced items) → for each of our units (and each ERPNext batch made
  by a Manufacture entry) its own making entry → ... One recursive query over entries finds every entry
  below, one more reads their consumption rows. A run that made several of the components is expanded once,
  under the first of them; the others say ``same_run_as`` that one (listing the run's parts under each
  would repeat them, level after level: 50 × 50 × 50 rows for three levels of 50-unit runs).
- **Forward** from a component: the entries that consumed it → the units those entries made → the entries
  that consumed *those* → ... The recursion walks entries, not units, so a sub-assembly entry that consumed
  fifty reached units is visited once (walking units would visit it fifty times per level). Its units hang
  from one of the reached components it consumed (the first by name): the tree shows each unit once.

An entry that makes several units gives each of them all of its components (the entry is the finest grain
ERPNext records): exact for one-unit entries, "made in the same run" for larger ones. See the README.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from frappe import _

from assetblaze_trace.exceptions import TraceabilityError
from assetblaze_trace.rules.lifecycle import AVAILABLE, IN_STOCK, SHIPPED, display_status
from assetblaze_trace.services.db import as_json, json_names

BACKWARD, FORWARD = "backward", "forward"
MAX_LEVELS = 30  # a guard only: a unit cannot consume itself, so the walks end on their own
KIND_DOCTYPE = {"Serial Record": "Serial Record", "Batch": "Batch", "Serial No": "Serial No", "Item": "Item"}


class UnknownIdentifierError(TraceabilityError):
	pass


@dataclass
class Origin:
	"""What the user named: its kind, the records it stands for, the item."""

	identifier: str
	kind: str
	item_code: str | None
	names: list[str] = field(default_factory=list)  # our records (a lot's portions), or [identifier]


def direction_of(direction: str | None) -> str:
	value = (direction or BACKWARD).strip().lower()
	if value not in (BACKWARD, FORWARD):
		frappe.throw(
			_(
				"Direction must be Backward (what went into it) or Forward (what it went into), not {0}."
			).format(frappe.bold(direction)),
			TraceabilityError,
			title=_("Unknown Direction"),
		)
	return value


def resolve(identifier: str, item_code: str | None = None) -> Origin:
	"""Our serial, lot (every portion of it) or lot portion; else an ERPNext Batch; else an ERPNext Serial No."""
	identifier = (identifier or "").strip()
	if not identifier:
		frappe.throw(
			_("Enter a serial number, a lot, or an ERPNext Batch or Serial No to trace."),
			TraceabilityError,
			title=_("Nothing To Trace"),
		)
	rows = frappe.db.sql(
		"""SELECT name, item_code FROM `tabSerial Record` WHERE name = %(id)s
		UNION SELECT name, item_code FROM `tabSerial Record` WHERE serial_no = %(id)s""",
		{"id": identifier},
		as_dict=True,
	)
	if not rows:  # a GS1 label scanned in: its (21) serial or (10) lot (of the item its GTIN names)
		from assetblaze_trace.floor.gs1 import named_unit

		if named := named_unit(identifier):
			scan, items = named
			return resolve(scan.serial or scan.lot, item_code or next(iter(items or []), None))
	if item_code:
		rows = [r for r in rows if r.item_code == item_code]
	if rows:
		from assetblaze_trace.permissions import readable, restrictions

		if restrictions():  # a unit outside the user's reach is, to them, an identifier nobody knows
			within = set(readable([r.name for r in rows]))
			rows = [r for r in rows if r.name in within]
	if rows:
		items = sorted({r.item_code for r in rows})
		if len(items) > 1:
			frappe.throw(
				_("{0} is a lot of several items ({1}). Choose the item to trace.").format(
					frappe.bold(identifier), ", ".join(items)
				),
				TraceabilityError,
				title=_("Ambiguous Lot"),
			)
		return Origin(identifier, "Serial Record", items[0], [r.name for r in rows])
	batch_item = frappe.db.get_value("Batch", identifier, "item")
	if batch_item and (not item_code or batch_item == item_code):
		return Origin(identifier, "Batch", batch_item, [identifier])
	serial_item = frappe.db.get_value("Serial No", identifier, "item_code")
	if serial_item and (not item_code or serial_item == item_code):
		return Origin(identifier, "Serial No", serial_item, [identifier])
	frappe.throw(
		(
			_("{0} is not a serial or lot of item {1}, nor an ERPNext Batch or Serial No of it.").format(
				frappe.bold(identifier), frappe.bold(item_code)
			)
			if item_code
			else _(
				"{0} is not a serial or lot traced by this app, nor an ERPNext Batch or Serial No. Check the "
				"identifier (scan it again, or copy it from its record)."
			).format(frappe.bold(identifier))
		),
		UnknownIdentifierError,
		title=_("Unknown Identifier"),
	)


def trace(
	identifier: str, direction: str = BACKWARD, item_code: str | None = None, *, ordered: bool = True
) -> list[dict]:
	"""The nodes of the trace, parents before their children (each a dict, see PRODUCT.md §7); ``ordered=False``
	leaves them in the order read (holding a recall's units needs no tree)."""
	direction = direction_of(direction)  # a bad direction is named before the identifier is looked up
	return trace_origin(resolve(identifier, item_code), direction, ordered=ordered)


def trace_origin(origin: Origin, direction: str = BACKWARD, *, ordered: bool = True) -> list[dict]:
	"""``trace`` for an identifier already resolved (the Recall report shows the origin too)."""
	nodes = _backward(origin) if direction_of(direction) == BACKWARD else _forward(origin)
	return _visible(_tree_order(nodes, origin.identifier) if ordered else nodes)


# ------------------------------------------------------------------------------------------- backward

# Where a consumed component was made, if it was made here: our units by their entry, ERPNext batches
# made by a Manufacture entry by the entry their Batch names.
_MADE_BY = """CASE c.consumed_kind
	WHEN 'Serial Record' THEN (SELECT r.stock_entry FROM `tabSerial Record` r WHERE r.name = c.consumed)
	WHEN 'Batch' THEN (SELECT b.reference_name FROM `tabBatch` b WHERE b.name = c.consumed
		AND b.reference_doctype = 'Stock Entry')
	END"""


def _backward(origin: Origin) -> list[dict]:
	if origin.kind == "Serial Record":
		entries = frappe.db.sql(
			f"SELECT DISTINCT r.stock_entry FROM {json_names()} JOIN `tabSerial Record` r ON r.name = j.name "
			"WHERE IFNULL(r.stock_entry, '') != ''",
			{"names": as_json(origin.names)},
			pluck=True,
		)
	elif origin.kind == "Batch":
		entries = frappe.db.sql(
			"SELECT reference_name FROM `tabBatch` WHERE name = %s AND reference_doctype = 'Stock Entry'",
			origin.identifier,
			pluck=True,
		)
	else:
		entries = []
	if not entries:
		return []
	# every entry below, once (the recursion walks entries: a run that made fifty of the components is
	# visited once, not fifty times per level)
	reached = frappe.db.sql(
		f"""WITH RECURSIVE reached (entry, level) AS (
			SELECT j.name, 0 FROM {json_names()}
			UNION
			SELECT STRAIGHT_JOIN {_MADE_BY}, w.level + 1
			FROM reached w JOIN `tabTrace Consumption` c FORCE INDEX (reference_idx)
				ON c.reference_doctype = 'Stock Entry' AND c.reference_name = w.entry
			WHERE w.level < {MAX_LEVELS}
		)
		SELECT DISTINCT entry FROM reached WHERE entry IS NOT NULL""",
		{"names": as_json(entries)},
		pluck=True,
	)
	rows_of: dict[str, list] = defaultdict(list)
	for r in frappe.db.sql(
		f"""SELECT STRAIGHT_JOIN c.reference_name AS entry, c.consumed, c.consumed_kind AS kind, c.serial_no,
			c.item_code, c.qty,
			c.name AS row_id, {_MADE_BY} AS made_by
		FROM {json_names()} JOIN `tabTrace Consumption` c FORCE INDEX (reference_idx)
			ON c.reference_doctype = 'Stock Entry' AND c.reference_name = j.name
		ORDER BY c.consumed_kind, c.consumed""",
		{"names": as_json(reached)},
		as_dict=True,
	):
		rows_of[r.entry].append(r)
	nodes: list[dict] = []
	shown_under: dict[str, str] = {}  # entry -> the node its components hang from
	queue = [(entry, origin.identifier, 1) for entry in entries]
	for entry, _parent, _level in queue:
		shown_under.setdefault(entry, origin.identifier)
	while queue:
		entry, parent, level = queue.pop(0)
		for r in rows_of.get(entry, []):
			node = {
				"identifier": r.consumed,
				"kind": r.kind,
				"item_code": r.item_code,
				"qty": r.qty,
				"level": level,
				"parent": parent,
				"serial_no": r.serial_no if r.kind == "Serial Record" else None,
				"consumed_by": entry,
				"key": r.row_id,
			}
			nodes.append(node)
			if r.made_by and level < MAX_LEVELS:
				if r.made_by in shown_under:
					# made in the same run as a component already shown: its parts are listed there
					node["same_run_as"] = shown_under[r.made_by]
				else:
					shown_under[r.made_by] = r.consumed
					queue.append((r.made_by, r.consumed, level + 1))
	_add_unit_details(nodes, ("Serial Record",))
	_add_suppliers(nodes)
	return nodes


def _add_suppliers(nodes: list[dict]) -> None:
	"""Who sold us an ERPNext batch or serial number: the Purchase Receipt that brought it in (its Serial and
	Batch Bundle), else what the Batch itself says."""
	wanted = {(n["kind"], n["identifier"]) for n in nodes if n["kind"] in ("Batch", "Serial No")}
	if not wanted:
		return
	found: dict[tuple[str, str], tuple[str | None, str | None]] = {}
	for kind, ident in wanted:
		column = "batch_no" if kind == "Batch" else "serial_no"
		row = frappe.db.sql(
			f"""SELECT b.voucher_no, pr.supplier FROM `tabSerial and Batch Entry` e
			JOIN `tabSerial and Batch Bundle` b ON b.name = e.parent
			JOIN `tabPurchase Receipt` pr ON pr.name = b.voucher_no
			WHERE e.{column} = %s AND b.voucher_type = 'Purchase Receipt' AND b.type_of_transaction = 'Inward'
				AND b.is_cancelled = 0 AND b.docstatus = 1
			ORDER BY b.creation LIMIT 1""",  # (15 has posting_date, 16 posting_datetime: creation is on both)
			ident,
		)
		if row:
			found[(kind, ident)] = row[0]
		elif kind == "Batch":
			batch = frappe.db.get_value("Batch", ident, ["supplier", "reference_doctype", "reference_name"])
			if batch:
				pr = batch[2] if batch[1] == "Purchase Receipt" else None
				found[(kind, ident)] = (pr, batch[0])
	for n in nodes:
		pr, supplier = found.get((n["kind"], n["identifier"]), (None, None))
		if n["kind"] in ("Batch", "Serial No"):
			n["purchase_receipt"], n["supplier"] = pr, supplier


# -------------------------------------------------------------------------------------------- forward


_SEP = "\x1f"  # unit separator: never in a name or a status
_UNIT_FIELDS = (
	"name",
	"serial_no",
	"item_code",
	"qty",
	"status",
	"sales_order",
	"warehouse",
	"customer",
	"delivery_note",
	"sales_invoice",
	"on_hold",
	"stock_entry",
	"company",
)


def _units_made_by(entries: dict[str, int]) -> list[dict]:
	"""Every unit the entries made, as nodes (``parent`` still to set; ``via`` holds the entry). A recall
	can reach 100,000 units: each row travels as ONE string (the driver's per-column decoding, not the
	database, is most of the cost of reading many rows), split and made a node here in one pass."""
	# (a serial's serial_no is its name: sent only when it differs, as for lot portions)
	packed = ", ".join(
		"IF(r.serial_no = r.name, '', r.serial_no)" if f == "serial_no" else f"IFNULL(r.`{f}`, '')"
		for f in _UNIT_FIELDS
	)
	nodes = []
	append = nodes.append
	for (row,) in frappe.db.sql(
		f"""SELECT STRAIGHT_JOIN CONCAT_WS(CHAR(31), {packed})
		FROM {json_names()} JOIN `tabSerial Record` r FORCE INDEX (entry_status_idx) ON r.stock_entry = j.name""",
		{"names": as_json(list(entries))},
	):
		name, serial_no, item, qty, status, so, wh, customer, dn, si, held, entry, company = row.split(_SEP)
		append(
			{
				"identifier": name,
				"kind": "Serial Record",
				"item_code": item,
				"qty": float(qty),
				"level": entries[entry],
				"parent": None,
				"serial_no": serial_no or name,
				"status": status,
				"display_status": "Reserved" if (so and status == AVAILABLE) else status,
				"warehouse": wh or None,
				"on_hold": 1 if held == "1" else 0,
				"customer": customer or None,
				"delivery_note": dn or None,
				"sales_invoice": si or None,
				"made_by": entry,
				"company": company or None,
			}
		)
	return nodes


def _forward(origin: Origin) -> list[dict]:
	# STRAIGHT_JOIN keeps the order written and FORCE INDEX the index: from what is reached to its units to
	# their consumption, each by an index, so the work grows with what the recall reaches, never with the
	# tables (left to itself the optimizer scanned Trace Consumption in the recursive step, and on a site
	# whose statistics lagged a bulk load it scanned it per reached row)
	entries = dict(
		frappe.db.sql(
			f"""WITH RECURSIVE reached (entry, level) AS (
				SELECT STRAIGHT_JOIN DISTINCT c.reference_name, 1
				FROM {json_names()} JOIN `tabTrace Consumption` c FORCE INDEX (consumed_entry_idx)
					ON c.consumed = j.name AND c.consumed_kind = %(kind)s AND c.reference_doctype = 'Stock Entry'
				UNION
				SELECT STRAIGHT_JOIN c.reference_name, w.level + 1
				FROM reached w
				JOIN `tabSerial Record` r FORCE INDEX (entry_status_idx)
					ON r.stock_entry = w.entry AND r.status = 'Consumed'
				JOIN `tabTrace Consumption` c FORCE INDEX (consumed_entry_idx) ON c.consumed = r.name AND c.consumed_kind = 'Serial Record'
					AND c.reference_doctype = 'Stock Entry'
				WHERE w.level < {MAX_LEVELS}
			)
			SELECT entry, MIN(level) FROM reached GROUP BY entry""",
			{"kind": origin.kind, "names": as_json(origin.names)},
		)
	)
	if not entries:
		return []
	nodes = _units_made_by(entries)
	via = _hung_from(entries, nodes, origin)
	seeds = set(origin.names)
	for entry, first in via.items():
		if first in seeds:
			via[entry] = origin.identifier
	for n in nodes:
		n["parent"] = via.get(n["made_by"]) or origin.identifier
	return nodes


def _hung_from(entries: dict, units: list[dict], origin: Origin) -> dict[str, str]:
	"""Each entry's units hang from the first (by name) reached component it consumed."""
	reached = {u["identifier"] for u in units} | set(origin.names)
	kinds = {"kind": origin.kind, "names": as_json(list(entries))}
	via = dict(
		frappe.db.sql(
			f"""SELECT STRAIGHT_JOIN c.reference_name, MIN(c.consumed) FROM {json_names()}
			JOIN `tabTrace Consumption` c FORCE INDEX (entry_consumed_idx) ON c.reference_doctype = 'Stock Entry' AND c.reference_name = j.name
			WHERE c.consumed_kind IN ('Serial Record', %(kind)s) GROUP BY c.reference_name""",
			kinds,
		)
	)
	unsure = [e for e, first in via.items() if first not in reached]  # it consumed unreached units too
	if unsure:
		via = {e: v for e, v in via.items() if e not in unsure}
		for entry, consumed in frappe.db.sql(
			f"""SELECT STRAIGHT_JOIN c.reference_name, c.consumed FROM {json_names()}
			JOIN `tabTrace Consumption` c FORCE INDEX (entry_consumed_idx) ON c.reference_doctype = 'Stock Entry' AND c.reference_name = j.name
			WHERE c.consumed_kind IN ('Serial Record', %(kind)s)""",
			{"kind": origin.kind, "names": as_json(unsure)},
		):
			if consumed in reached and (entry not in via or consumed < via[entry]):
				via[entry] = consumed
	return via


def _unit_node(u, *, level: int, parent: str, made_by: str | None = None) -> dict:
	return {
		"identifier": u.name,
		"kind": "Serial Record",
		"item_code": u.item_code,
		"qty": u.qty,
		"level": level,
		"parent": parent,
		"serial_no": u.serial_no,
		"status": u.status,
		"display_status": display_status(u.status, u.sales_order),
		"warehouse": u.warehouse,
		"on_hold": int(u.on_hold or 0),
		"customer": u.customer if u.status == SHIPPED or u.delivery_note or u.sales_invoice else None,
		"delivery_note": u.delivery_note,
		"sales_invoice": u.sales_invoice,
		"made_by": made_by,
		"company": u.company,
		"key": u.name,
		# a unit bought with the supplier's serial or lot: the trace backward ends at it, with who sold it
		"supplier": u.get("supplier"),
		"purchase_receipt": u.get("receipt_voucher_no")
		if u.get("receipt_voucher_type") == "Purchase Receipt"
		else None,
		"receipt_voucher_type": u.get("receipt_voucher_type"),
		"receipt_voucher_no": u.get("receipt_voucher_no"),
	}


def _add_unit_details(nodes: list[dict], kinds) -> None:
	"""Status, warehouse, hold and customer of the nodes that are our units (one query)."""
	names = [n["identifier"] for n in nodes if n["kind"] in kinds]
	if not names:
		return
	details = {
		u.name: u
		for u in frappe.db.sql(
			f"""SELECT r.name, r.serial_no, r.item_code, r.qty, r.status, r.sales_order, r.warehouse, r.customer,
				r.delivery_note, r.sales_invoice, r.on_hold, r.stock_entry, r.company, r.supplier,
				r.receipt_voucher_type, r.receipt_voucher_no
			FROM {json_names()} JOIN `tabSerial Record` r ON r.name = j.name""",
			{"names": as_json(names)},
			as_dict=True,
		)
	}
	for n in nodes:
		u = details.get(n["identifier"]) if n["kind"] in kinds else None
		if u:
			unit = _unit_node(u, level=n["level"], parent=n["parent"], made_by=u.stock_entry)
			unit["qty"] = n["qty"]
			for key in ("consumed_by", "key", "same_run_as"):
				unit[key] = n.get(key)
			n.update(unit)


# -------------------------------------------------------------------------------------- tree and rights


def _tree_order(nodes: list[dict], root: str) -> list[dict]:
	"""Parents before their children, depth first (the order a tree report shows); ``indent`` is the depth
	in that tree (1 under the root)."""
	children: dict[str, list[dict]] = defaultdict(list)
	for n in nodes:
		children[n["parent"]].append(n)
	ordered, seen = [], set()
	stack = [(n, 1) for n in reversed(children.get(root, []))]
	pop, push = stack.pop, stack.extend
	while stack:
		n, depth = pop()
		key = n.pop("key", None) or n["identifier"]
		if key in seen:
			continue
		seen.add(key)
		n["indent"] = depth
		ordered.append(n)
		if n["kind"] in ("Serial Record", "Batch") and n["identifier"] != root:
			below = children.get(n["identifier"])
			if below:
				push((c, depth + 1) for c in reversed(below))
	return ordered


def _visible(nodes: list[dict]) -> list[dict]:
	"""What the user may read: our units within their User Permissions (companies, warehouses, items,
	customers...); ERPNext batches and serial numbers shown as their item when they may not read those;
	customers, documents and suppliers only when readable."""
	from assetblaze_trace.permissions import readable, restrictions

	can = {dt: bool(frappe.has_permission(dt, "read")) for dt in _LINKED_DOCTYPES}
	hidden_fields = [f for f, dt in _LINK_FIELDS.items() if not can[dt]]
	hidden_kinds = {k for k in ("Batch", "Serial No") if not can[k]}
	if restrictions():
		# units outside the user's User Permissions (company, warehouse, item, customer...) are not shown: one
		# query per thousand nodes
		within = set(readable([n["identifier"] for n in nodes if n["kind"] == "Serial Record"]))
		nodes = [n for n in nodes if n["kind"] != "Serial Record" or n["identifier"] in within]
	if hidden_fields or hidden_kinds:
		for n in nodes:
			if n["kind"] in hidden_kinds:
				n.update(kind="Item", identifier=n["item_code"], supplier=None, purchase_receipt=None)
			for fieldname in hidden_fields:
				if n.get(fieldname):
					n[fieldname] = None
	receipts = {n.get("receipt_voucher_type") for n in nodes} - {None}
	unreadable = {dt for dt in receipts if not frappe.has_permission(dt, "read")}
	for n in nodes:
		if n.get("receipt_voucher_type") in unreadable:
			n["receipt_voucher_no"] = None
	return nodes


_LINK_FIELDS = {
	"customer": "Customer",
	"delivery_note": "Delivery Note",
	"sales_invoice": "Sales Invoice",
	"supplier": "Supplier",
	"purchase_receipt": "Purchase Receipt",
	"consumed_by": "Stock Entry",
	"made_by": "Stock Entry",
}
_LINKED_DOCTYPES = ("Batch", "Serial No", *sorted(set(_LINK_FIELDS.values())))


# ------------------------------------------------------------------------------------------- summaries


def summary(nodes: list[dict], direction: str) -> dict:
	units = [n for n in nodes if n["kind"] == "Serial Record"]
	if direction_of(direction) == FORWARD:
		return {
			"units": len(units),
			"in_stock": sum(1 for u in units if u.get("status") in IN_STOCK),
			"on_hold": sum(1 for u in units if u.get("on_hold")),
			"shipped": sum(1 for u in units if u.get("status") == SHIPPED),
			"customers": len({u["customer"] for u in units if u.get("customer")}),
		}
	return {
		"components": len(nodes),
		"units": len(units),
		"batches": sum(1 for n in nodes if n["kind"] == "Batch"),
		"serial_nos": sum(1 for n in nodes if n["kind"] == "Serial No"),
		"untraced": sum(1 for n in nodes if n["kind"] == "Item"),
		"suppliers": len({n["supplier"] for n in nodes if n.get("supplier")}),
	}


def customers(nodes: list[dict]) -> list[dict]:
	"""The customers a forward trace reached, with their primary contact, to notify."""
	by_customer: dict[str, dict] = {}
	for n in nodes:
		c = n.get("customer")
		if not c:
			continue
		entry = by_customer.setdefault(c, {"customer": c, "units": 0, "documents": set()})
		entry["units"] += 1
		for doc in (n.get("delivery_note"), n.get("sales_invoice")):
			if doc:
				entry["documents"].add(doc)
	if not by_customer:
		return []
	details = {
		r.name: r
		for r in frappe.get_all(
			"Customer",
			filters={"name": ("in", list(by_customer))},
			fields=["name", "customer_name", "customer_primary_contact", "email_id", "mobile_no"],
		)
	}
	out = []
	for c, entry in sorted(by_customer.items()):
		d = details.get(c) or frappe._dict()
		out.append(
			{
				"customer": c,
				"customer_name": d.get("customer_name") or c,
				"contact": d.get("customer_primary_contact"),
				"email_id": d.get("email_id"),
				"mobile_no": d.get("mobile_no"),
				"units": entry["units"],
				"documents": sorted(entry["documents"]),
			}
		)
	return out
