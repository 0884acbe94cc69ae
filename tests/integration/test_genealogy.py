"""Issue: genealogy and recall. From a supplier's ERPNext batch to every customer, from a serial to everything
inside it, and holds that stop every path a unit could leave by.

The plant in these tests (built with ERPNext's own documents: Purchase Receipt, BOM, Work Order, Manufacture
entries, Delivery Note):

    supplier ──PR──► RM batch (ERPNext Batch) ─┐
                     untraced raw item ────────┼─► SUB-1, SUB-2, SUB-3   (our serials, one Manufacture entry each)
                                               │
    lot L (our lot, made by a Work Order) ─────┴─► TOP-1 (SUB-1 + part of L), TOP-2 (SUB-2 + part of L)
                                                    TOP-1 shipped to a customer on a Delivery Note
"""

from __future__ import annotations

import frappe
import pytest
from frappe.utils import flt, nowdate

from assetblaze_trace import api
from assetblaze_trace.exceptions import (
	AllocationError,
	HeldUnitError,
	MovementError,
	NotEnoughUnitsError,
	TraceabilityError,
)
from assetblaze_trace.rules import lifecycle as lc
from assetblaze_trace.services import genealogy
from tests.integration.factories import (
	buy_batch,
	company,
	complete,
	make_bom,
	make_customer,
	make_delivery_note,
	make_finished_item,
	make_item,
	make_item_group,
	make_work_order,
	produce,
	records,
	refused,
	settings,
	status_of,
	uid,
	warehouse,
)

FG, STORES = "Finished Goods", "Stores"


@pytest.fixture(autouse=True)
def enabled():
	settings()


def serial_group(prefix):
	return make_item_group(trace_type="Serial", trace_serial_format=f"{prefix}-{{00000}}")


def complete_one_by_one(item, qty, bom, source=None) -> tuple[list[str], list[str]]:
	"""A Work Order completed one unit per Manufacture entry: (units, entries)."""
	wo = make_work_order(item, qty, bom=bom, source=source)
	units, entries = [], []
	for _ in range(int(qty)):
		se = complete(wo.name, 1)
		entries.append(se.name)
		units += [r.name for r in records(stock_entry=se.name)]
	return units, entries


@pytest.fixture
def plant():
	return build_plant()


def build_plant() -> frappe._dict:
	"""The plant of the module docstring (also used by the browser tests)."""
	rm = buy_batch(20)
	loose = make_item(is_sales_item=0)
	from tests.integration.factories import receive

	receive(loose, 20, warehouse(STORES))
	sub_item = make_item(item_group=serial_group(uid("SUB")))
	subs, sub_entries = complete_one_by_one(sub_item, 3, make_bom(sub_item, [rm.item, loose]))

	# a lot-traced part: one lot of 10, made by its own Work Order from an untraced raw material
	lot_item = make_item(item_group=make_item_group(trace_type="Batch"))
	lot_raw = make_item(is_sales_item=0)
	receive(lot_raw, 10, warehouse(STORES))
	lot = uid("LOT")
	produce_lot = complete(make_work_order(lot_item, 10, bom=make_bom(lot_item, [lot_raw])).name, 10, lot=lot)
	assert produce_lot.docstatus == 1

	top_item = make_item(item_group=serial_group(uid("TOP")))
	tops, top_entries = complete_one_by_one(
		top_item, 2, make_bom(top_item, [sub_item, lot_item]), source=warehouse(FG)
	)
	customer = make_customer()
	dn = make_delivery_note(top_item, 1, customer=customer, serials=tops[0])
	dn.submit()
	return frappe._dict(
		rm=rm,
		loose=loose,
		sub_item=sub_item,
		subs=subs,
		sub_entries=sub_entries,
		lot_item=lot_item,
		lot=lot,
		lot_raw=lot_raw,
		top_item=top_item,
		tops=tops,
		top_entries=top_entries,
		customer=customer,
		delivery_note=dn.name,
	)


def by_id(nodes):
	return {n["identifier"]: n for n in nodes}


# ------------------------------------------------------------------------------------------ backward


