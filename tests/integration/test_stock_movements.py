"""Issue: every stock movement moves the units, so the records never disagree with ERPNext's stock.

Each test drives ERPNext's own documents (Stock Entry of each purpose, Stock Reconciliation, Work Order,
Delivery Note) and checks the units and the invariant of PRODUCT.md §6: for a traced item and warehouse,
ERPNext's stock (Bin.actual_qty) = the quantity of units in stock there + untraced quantity."""

from __future__ import annotations

import frappe
import pytest
from frappe.utils import flt, nowdate

from assetblaze_trace.exceptions import MovementError, NotEnoughUnitsError
from assetblaze_trace.rules import lifecycle as lc
from tests.integration.factories import (
	company,
	complete,
	make_bom,
	make_delivery_note,
	make_item,
	make_item_group,
	make_return,
	make_supplier,
	make_work_order,
	produce,
	receive,
	records,
	refused,
	serial_item,
	settings,
	status_of,
	uid,
	warehouse,
)


@pytest.fixture(autouse=True)
def enabled():
	settings()


FG, STORES, WIP = "Finished Goods", "Stores", "Work In Progress"


def lines(text):
	return [x for x in (text or "").split("\n") if x]


def bin_qty(item, wh):
	return flt(frappe.db.get_value("Bin", {"item_code": item, "warehouse": warehouse(wh)}, "actual_qty"))


def units_in_stock(item, wh):
	return flt(
		frappe.db.sql(
			"SELECT SUM(qty) FROM `tabSerial Record` WHERE item_code = %s AND warehouse = %s "
			"AND status IN ('Available', 'Allocated', 'Returned')",
			(item, warehouse(wh)),
		)[0][0]
	)


def stock_entry(purpose, rows, submit=True, **fields):
	"""A Stock Entry of ``purpose``; rows: dicts with item_code, qty, s/t (warehouse kinds), serials."""
	se = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": purpose,
			"stock_entry_type": purpose,
			"company": company(),
			"posting_date": nowdate(),
			**fields,
			"items": [
				{
					"item_code": r["item_code"],
					"qty": r["qty"],
					"s_warehouse": warehouse(r["s"]) if r.get("s") else None,
					"t_warehouse": warehouse(r["t"]) if r.get("t") else None,
					"trace_serials": "\n".join(r.get("serials") or []),
					"basic_rate": 10,
					"conversion_factor": 1,
				}
				for r in rows
			],
		}
	)
	se.insert()
	if submit:
		se.submit()
	return se


def issue(item, qty, serials=None, wh=FG, submit=True):
	return stock_entry(
		"Material Issue", [{"item_code": item, "qty": qty, "s": wh, "serials": serials}], submit
	)


# --------------------------------------------------------------------------------------- Material Issue


def test_material_issue_takes_the_oldest_units_and_cancel_brings_them_back():
	item = serial_item()
	units = produce(item, 3)
	se = issue(item, 1)
	assert status_of(units) == {units[0]: lc.ISSUED, units[1]: lc.AVAILABLE, units[2]: lc.AVAILABLE}
	assert lines(frappe.db.get_value("Stock Entry Detail", se.items[0].name, "trace_serials")) == [units[0]]
	assert bin_qty(item, FG) == units_in_stock(item, FG) == 2
	se.reload()
	se.cancel()
	assert set(status_of(units).values()) == {lc.AVAILABLE}
	assert bin_qty(item, FG) == units_in_stock(item, FG) == 3
	events = frappe.get_all(
		"Serial Record Event", filters={"parent": units[0]}, pluck="event", order_by="idx"
	)
	assert events[-2:] == [lc.ISSUE, lc.ISSUE_CANCELLED]


def test_material_issue_takes_the_listed_units():
	item = serial_item()
	units = produce(item, 3)
	issue(item, 2, serials=[units[2]])
	assert status_of(units) == {units[0]: lc.ISSUED, units[1]: lc.AVAILABLE, units[2]: lc.ISSUED}


