"""Issue: reservation, allocation, release, shipping, returns, transfers, amendments."""

import frappe
import pytest

from assetblaze_trace.exceptions import AllocationError, ManualChangeError, NotEnoughUnitsError, ReturnError
from assetblaze_trace.rules import lifecycle as lc
from tests.integration.factories import (
	delivery_note_from_sales_order,
	make_customer,
	make_delivery_note,
	make_finished_item,
	make_item_group,
	make_return,
	make_sales_order,
	produce,
	records,
	serial_item,
	settings,
	status_of,
	uid,
	warehouse,
)


@pytest.fixture(autouse=True)
def enabled():
	settings()


def lines(text):
	return [x for x in (text or "").split("\n") if x]


def test_reservation_is_soft_and_cleared_when_the_sales_order_is_cancelled():
	item = serial_item()
	so = make_sales_order(item, 2)
	units = produce(item, 2, sales_order=so.name)
	assert {(r.status, r.sales_order) for r in records(name=("in", units))} == {("Available", so.name)}
	before = frappe.db.get_value(
		"Bin", {"item_code": item, "warehouse": warehouse("Finished Goods")}, "actual_qty"
	)
	assert before == 2  # reserving changes no stock count

	so.reload()
	so.flags.ignore_links = True  # the Work Order still links it; Desk's "Cancel All" does the same
	so.cancel()
	assert {(r.status, r.sales_order, r.customer) for r in records(name=("in", units))} == {
		("Available", None, None)
	}
	events = frappe.get_all(
		"Serial Record Event", filters={"parent": units[0]}, pluck="event", order_by="idx"
	)
	assert events[-1] == lc.UNRESERVED


def test_fifo_prefers_own_reservations_then_oldest_free_and_never_others():
	item = serial_item()
	free_old = produce(item, 2)
	so = make_sales_order(item, 3)
	mine = produce(item, 2, sales_order=so.name)
	other_so = make_sales_order(item, 2)
	theirs = produce(item, 2, sales_order=other_so.name)
	free_new = produce(item, 1)

	dn = delivery_note_from_sales_order(so.name)  # 3 units for SO: its own 2, then the oldest free one
	picked = lines(dn.items[0].trace_serials)
	assert picked == [*mine, free_old[0]]
	assert set(status_of(picked).values()) == {"Allocated"}
	assert frappe.db.get_value("Serial Record", mine[0], "delivery_note") == dn.name

	standalone = make_delivery_note(item, 2)  # no order: free units only, oldest first
	assert lines(standalone.items[0].trace_serials) == [free_old[1], free_new[0]]
	assert set(status_of(theirs).values()) == {"Available"}

	with pytest.raises(NotEnoughUnitsError) as refused:
		make_delivery_note(item, 1)
	message = str(refused.value)
	assert (
		item in message
		and warehouse("Finished Goods") in message
		and "needs 1" in message
		and "only 0" in message
	)


def test_not_enough_units_refuses_the_save_and_changes_nothing():
	item = serial_item()
	units = produce(item, 2)
	with pytest.raises(NotEnoughUnitsError, match="needs 3"):
		make_delivery_note(item, 3)
	assert set(status_of(units).values()) == {"Available"}
	assert not frappe.get_all("Serial Record Event", filters={"parent": ("in", units), "event": lc.ALLOCATE})


def test_hand_picked_units_are_validated_and_the_rest_filled_by_fifo():
	item = serial_item()
	units = produce(item, 4)
	other_item = serial_item()
	stranger = produce(other_item, 1)[0]

	dn = make_delivery_note(item, 3, serials=units[3])
	assert lines(dn.items[0].trace_serials) == [units[3], units[0], units[1]]

	for bad, why in [
		(f"{units[2]}\nNOPE-1", "NOPE-1 does not exist"),
		(stranger, f"is item {other_item}"),
		(f"{units[2]}\n{units[2]}", "more than once"),
		(units[3], f"{units[3]} is Allocated"),  # already on another shipment
		(f"{units[2]}\nA\nB", "3 serials are listed"),
	]:
		with pytest.raises(AllocationError, match=why):
			make_delivery_note(item, 2, serials=bad)
	assert status_of([units[2]]) == {units[2]: "Available"}