def test_backward_lists_exactly_what_went_into_a_unit_every_level_down(plant):
	nodes = api.genealogy(plant.tops[0], "backward")
	found = by_id(nodes)
	# level 1: the sub-assembly it consumed and the portion of the lot; never SUB-2's or TOP-2's parts
	level1 = {n["identifier"] for n in nodes if n["level"] == 1}
	lot_portions = [
		n for n in nodes if n["level"] == 1 and n["kind"] == "Serial Record" and n["serial_no"] == plant.lot
	]
	assert len(lot_portions) == 1 and lot_portions[0]["qty"] == 1
	assert level1 == {plant.subs[0], lot_portions[0]["identifier"]}
	assert all(n["parent"] == plant.tops[0] for n in nodes if n["level"] == 1)
	# level 2 under SUB-1: the supplier's batch (with supplier and receipt) and the untraced raw item
	under_sub = {n["identifier"]: n for n in nodes if n["parent"] == plant.subs[0]}
	assert set(under_sub) == {plant.rm.batch, plant.loose}
	batch = under_sub[plant.rm.batch]
	assert batch["kind"] == "Batch" and batch["item_code"] == plant.rm.item and batch["qty"] == 1
	assert batch["supplier"] == plant.rm.supplier
	assert batch["purchase_receipt"] == plant.rm.purchase_receipt
	assert under_sub[plant.loose]["kind"] == "Item" and under_sub[plant.loose]["qty"] == 1
	# under the lot portion: the lot's own raw material (10 went into the lot's entry)
	under_lot = [n for n in nodes if n["parent"] == lot_portions[0]["identifier"]]
	assert [(n["identifier"], n["kind"], n["qty"]) for n in under_lot] == [(plant.lot_raw, "Item", 10)]
	assert found[plant.subs[0]]["status"] == lc.CONSUMED
	assert found[plant.subs[0]]["consumed_by"] == plant.top_entries[0]
	# parents come before their children (the order a tree shows)
	seen = {plant.tops[0]}
	for n in nodes:
		assert n["parent"] in seen
		seen.add(n["identifier"])


def test_a_multi_unit_entry_gives_each_unit_all_its_components():
	rm = buy_batch(4)
	item = make_item(item_group=serial_group(uid("MU")))
	se = complete(make_work_order(item, 2, bom=make_bom(item, [rm.item])).name, 2)
	units = [r.name for r in records(stock_entry=se.name)]
	assert len(units) == 2
	for unit in units:
		nodes = api.genealogy(unit)
		assert [(n["identifier"], n["qty"], n["level"]) for n in nodes] == [(rm.batch, 2, 1)]


# ------------------------------------------------------------------------------------------- forward


def test_forward_from_the_suppliers_batch_reaches_every_unit_and_customer(plant):
	nodes = api.genealogy(plant.rm.batch, "Forward")  # any letter case
	found = by_id(nodes)
	assert set(found) == set(plant.subs) | set(plant.tops)
	assert {found[s]["level"] for s in plant.subs} == {1}
	assert all(found[s]["parent"] == plant.rm.batch for s in plant.subs)
	assert found[plant.tops[0]]["parent"] == plant.subs[0] and found[plant.tops[0]]["level"] == 2
	assert found[plant.tops[1]]["parent"] == plant.subs[1]
	shipped = found[plant.tops[0]]
	assert shipped["status"] == lc.SHIPPED
	assert shipped["customer"] == plant.customer and shipped["delivery_note"] == plant.delivery_note
	assert found[plant.tops[1]]["status"] == lc.AVAILABLE and found[plant.tops[1]]["customer"] is None
	assert found[plant.subs[2]]["status"] == lc.AVAILABLE
	summary = genealogy.summary(nodes, "forward")
	assert summary == {"units": 5, "in_stock": 2, "on_hold": 0, "shipped": 1, "customers": 1}
	customers = api.recall_customers(plant.rm.batch)
	assert [(c["customer"], c["units"], c["documents"]) for c in customers] == [
		(plant.customer, 1, [plant.delivery_note])
	]


def test_a_lot_number_names_every_portion_of_the_lot(plant):
	nodes = api.genealogy(plant.lot, "forward")
	assert {n["identifier"] for n in nodes} == set(plant.tops)
	assert all(n["parent"] == plant.lot and n["level"] == 1 for n in nodes)
	with_item = api.genealogy(plant.lot, "forward", item_code=plant.lot_item)
	assert {n["identifier"] for n in with_item} == set(plant.tops)


def test_cancelling_the_consuming_entry_removes_its_genealogy_links(plant):
	se = frappe.get_doc("Stock Entry", plant.top_entries[1])
	se.cancel()
	assert plant.tops[1] not in by_id(api.genealogy(plant.rm.batch, "forward"))
	assert status_of([plant.subs[1]]) == {plant.subs[1]: lc.AVAILABLE}
	assert plant.subs[1] in by_id(api.genealogy(plant.rm.batch, "forward"))
	assert not api.genealogy(plant.subs[1], "forward")