@pytest.mark.parametrize(
	"case",
	[
		"other item",
		"other warehouse",
		"shipped",
		"listed twice",
		"more than the row",
		"unknown",
		"twice on two rows",
	],
)
def test_bad_listed_units_are_refused_naming_them_and_change_nothing(case):
	item = serial_item()
	units = produce(item, 3)
	other = serial_item()
	other_units = produce(other, 1)
	rows = [{"item_code": item, "qty": 1, "s": FG}]
	expect = units[0]
	if case == "other item":
		rows[0]["serials"] = [other_units[0]]
		expect = other_units[0]
	elif case == "other warehouse":
		stock_entry(
			"Material Transfer", [{"item_code": item, "qty": 1, "s": FG, "t": STORES, "serials": [units[0]]}]
		)
		rows[0]["serials"] = [units[0]]
	elif case == "shipped":
		make_delivery_note(item, 1, serials=units[0]).submit()
		rows[0]["serials"] = [units[0]]
	elif case == "listed twice":
		rows[0].update(qty=2, serials=[units[0], units[0]])
	elif case == "more than the row":
		rows[0]["serials"] = [units[0], units[1]]
	elif case == "unknown":
		rows[0]["serials"] = ["NO-SUCH-UNIT"]
		expect = "NO-SUCH-UNIT"
	elif case == "twice on two rows":
		rows = [
			{"item_code": item, "qty": 1, "s": FG, "serials": [units[0]]},
			{"item_code": item, "qty": 1, "s": FG, "serials": [units[0]]},
		]
	before = {r.name: (r.status, r.warehouse, r.modified) for r in records(item_code=item)}
	se = stock_entry("Material Issue", rows, submit=False)
	with refused(MovementError, match=expect):
		se.submit()
	after = {r.name: (r.status, r.warehouse, r.modified) for r in records(item_code=item)}
	assert after == before


def test_untraced_stock_leaves_after_the_units_and_is_never_frozen():
	item = serial_item()
	units = produce(item, 1)
	receive(item, 2, warehouse(FG))  # bought in: untraced
	assert bin_qty(item, FG) == 3 and units_in_stock(item, FG) == 1
	se = issue(item, 2)  # the unit first, then 1 of the untraced stock
	assert status_of(units) == {units[0]: lc.ISSUED}
	assert bin_qty(item, FG) == 1 and units_in_stock(item, FG) == 0
	se.reload()
	se.cancel()
	assert status_of(units) == {units[0]: lc.AVAILABLE}
	assert bin_qty(item, FG) == 3 and units_in_stock(item, FG) == 1


def test_a_shortfall_is_refused_naming_why_the_units_there_cannot_go():
	item = serial_item()
	produce(item, 2)
	make_delivery_note(item, 2)  # a draft holds both units
	receive(item, 1, warehouse(FG))  # bought in: untraced
	se = issue(item, 2, submit=False)
	with refused(
		MovementError,
		match=r"only 0 traced units and 1(\.0)? untraced.*2(\.0)? are allocated to draft shipments",
	):
		se.submit()


def test_a_returned_unit_is_issued_only_when_listed_and_its_cancel_makes_it_returned_again():
	item = serial_item()
	units = produce(item, 2)
	dn = make_delivery_note(item, 2)
	dn.submit()
	ret = make_return(dn.name, 1, [units[0]])
	ret.insert()
	ret.submit()
	assert status_of(units)[units[0]] == lc.RETURNED
	with refused(MovementError, match="Returned and wait for Restock After Inspection"):
		issue(item, 1)  # FIFO never takes a returned unit: it waits for inspection
	se = issue(item, 1, serials=[units[0]])  # scrapped after inspection
	assert status_of(units)[units[0]] == lc.ISSUED
	se.reload()
	se.cancel()
	assert status_of(units)[units[0]] == lc.RETURNED