def test_a_unit_reserved_for_another_order_can_be_picked_by_hand_with_a_warning():
	item = serial_item()
	so = make_sales_order(item, 1)
	reserved = produce(item, 1, sales_order=so.name)[0]
	frappe.local.message_log = []
	dn = make_delivery_note(item, 1, serials=reserved)
	assert lines(dn.items[0].trace_serials) == [reserved]
	assert any("reserved for another Sales Order" in str(m) for m in frappe.local.message_log)


def test_lowering_qty_removing_a_row_or_deleting_the_draft_releases_units():
	item = serial_item()
	so = make_sales_order(item, 4)
	units = produce(item, 4, sales_order=so.name)
	dn = delivery_note_from_sales_order(so.name)
	assert set(status_of(units).values()) == {"Allocated"}

	dn.items[0].qty = 2
	dn.save()
	kept = lines(dn.items[0].trace_serials)
	assert kept == units[:2]
	assert status_of(units) == {
		units[0]: "Allocated",
		units[1]: "Allocated",
		units[2]: "Available",
		units[3]: "Available",
	}
	assert frappe.db.get_value("Serial Record", units[3], "sales_order") == so.name  # stamp kept

	dn.append(
		"items",
		{
			"item_code": item,
			"qty": 1,
			"rate": 1,
			"warehouse": warehouse("Finished Goods"),
			"against_sales_order": so.name,
			"so_detail": so.items[0].name,
		},
	)
	dn.save()
	extra = lines(dn.items[1].trace_serials)
	assert extra == [units[2]]
	dn.remove(dn.items[1])
	dn.save()
	assert status_of(extra) == {units[2]: "Available"}

	frappe.delete_doc("Delivery Note", dn.name)
	assert set(status_of(units).values()) == {"Available"}
	assert frappe.db.get_value("Serial Record", units[0], "delivery_note") is None


def test_cancelling_the_sales_order_releases_units_on_draft_delivery_notes():
	item = serial_item()
	so = make_sales_order(item, 2)
	units = produce(item, 2, sales_order=so.name)
	delivery_note_from_sales_order(so.name)
	so.reload()
	so.flags.ignore_links = True
	so.cancel()
	assert {(r.status, r.sales_order) for r in records(name=("in", units))} == {("Available", None)}


def test_submit_ships_and_cancel_holds_the_units_back_in_stock():
	item = serial_item()
	units = produce(item, 2)
	dn = make_delivery_note(item, 2)
	dn.submit()
	rows = records(name=("in", units))
	assert {(r.status, r.customer, r.delivery_note) for r in rows} == {("Shipped", dn.customer, dn.name)}
	assert all(r.shipped_on for r in rows)

	frappe.local.message_log = []
	dn.reload()
	dn.cancel()
	# ERPNext has the stock back: the units are in stock again, held by the cancelled note (never Shipped
	# while the stock is on the shelf, never silently Available)
	assert {(r.status, r.delivery_note) for r in records(name=("in", units))} == {("Allocated", dn.name)}
	assert any("back in stock" in str(m) for m in frappe.local.message_log)
	events = frappe.get_all(
		"Serial Record Event", filters={"parent": units[0]}, pluck="event", order_by="idx"
	)
	assert events[-1] == lc.SHIPMENT_CANCELLED