# --------------------------------------------------------------------------------------------- report


def test_the_recall_report_is_the_same_trace_as_a_tree_with_a_summary(plant):
	from assetblaze_trace.traceability.report.recall.recall import execute

	columns, data, _message, _chart, summary = execute({"identifier": plant.rm.batch, "direction": "Forward"})
	assert data[0]["identifier"] == plant.rm.batch and data[0]["indent"] == 0
	assert {r["identifier"] for r in data[1:]} == set(plant.subs) | set(plant.tops)
	nodes = {r["node"]: r for r in data}
	for row in data[1:]:  # every row hangs from the row above it in the tree, one level less indented
		assert nodes[row["parent_node"]]["indent"] == row["indent"] - 1
	values = {s["label"]: s["value"] for s in summary}
	assert values["Units Found"] == 5 and values["Shipped"] == 1 and values["Customers Reached"] == 1
	assert "customer" in {c["fieldname"] for c in columns}
	backward = execute({"identifier": plant.tops[0], "direction": "Backward"})
	assert {r["identifier"] for r in backward[1][1:]} >= {plant.subs[0], plant.rm.batch}


# ---------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
	"identifier, direction, match",
	[
		("NO-SUCH-THING-42", "backward", "is not a serial or lot traced by this app"),
		("", "backward", "Enter a serial number"),
		("ANY", "sideways", "Direction must be Backward"),
	],
)
def test_bad_input_gets_a_clear_message(identifier, direction, match):
	with pytest.raises(TraceabilityError, match=match):
		api.genealogy(identifier, direction)


def test_a_lot_number_shared_by_two_items_needs_the_item():
	lot = uid("SHARED")
	items = []
	for _ in range(2):
		item, _bom, _raw = make_finished_item(qty_in_stock=2, item_group=make_item_group(trace_type="Batch"))
		produce(item, 2, lot=lot)
		items.append(item)
	with pytest.raises(TraceabilityError, match="lot of several items"):
		api.genealogy(lot, "forward")
	assert api.genealogy(lot, "forward", item_code=items[0]) == []
	with pytest.raises(TraceabilityError, match="is not a serial or lot of item"):
		api.genealogy(lot, "forward", item_code=make_item())


# -------------------------------------------------------------------------------------- permissions


@pytest.fixture
def as_user():
	def switch(*roles):
		email = f"{uid('u').lower()}@example.com"
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": "Trace", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		user.add_roles(*roles)
		frappe.set_user(email)
		return email

	yield switch
	frappe.set_user("Administrator")


def test_reading_the_trace_needs_read_permission_first(plant, as_user):
	as_user("Website Manager")  # no right to Serial Record
	with pytest.raises(frappe.PermissionError):
		api.genealogy(plant.tops[0])


def test_a_user_sees_only_what_they_may_read(plant, as_user):
	as_user("Manufacturing User")  # reads our records and Stock Entries; not Supplier or Delivery Note
	frappe.clear_cache(user=frappe.session.user)
	nodes = by_id(api.genealogy(plant.tops[0]))
	batch_like = [n for n in nodes.values() if n["item_code"] == plant.rm.item]
	assert len(batch_like) == 1
	can_batch = frappe.has_permission("Batch", "read")
	assert batch_like[0]["kind"] == ("Batch" if can_batch else "Item")
	assert not batch_like[0].get("supplier")  # Manufacturing User may not read Supplier
	forward = by_id(api.genealogy(plant.rm.batch if can_batch else plant.subs[0], "forward"))
	assert all(not n.get("delivery_note") for n in forward.values())


def test_only_a_stock_manager_holds_or_releases(plant, as_user):
	as_user("Stock User")
	with pytest.raises(frappe.PermissionError):
		api.hold_recall(plant.rm.batch, "bad batch")
	with pytest.raises(frappe.PermissionError):
		api.release_units([plant.subs[2]])


# -------------------------------------------------------------------------------------------- holds


def bin_qty(item, wh):
	return flt(frappe.db.get_value("Bin", {"item_code": item, "warehouse": warehouse(wh)}, "actual_qty"))