def test_restock_is_the_explicit_step_that_makes_a_returned_unit_available():
	from assetblaze_trace.api import restock

	item = serial_item()
	units = produce(item, 1)
	dn = make_delivery_note(item, 1)
	dn.submit()
	ret = make_return(dn.name, 1, units)
	ret.insert()
	ret.submit()
	assert restock(units) == 1
	assert status_of(units) == {units[0]: lc.AVAILABLE}
	with refused(frappe.ValidationError, match="Restocked"):
		restock(units)  # only a Returned unit can be restocked


# ----------------------------------------------------------------------------------- Stock Reconciliation


def reconcile(item, qty, wh=FG, serials=None, submit=True):
	from erpnext.stock.doctype.stock_reconciliation.stock_reconciliation import get_stock_balance_for

	sr = frappe.get_doc(
		{
			"doctype": "Stock Reconciliation",
			"company": company(),
			"purpose": "Stock Reconciliation",
			"posting_date": nowdate(),
			"expense_account": frappe.get_cached_value("Company", company(), "stock_adjustment_account"),
			"items": [
				{
					"item_code": item,
					"warehouse": warehouse(wh),
					"qty": qty,
					"valuation_rate": 10,
					"trace_serials": "\n".join(serials or []),
				}
			],
		}
	)
	sr.insert()
	if submit:
		sr.submit()
	return sr


def test_a_lower_count_issues_the_oldest_units_and_cancel_restores_them():
	item = serial_item()
	units = produce(item, 3)
	sr = reconcile(item, 1)
	assert status_of(units) == {units[0]: lc.ISSUED, units[1]: lc.ISSUED, units[2]: lc.AVAILABLE}
	assert bin_qty(item, FG) == units_in_stock(item, FG) == 1
	sr.reload()
	sr.cancel()
	assert set(status_of(units).values()) == {lc.AVAILABLE}
	assert bin_qty(item, FG) == units_in_stock(item, FG) == 3


def test_a_lower_count_takes_the_units_it_names():
	item = serial_item()
	units = produce(item, 3)
	reconcile(item, 2, serials=[units[1]])
	assert status_of(units) == {units[0]: lc.AVAILABLE, units[1]: lc.ISSUED, units[2]: lc.AVAILABLE}


def test_a_count_naming_more_units_than_it_lowers_by_is_refused():
	item = serial_item()
	units = produce(item, 3)
	sr = reconcile(item, 2, serials=units[:2], submit=False)
	with refused(MovementError, match="goes down by only 1"):
		sr.submit()
	assert set(status_of(units).values()) == {lc.AVAILABLE}


def test_a_higher_count_is_untraced_quantity():
	item = serial_item()
	units = produce(item, 2)
	reconcile(item, 5)
	assert set(status_of(units).values()) == {lc.AVAILABLE}
	assert bin_qty(item, FG) == 5 and units_in_stock(item, FG) == 2
	# then a lower count takes the untraced quantity down first: the units still fit
	reconcile(item, 3)
	assert set(status_of(units).values()) == {lc.AVAILABLE}


# --------------------------------------------------------------------------- Manufacturing with components


def make_assembly(components: list[str], raw_qty=50, transfer=False):
	"""A Serial-traced assembly whose BOM takes one of each component."""
	prefix = uid("A")
	group = make_item_group(trace_type="Serial", trace_serial_format=f"{prefix}-{{00000}}")
	item = make_item(item_group=group)
	bom = make_bom(item, components)
	return item, bom