def test_return_makes_listed_units_returned_and_cancelling_it_ships_them_again():
	item = serial_item()
	units = produce(item, 3)
	dn = make_delivery_note(item, 3)
	dn.submit()

	unlisted = make_return(dn.name, 2, [])
	unlisted.insert()  # a draft may be saved before the units are scanned
	with pytest.raises(ReturnError, match="list the serial"):
		unlisted.submit()

	other = serial_item()
	other_unit = produce(other, 1)[0]
	bad = make_return(dn.name, 1, other_unit)
	with pytest.raises(ReturnError, match=f"is item {other}"):
		bad.insert()

	ret = make_return(dn.name, 2, units[:2])
	ret.insert()
	ret.submit()
	assert status_of(units) == {units[0]: "Returned", units[1]: "Returned", units[2]: "Shipped"}
	assert frappe.db.get_value("Serial Record", units[0], "return_document") == ret.name

	again = make_return(dn.name, 1, units[0])
	with pytest.raises(ReturnError, match="is Returned"):
		again.insert()

	ret.reload()
	ret.cancel()
	assert set(status_of(units).values()) == {"Shipped"}
	assert frappe.db.get_value("Serial Record", units[0], "warehouse") == warehouse("Finished Goods")


def test_units_shipped_on_another_document_cannot_be_returned_against_this_one():
	item = serial_item()
	units = produce(item, 2)
	first = make_delivery_note(item, 1)
	first.submit()
	second = make_delivery_note(item, 1)
	second.submit()
	shipped_on_second = lines(second.items[0].trace_serials)[0]
	ret = make_return(first.name, 1, shipped_on_second)
	with pytest.raises(ReturnError, match=f"was not shipped on {first.name}"):
		ret.insert()
	assert set(status_of(units).values()) == {"Shipped"}


def test_sales_invoice_with_update_stock_is_a_shipment_too():
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	item = serial_item()
	units = produce(item, 2)
	si = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": make_customer(),
			"update_stock": 1,
			"items": [{"item_code": item, "qty": 2, "rate": 100, "warehouse": warehouse("Finished Goods")}],
		}
	).insert()
	assert lines(si.items[0].trace_serials) == units
	assert set(status_of(units).values()) == {"Allocated"}
	si.submit()
	assert {(r.status, r.sales_invoice) for r in records(name=("in", units))} == {("Shipped", si.name)}

	ret = make_return_doc("Sales Invoice", si.name)
	ret.items[0].qty = -1
	ret.items[0].trace_serials = units[1]
	ret.insert()
	ret.submit()
	assert status_of(units) == {units[0]: "Shipped", units[1]: "Returned"}


def test_invoice_without_update_stock_allocates_nothing():
	item = serial_item()
	units = produce(item, 1)
	frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": make_customer(),
			"items": [{"item_code": item, "qty": 1, "rate": 100}],
		}
	).insert()
	assert set(status_of(units).values()) == {"Available"}


def test_material_transfer_moves_units_with_the_stock():
	from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

	item = serial_item()
	units = produce(item, 3)
	se = make_stock_entry(
		item_code=item,
		qty=2,
		from_warehouse=warehouse("Finished Goods"),
		to_warehouse=warehouse("Stores"),
		do_not_save=True,
	)
	se.items[0].trace_serials = units[2]
	se.insert()
	se.submit()
	where = dict(
		frappe.get_all(
			"Serial Record", filters={"name": ("in", units)}, fields=["name", "warehouse"], as_list=True
		)
	)
	assert where == {
		units[0]: warehouse("Stores"),
		units[1]: warehouse("Finished Goods"),
		units[2]: warehouse("Stores"),
	}
	se.reload()
	assert lines(se.items[0].trace_serials) == [units[2], units[0]]

	se.cancel()
	assert {r.warehouse for r in records(name=("in", units))} == {warehouse("Finished Goods")}

	short = make_stock_entry(
		item_code=item,
		qty=4,
		from_warehouse=warehouse("Finished Goods"),
		to_warehouse=warehouse("Stores"),
		do_not_save=True,
	)
	receive_more = frappe.get_doc(  # enough stock for ERPNext, not enough traced units
		{
			"doctype": "Stock Entry",
			"purpose": "Material Receipt",
			"stock_entry_type": "Material Receipt",
			"company": short.company,
			"items": [
				{"item_code": item, "qty": 1, "t_warehouse": warehouse("Finished Goods"), "basic_rate": 10}
			],
		}
	).insert()
	receive_more.submit()
	short.insert()
	short.submit()  # untraced stock is never frozen: the 3 units go first, the untraced 1 with them
	assert {r.warehouse for r in records(name=("in", units))} == {warehouse("Stores")}
	stores = frappe.db.get_value("Bin", {"item_code": item, "warehouse": warehouse("Stores")}, "actual_qty")
	assert stores == 4  # 3 units + 1 untraced