def test_a_recall_holds_every_in_stock_unit_it_found_and_nothing_can_take_them(plant):
	held = api.hold_recall(plant.rm.batch, "Supplier reported a bad batch", "forward")
	assert held == 2  # SUB-3 and TOP-2; SUB-1/2 are Consumed, TOP-1 Shipped
	rows = {r.name: r for r in records(item_code=("in", [plant.sub_item, plant.top_item]))}
	assert {n for n, r in rows.items() if r.on_hold} == {plant.subs[2], plant.tops[1]}
	assert rows[plant.tops[1]].hold_reason == "Supplier reported a bad batch"
	assert rows[plant.tops[1]].status == lc.AVAILABLE  # the status stays
	event = frappe.get_all(
		"Serial Record Event", filters={"parent": plant.tops[1], "event": lc.HOLD}, fields=["detail"]
	)
	assert len(event) == 1 and plant.rm.batch in event[0].detail
	assert api.hold_recall(plant.rm.batch, "again", "forward") == 0  # already held
	with pytest.raises(TraceabilityError, match="Say why"):
		api.hold_units([plant.tops[1]], " ")

	# FIFO passes held units by; listing one is refused by name; the records still match ERPNext's stock
	with refused(NotEnoughUnitsError, "on hold"):
		make_delivery_note(plant.top_item, 1)
	with refused(AllocationError, "on hold"):
		make_delivery_note(plant.top_item, 1, serials=plant.tops[1])
	from tests.integration.test_stock_movements import issue, stock_entry

	with refused(MovementError, "on hold"):
		issue(plant.sub_item, 1)
	with refused(MovementError, "on hold"):
		stock_entry(
			"Material Transfer",
			[{"item_code": plant.sub_item, "qty": 1, "s": FG, "t": STORES, "serials": [plant.subs[2]]}],
		)
	assert status_of([plant.subs[2], plant.tops[1]]) == {
		plant.subs[2]: lc.AVAILABLE,
		plant.tops[1]: lc.AVAILABLE,
	}
	assert bin_qty(plant.top_item, FG) == 1 and bin_qty(plant.sub_item, FG) == 1

	# released, they go again
	assert api.release_recall(plant.rm.batch, "forward") == 2
	dn = make_delivery_note(plant.top_item, 1)
	assert dn.items[0].trace_serials == plant.tops[1]
	assert frappe.db.get_value("Serial Record", plant.tops[1], "on_hold") == 0
	assert frappe.get_all("Serial Record Event", filters={"parent": plant.tops[1], "event": lc.HOLD_RELEASED})


def test_a_unit_held_while_allocated_to_a_draft_blocks_its_submit(plant):
	dn = make_delivery_note(plant.top_item, 1)  # FIFO: TOP-2
	assert dn.items[0].trace_serials == plant.tops[1]
	api.hold_units([plant.tops[1]], "Failed burn-in")
	dn.reload()
	with refused(HeldUnitError, "Failed burn-in"):
		dn.submit()
	assert status_of([plant.tops[1]]) == {plant.tops[1]: lc.ALLOCATED}
	assert frappe.db.get_value("Delivery Note", dn.name, "docstatus") == 0
	api.release_units([plant.tops[1]])
	dn.reload()
	dn.submit()
	assert status_of([plant.tops[1]]) == {plant.tops[1]: lc.SHIPPED}


def test_the_timeline_says_what_a_consumed_unit_went_into(plant):
	doc = frappe.get_doc("Serial Record", plant.subs[0])
	doc.run_method("onload")
	into = doc.get_onload().get("consumed_into")
	assert into == {plant.top_entries[0]: {"units": [plant.tops[0]], "total": 1}}


def test_components_made_in_one_run_list_that_runs_parts_once():
	"""A unit that consumed two sub-assemblies made by one Manufacture entry: the run's parts are listed under
	the first of them; the second says it was made in the same run (no repeated subtrees)."""
	rm = buy_batch(4)
	sub = make_item(item_group=serial_group(uid("RUN")))
	se = complete(make_work_order(sub, 2, bom=make_bom(sub, [rm.item])).name, 2)
	subs = sorted(r.name for r in records(stock_entry=se.name))
	top = make_item(item_group=serial_group(uid("RT")))
	bom = frappe.get_doc(
		{
			"doctype": "BOM",
			"item": top,
			"company": company(),
			"quantity": 1,
			"items": [{"item_code": sub, "qty": 2, "rate": 10}],
		}
	).insert()
	bom.submit()
	made = complete(make_work_order(top, 1, bom=bom.name, source=warehouse(FG)).name, 1)
	unit = records(stock_entry=made.name)[0].name
	nodes = api.genealogy(unit)
	assert [(n["identifier"], n["parent"], n.get("same_run_as")) for n in nodes] == [
		(subs[0], unit, None),
		(rm.batch, subs[0], None),
		(subs[1], unit, subs[0]),
	]