def test_manufacture_consumes_traced_components_fifo_and_records_them():
	sub = serial_item()
	subs = produce(sub, 3)  # in Finished Goods
	raw = make_item(is_sales_item=0)
	receive(raw, 10, warehouse(FG))
	top, bom = make_assembly([sub, raw])
	wo = make_work_order(top, 2, bom=bom, source=warehouse(FG))
	se = complete(wo.name, 2)
	assert status_of(subs) == {subs[0]: lc.CONSUMED, subs[1]: lc.CONSUMED, subs[2]: lc.AVAILABLE}
	made = [r.name for r in records(stock_entry=se.name)]
	assert len(made) == 2
	rows = frappe.get_all(
		"Trace Consumption",
		filters={"reference_doctype": "Stock Entry", "reference_name": se.name},
		fields=["consumed_kind", "consumed", "item_code", "qty", "work_order"],
	)
	ours = sorted(r.consumed for r in rows if r.consumed_kind == "Serial Record")
	assert ours == sorted(subs[:2])
	untraced = [r for r in rows if r.consumed_kind == "Item"]
	assert [(r.consumed, r.qty) for r in untraced] == [(raw, 2)]
	assert {r.work_order for r in rows} == {wo.name}
	assert bin_qty(sub, FG) == units_in_stock(sub, FG) == 1

	se.reload()
	se.cancel()
	assert set(status_of(subs).values()) == {lc.AVAILABLE}
	assert not frappe.db.exists("Trace Consumption", {"reference_name": se.name})
	assert not records(stock_entry=se.name)


def test_material_transfer_for_manufacture_moves_components_to_wip_and_manufacture_consumes_them_there():
	from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

	sub = serial_item()
	subs = produce(sub, 2)
	stock_entry("Material Transfer", [{"item_code": sub, "qty": 2, "s": FG, "t": STORES}])
	raw = make_item(is_sales_item=0)
	receive(raw, 10)
	top, bom = make_assembly([sub, raw])
	wo = make_work_order(top, 1, bom=bom, skip_transfer=0)
	transfer = frappe.get_doc(make_stock_entry(wo.name, "Material Transfer for Manufacture", 1))
	transfer.insert()
	transfer.submit()
	assert {r.name: r.warehouse for r in records(name=("in", subs))} == {
		subs[0]: warehouse(WIP),
		subs[1]: warehouse(STORES),
	}
	se = complete(wo.name, 1)
	assert status_of(subs) == {subs[0]: lc.CONSUMED, subs[1]: lc.AVAILABLE}
	assert bin_qty(sub, WIP) == units_in_stock(sub, WIP) == 0
	# cancelling in reverse order restores everything
	se.reload()
	se.cancel()
	transfer.reload()
	transfer.cancel()
	assert {r.name: (r.status, r.warehouse) for r in records(name=("in", subs))} == {
		subs[0]: (lc.AVAILABLE, warehouse(STORES)),
		subs[1]: (lc.AVAILABLE, warehouse(STORES)),
	}


def test_material_consumption_for_manufacture_consumes_the_listed_component():
	sub = serial_item()
	subs = produce(sub, 2)
	se = stock_entry(
		"Material Consumption for Manufacture", [{"item_code": sub, "qty": 1, "s": FG, "serials": [subs[1]]}]
	)
	assert status_of(subs) == {subs[0]: lc.AVAILABLE, subs[1]: lc.CONSUMED}
	assert frappe.db.exists("Trace Consumption", {"reference_name": se.name, "consumed": subs[1]})


def test_repack_consumes_traced_input_and_its_output_is_untraced():
	sub = serial_item()
	subs = produce(sub, 2)
	out = make_item(item_group=make_item_group(trace_type="Serial", trace_serial_format=uid("R") + "-{000}"))
	stock_entry(
		"Repack",
		[{"item_code": sub, "qty": 2, "s": FG}, {"item_code": out, "qty": 1, "t": FG}],
	)
	assert set(status_of(subs).values()) == {lc.CONSUMED}
	assert not records(item_code=out)  # only manufacturing makes units
	assert bin_qty(out, FG) == 1 and units_in_stock(out, FG) == 0  # untraced


def test_disassemble_consumes_the_finished_unit():
	item = serial_item()
	units = produce(item, 2)
	raw = frappe.get_all(
		"BOM Item", filters={"parent": frappe.db.get_value("BOM", {"item": item})}, pluck="item_code"
	)[0]
	stock_entry(
		"Disassemble",
		[{"item_code": item, "qty": 1, "s": FG}, {"item_code": raw, "qty": 1, "t": STORES}],
	)
	assert status_of(units) == {units[0]: lc.CONSUMED, units[1]: lc.AVAILABLE}