def test_cancel_amend_resubmit_ends_like_doing_it_right_first_time():
	item = serial_item()
	units = produce(item, 2)
	dn = make_delivery_note(item, 2)
	dn.submit()
	dn.reload()
	dn.cancel()
	amended = frappe.copy_doc(dn)  # what Desk's Amend does
	amended.docstatus = 0
	amended.amended_from = dn.name
	amended.insert()
	assert sorted(lines(amended.items[0].trace_serials)) == sorted(units)
	amended.submit()
	assert {(r.status, r.delivery_note) for r in records(name=("in", units))} == {("Shipped", amended.name)}


def test_batch_lots_are_split_when_only_part_is_taken_and_returned():
	group = make_item_group(trace_type="Batch")
	item, _bom, _raw = make_finished_item(qty_in_stock=30, item_group=group)
	(_first,) = produce(item, 5, lot="L1")
	(_second,) = produce(item, 5, lot="L2")

	dn = make_delivery_note(item, 7)
	assert lines(dn.items[0].trace_serials) == ["L1", "L2"]
	portions = records(item_code=item)
	allocated = {(r.serial_no, r.qty) for r in portions if r.status == "Allocated"}
	available = {(r.serial_no, r.qty) for r in portions if r.status == "Available"}
	assert allocated == {("L1", 5), ("L2", 2)} and available == {("L2", 3)}

	dn.items[0].qty = 4
	dn.save()
	portions = records(item_code=item)
	assert sum(r.qty for r in portions if r.status == "Allocated") == 4
	assert sum(r.qty for r in portions if r.status == "Available") == 6
	dn.submit()

	ret = make_return(dn.name, 1, "L1")
	ret.insert()
	ret.submit()
	portions = records(item_code=item)
	assert {(r.serial_no, r.status, r.qty) for r in portions if r.status != "Available"} == {
		("L1", "Shipped", 3),
		("L1", "Returned", 1),
	}


def test_status_is_read_only_for_everyone():
	item = serial_item()
	unit = produce(item, 1)[0]
	doc = frappe.get_doc("Serial Record", unit)
	doc.status = "Shipped"
	with pytest.raises(ManualChangeError, match="Only the Notes"):
		doc.save()
	from frappe.client import set_value  # what the REST API and the form's set_value call

	with pytest.raises(ManualChangeError):
		set_value("Serial Record", unit, "status", "Returned")
	doc = frappe.get_doc("Serial Record", unit)
	doc.notes = "dented box"
	doc.save()
	assert frappe.db.get_value("Serial Record", unit, ["status", "notes"]) == ("Available", "dented box")
	with pytest.raises(ManualChangeError):
		frappe.delete_doc("Serial Record", unit)


def test_with_the_toggle_off_nothing_is_allocated_or_refused():
	item = serial_item()
	produce(item, 1)
	settings(enabled=0)
	from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

	make_stock_entry(item_code=item, qty=5, to_warehouse=warehouse("Finished Goods"), rate=10)
	dn = make_delivery_note(item, 4)  # more than there are traced units: fine when off
	assert not dn.items[0].trace_serials
	dn.submit()
	assert set(r.status for r in records(item_code=item)) == {"Available"}
