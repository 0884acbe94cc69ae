"""Genealogy: what went into a unit (backward) and every unit a component went into (forward).

Built on what consuming entries record (*Trace Consumption*, services/consumption.py) and on the entry that
made each unit (``Serial Record.stock_entry``, which lot portions keep when they split):

- **Backward** from a unit: its making entry → that entry's consumption rows (our units and lot portions,
  ERPNext batches and serial numbers, untraced items) → for each of our units (and each ERPNext batch made
  by a Manufacture entry) its own making entry → ... One recursive query, whatever the depth.
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
from assetblaze_trace.rules.lifecycle import IN_STOCK, SHIPPED, display_status
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
	if item_code:
		rows = [r for r in rows if r.item_code == item_code]
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


def trace(identifier: str, direction: str = BACKWARD, item_code: str | None = None) -> list[dict]:
	"""The nodes of the trace, parents before their children (each a dict, see PRODUCT.md §7)."""
	direction = direction_of(direction)
	origin = resolve(identifier, item_code)
	nodes = _backward(origin) if direction == BACKWARD else _forward(origin)
	return _visible(_tree_order(nodes, origin.identifier))


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
	rows = frappe.db.sql(
		f"""WITH RECURSIVE walk (consumed, kind, serial_no, item_code, qty, level, parent, entry, made_by, row_id)
		AS (
			-- columns straight from the table (a CAST would take the connection's collation, and comparing
			-- it with the table's fails on sites where the two differ); only ``parent`` is cast, for its length
			SELECT c.consumed, c.consumed_kind, c.serial_no, c.item_code, c.qty, 1,
				CAST(%(origin)s AS CHAR(140)), c.reference_name, {_MADE_BY}, c.name
			FROM {json_names()} JOIN `tabTrace Consumption` c
				ON c.reference_doctype = 'Stock Entry' AND c.reference_name = j.name
			UNION ALL
			SELECT c.consumed, c.consumed_kind, c.serial_no, c.item_code, c.qty, w.level + 1, w.consumed,
				c.reference_name, {_MADE_BY}, c.name
			FROM walk w JOIN `tabTrace Consumption` c
				ON c.reference_doctype = 'Stock Entry' AND c.reference_name = w.made_by
			WHERE w.made_by IS NOT NULL AND w.level < {MAX_LEVELS}
		)
		SELECT w.consumed AS identifier, w.kind, w.serial_no, w.item_code, w.qty, w.level, w.parent,
			w.entry AS consumed_by, w.row_id
		FROM walk w ORDER BY w.level, w.kind, w.consumed""",
		{"origin": origin.identifier, "names": as_json(entries)},
		as_dict=True,
	)
	nodes = []
	for r in rows:
		nodes.append(
			{
				"identifier": r.identifier,
				"kind": r.kind,
				"item_code": r.item_code,
				"qty": r.qty,
				"level": r.level,
				"parent": r.parent,
				"serial_no": r.serial_no if r.kind == "Serial Record" else None,
				"consumed_by": r.consumed_by,
				"key": r.row_id,
			}
		)
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


def _forward(origin: Origin) -> list[dict]:
	entries = dict(
		frappe.db.sql(
			f"""WITH RECURSIVE reached (entry, level) AS (
				SELECT DISTINCT c.reference_name, 1
				FROM {json_names()} JOIN `tabTrace Consumption` c
					ON c.consumed = j.name AND c.consumed_kind = %(kind)s AND c.reference_doctype = 'Stock Entry'
				UNION
				SELECT c.reference_name, w.level + 1
				FROM reached w
				JOIN `tabSerial Record` r ON r.stock_entry = w.entry
				JOIN `tabTrace Consumption` c ON c.consumed = r.name AND c.consumed_kind = 'Serial Record'
					AND c.reference_doctype = 'Stock Entry'
				WHERE w.level < {MAX_LEVELS}
			)
			SELECT entry, MIN(level) FROM reached GROUP BY entry""",
			{"kind": origin.kind, "names": as_json(origin.names)},
		)
	)
	if not entries:
		return []
	units = frappe.db.sql(
		f"""SELECT r.name, r.serial_no, r.trace_type, r.item_code, r.qty, r.status, r.sales_order, r.warehouse,
			r.customer, r.delivery_note, r.sales_invoice, r.on_hold, r.stock_entry, r.company
		FROM {json_names()} JOIN `tabSerial Record` r ON r.stock_entry = j.name
		ORDER BY r.stock_entry, r.name""",
		{"names": as_json(list(entries))},
		as_dict=True,
	)
	# each entry's units hang from the first (by name) reached component it consumed
	reached = {u.name for u in units} | set(origin.names)
	via: dict[str, str] = {}
	for entry, consumed in frappe.db.sql(
		f"""SELECT c.reference_name, c.consumed FROM {json_names()} JOIN `tabTrace Consumption` c
			ON c.reference_doctype = 'Stock Entry' AND c.reference_name = j.name
		WHERE c.consumed_kind IN ('Serial Record', %(kind)s)""",
		{"kind": origin.kind, "names": as_json(list(entries))},
	):
		if consumed in reached and (entry not in via or consumed < via[entry]):
			via[entry] = consumed
	seeds = set(origin.names)
	nodes = []
	for u in units:
		parent = via.get(u.stock_entry)
		parent = origin.identifier if (parent is None or parent in seeds) else parent
		nodes.append(_unit_node(u, level=entries[u.stock_entry], parent=parent, made_by=u.stock_entry))
	return nodes


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
				r.delivery_note, r.sales_invoice, r.on_hold, r.stock_entry, r.company
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
			for key in ("consumed_by", "key"):
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
	while stack:
		n, depth = stack.pop()
		key = n.get("key") or (n["kind"], n["identifier"], n["parent"])
		if key in seen:
			continue
		seen.add(key)
		n["indent"] = depth
		ordered.append(n)
		if n["kind"] in ("Serial Record", "Batch") and n["identifier"] != root:
			stack.extend((c, depth + 1) for c in reversed(children.get(n["identifier"], [])))
	return ordered


def _visible(nodes: list[dict]) -> list[dict]:
	"""What the user may read: our units of companies they may see; ERPNext batches and serial numbers shown
	as their item when they may not read those; customers, documents and suppliers only when readable."""
	can = {dt: bool(frappe.has_permission(dt, "read")) for dt in _LINKED_DOCTYPES}
	allowed_companies = _user_permitted("Company")
	out = []
	for n in nodes:
		n.pop("key", None)
		if n["kind"] == "Serial Record" and allowed_companies is not None:
			if n.get("company") and n["company"] not in allowed_companies:
				continue
		if n["kind"] in ("Batch", "Serial No") and not can[n["kind"]]:
			n.update(kind="Item", identifier=n["item_code"], supplier=None, purchase_receipt=None)
		for fieldname, doctype in _LINK_FIELDS.items():
			if n.get(fieldname) and not can[doctype]:
				n[fieldname] = None
		out.append(n)
	return out


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


def _user_permitted(doctype: str) -> set[str] | None:
	"""The values of ``doctype`` the user is restricted to by User Permissions (None: not restricted)."""
	if frappe.session.user == "Administrator":
		return None
	permitted = frappe.permissions.get_user_permissions(frappe.session.user).get(doctype)
	if not permitted:
		return None
	return {p.get("doc") for p in permitted}


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