def test_lot_traced_components_are_consumed_by_quantity_splitting_the_lot():
	group = make_item_group(trace_type="Batch")
	lot_item = make_item(item_group=group)
	make_bom(lot_item)
	raw = frappe.get_all(
		"BOM Item", filters={"parent": frappe.db.get_value("BOM", {"item": lot_item})}, pluck="item_code"
	)[0]
	receive(raw, 20)
	(_portion,) = produce(lot_item, 10, lot="LOT-" + uid())
	se = stock_entry("Material Issue", [{"item_code": lot_item, "qty": 4, "s": FG}])
	portions = records(item_code=lot_item)
	assert sorted((r.status, r.qty) for r in portions) == [(lc.AVAILABLE, 6), (lc.ISSUED, 4)]
	assert units_in_stock(lot_item, FG) == bin_qty(lot_item, FG) == 6
	se.reload()
	se.cancel()
	assert units_in_stock(lot_item, FG) == 10


# ------------------------------------------------------------------------------------- draft shipments


def test_a_draft_row_follows_its_item_warehouse_and_quantity():
	item = serial_item()
	units = produce(item, 3)
	other = serial_item()
	others = produce(other, 2)
	stock_entry(
		"Material Transfer", [{"item_code": item, "qty": 1, "s": FG, "t": STORES, "serials": [units[2]]}]
	)
	dn = make_delivery_note(item, 2)
	assert lines(dn.items[0].trace_serials) == units[:2]
	# warehouse changed: the units of the old warehouse are let go, the new warehouse's picked
	dn.items[0].warehouse = warehouse(STORES)
	dn.items[0].qty = 1
	dn.save()
	assert lines(dn.items[0].trace_serials) == [units[2]]
	assert status_of(units) == {units[0]: lc.AVAILABLE, units[1]: lc.AVAILABLE, units[2]: lc.ALLOCATED}
	# item changed: its old units are released, the new item's picked, even if the old text stays
	dn.items[0].item_code = other
	dn.items[0].warehouse = warehouse(FG)
	dn.items[0].qty = 2
	dn.save()
	assert sorted(lines(dn.items[0].trace_serials)) == sorted(others)
	assert set(status_of(units).values()) == {lc.AVAILABLE}
	# quantity lowered: the units follow the stock quantity
	dn.items[0].qty = 1
	dn.save()
	assert len(lines(dn.items[0].trace_serials)) == 1
	assert sorted(status_of(others).values()) == [lc.ALLOCATED, lc.AVAILABLE]


def test_a_row_in_another_uom_takes_its_stock_quantity_of_units():
	item = serial_item()
	produce(item, 4)
	uom = "Box " + uid()
	frappe.get_doc({"doctype": "UOM", "uom_name": uom}).insert()
	doc = frappe.get_doc("Item", item)
	doc.append("uoms", {"uom": uom, "conversion_factor": 2})
	doc.save()
	dn = make_delivery_note(item, 1)
	assert len(lines(dn.items[0].trace_serials)) == 1
	dn.items[0].uom = uom
	dn.items[0].conversion_factor = 2
	dn.save()
	assert dn.items[0].stock_qty == 2
	assert len(lines(dn.items[0].trace_serials)) == 2


def test_a_duplicated_row_starts_without_units():
	item = serial_item()
	units = produce(item, 4)
	dn = make_delivery_note(item, 2)
	first = lines(dn.items[0].trace_serials)
	copy = frappe.copy_doc(dn.items[0])  # what the grid's Duplicate does, text included
	copy.trace_serials = dn.items[0].trace_serials
	dn.append("items", copy.as_dict())
	dn.save()
	second = lines(dn.items[1].trace_serials)
	assert lines(dn.items[0].trace_serials) == first
	assert len(second) == 2 and not set(second) & set(first)
	assert set(status_of(units).values()) == {lc.ALLOCATED}


# --------------------------------------------------------------------------------- cancelled shipments


def test_a_cancelled_shipment_holds_its_units_in_stock_until_amended_or_released():
	from assetblaze_trace.api import release_cancelled_shipment

	item = serial_item()
	units = produce(item, 2)
	dn = make_delivery_note(item, 2)
	dn.submit()
	dn.reload()
	dn.cancel()
	rows = records(name=("in", units))
	assert {(r.status, r.delivery_note) for r in rows} == {(lc.ALLOCATED, dn.name)}
	assert bin_qty(item, FG) == units_in_stock(item, FG) == 2  # no unit is in two states
	other = make_delivery_note(item, 1, insert=False)
	with refused(NotEnoughUnitsError):
		other.insert()  # held units are never picked by another shipment

	amended = frappe.copy_doc(dn)  # Desk's Amend
	amended.docstatus = 0
	amended.amended_from = dn.name
	amended.insert()
	assert sorted(lines(amended.items[0].trace_serials)) == sorted(units)
	amended.submit()
	assert {(r.status, r.delivery_note) for r in records(name=("in", units))} == {(lc.SHIPPED, amended.name)}

	# and without an amendment: released from the cancelled document
	units2 = produce(item, 1)
	dn2 = make_delivery_note(item, 1)
	dn2.submit()
	dn2.reload()
	dn2.cancel()
	assert release_cancelled_shipment("Delivery Note", dn2.name) == 1
	assert status_of(units2) == {units2[0]: lc.AVAILABLE}


# ----------------------------------------------------------------------------------- existing stock


def test_existing_stock_gets_units_only_by_the_stock_managers_explicit_step():
	from assetblaze_trace.api import register_existing_stock

	item = serial_item()
	receive(item, 3, warehouse(FG))  # there before tracing, or bought in
	settings(ship_untraced=0)  # a plant that ships only units
	dn = make_delivery_note(item, 2, insert=False)
	with refused(NotEnoughUnitsError, match=r"3(\.0)? of ERPNext's stock there is untraced and Traceability"):
		dn.insert()
	result = register_existing_stock(item, warehouse(FG), 2)
	assert result["count"] == 2
	rows = records(item_code=item)
	assert {(r.status, r.warehouse) for r in rows} == {(lc.AVAILABLE, warehouse(FG))}
	event = frappe.get_all("Serial Record Event", filters={"parent": rows[0].name}, pluck="event")
	assert event == [lc.REGISTERED]
	with refused(frappe.ValidationError, match=r"Only 1(\.0)? of item"):
		register_existing_stock(item, warehouse(FG), 2)
	make_delivery_note(item, 2).submit()


def test_registering_needs_the_stock_manager_role():
	from assetblaze_trace.api import register_existing_stock

	item = serial_item()
	receive(item, 1, warehouse(FG))
	user = "trace-sales@example.com"
	if not frappe.db.exists("User", user):
		frappe.get_doc(
			{"doctype": "User", "email": user, "first_name": "Sales", "roles": [{"role": "Sales User"}]}
		).insert(ignore_permissions=True)
	frappe.set_user(user)
	with refused(frappe.PermissionError):
		register_existing_stock(item, warehouse(FG), 1)
	frappe.set_user("Administrator")
	assert not records(item_code=item)


# ---------------------------------------------------------------------------------- Traced Stock Check


def test_traced_stock_check_shows_erpnext_stock_units_and_untraced():
	from assetblaze_trace.traceability.report.traced_stock_check.traced_stock_check import execute

	item = serial_item()
	produce(item, 2)
	receive(item, 3, warehouse(FG))
	_columns, data = execute({"item_code": item})
	row = next(r for r in data if r.warehouse == warehouse(FG))
	assert (row.erpnext_qty, row.units_in_stock, row.untraced_qty, row.difference) == (5, 2, 3, 0)
	_columns, data = execute({"item_code": item, "only_differences": 1})
	assert data == []


def test_with_the_toggle_off_movements_do_nothing_and_refuse_nothing():
	item = serial_item()
	units = produce(item, 1)
	settings(enabled=0)
	receive(item, 2, warehouse(FG))
	issue(item, 3)  # more than the units: fine when off
	assert status_of(units) == {units[0]: lc.AVAILABLE}


# ------------------------------------------------------------------------------------------ subcontracting


def test_units_sent_to_a_subcontractor_are_consumed_by_the_subcontracting_receipt():
	"""ERPNext's subcontracting flow: Purchase Order (subcontracted) → Subcontracting Order → Send to
	Subcontractor (the traced components move to the supplier's warehouse) → Subcontracting Receipt (they are
	Consumed there and recorded; the finished goods come in untraced)."""
	from erpnext.buying.doctype.purchase_order.purchase_order import make_subcontracting_order
	from erpnext.controllers.subcontracting_controller import make_rm_stock_entry
	from erpnext.subcontracting.doctype.subcontracting_order.subcontracting_order import (
		make_subcontracting_receipt,
	)

	part = serial_item()
	units = produce(part, 2)
	stock_entry("Material Transfer", [{"item_code": part, "qty": 2, "s": FG, "t": STORES}])
	finished = make_item(is_sub_contracted_item=1)
	bom = make_bom(finished, [part])
	service = make_item(is_stock_item=0)
	frappe.get_doc(
		{
			"doctype": "Subcontracting BOM",
			"finished_good": finished,
			"finished_good_qty": 1,
			"finished_good_bom": bom,
			"service_item": service,
			"service_item_uom": "Nos",
			"conversion_factor": 1,
			"is_active": 1,
		}
	).insert()
	supplier = make_supplier()
	at_supplier = (
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": uid("SUPWH"),
				"company": company(),
				"parent_warehouse": frappe.db.get_value("Warehouse", warehouse(STORES), "parent_warehouse"),
			}
		)
		.insert()
		.name
	)
	po = frappe.get_doc(
		{
			"doctype": "Purchase Order",
			"supplier": supplier,
			"company": company(),
			"is_subcontracted": 1,
			"supplier_warehouse": at_supplier,
			"transaction_date": nowdate(),
			"schedule_date": nowdate(),
			"items": [
				{
					"item_code": service,
					"qty": 2,
					"rate": 10,
					"fg_item": finished,
					"fg_item_qty": 2,
					"warehouse": warehouse(STORES),
					"schedule_date": nowdate(),
				}
			],
		}
	)
	po.insert()
	po.submit()
	sco = make_subcontracting_order(po.name)
	sco.set_warehouse = warehouse(STORES)
	sco.insert()
	sco.submit()

	send = frappe.get_doc(make_rm_stock_entry(sco.name))
	assert send.purpose == "Send to Subcontractor"
	send.insert()
	send.submit()
	assert {r.warehouse for r in records(name=("in", units))} == {at_supplier}
	assert set(status_of(units).values()) == {lc.AVAILABLE}

	receipt = frappe.get_doc(make_subcontracting_receipt(sco.name))
	receipt.insert()
	receipt.submit()
	assert set(status_of(units).values()) == {lc.CONSUMED}
	recorded = frappe.get_all(
		"Trace Consumption",
		filters={"reference_doctype": "Subcontracting Receipt", "reference_name": receipt.name},
		pluck="consumed",
	)
	assert sorted(recorded) == sorted(units)
	assert not records(item_code=finished)  # received goods are untraced: not made by a Manufacture here
	assert bin_qty(finished, STORES) == 2

	receipt.reload()
	receipt.cancel()
	assert set(status_of(units).values()) == {lc.AVAILABLE}
	assert not frappe.get_all("Trace Consumption", filters={"reference_name": receipt.name})
