"""Issue: serial/lot generation at manufacture completion, on ERPNext's own documents."""

import frappe
import pytest

from assetblaze_trace.exceptions import (
	FractionalSerialQtyError,
	InvalidSerialFormatError,
	LotMismatchError,
	ManualChangeError,
	MissingLotError,
	TraceConflictError,
	UnitsMovedOnError,
)
from assetblaze_trace.rules import lifecycle as lc
from assetblaze_trace.services import counter
from assetblaze_trace.services.config import resolve_item
from assetblaze_trace.services.lifecycle import NewUnit, Reference, create_units, move
from tests.integration.factories import (
	complete,
	make_finished_item,
	make_item,
	make_item_group,
	make_sales_order,
	make_work_order,
	receive,
	records,
	settings,
	uid,
	warehouse,
	yy,
)


def serial_group(prefix: str, fmt: str | None = None) -> str:
	return make_item_group(trace_type="Serial", trace_serial_format=fmt or f"{prefix}-{{YY}}-{{0000}}")


@pytest.fixture
def prefix():
	settings()
	return uid("GEN")


def test_completion_makes_one_available_record_per_unit(prefix):
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=serial_group(prefix))
	wo = make_work_order(item, 3)
	se = complete(wo.name, 3)

	units = records(stock_entry=se.name)
	assert [u.name for u in units] == [f"{prefix}-{yy()}-000{n}" for n in (1, 2, 3)]
	for u in units:
		assert (u.serial_no, u.status, u.qty, u.trace_type) == (u.name, "Available", 1, "Serial")
		assert (u.item_code, u.warehouse, u.work_order) == (item, warehouse("Finished Goods"), wo.name)
		assert not u.sales_order and not u.customer
		events = frappe.get_all("Serial Record Event", filters={"parent": u.name}, fields=["*"])
		assert [(e.event, e.from_status, e.to_status, e.reference_name, e.user) for e in events] == [
			(lc.MADE, None, "Available", se.name, "Administrator")
		]


def test_partial_completions_continue_the_sequence(prefix):
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=serial_group(prefix))
	wo = make_work_order(item, 5)
	first = complete(wo.name, 2)
	second = complete(wo.name, 3)
	assert [u.serial_sequence for u in records(stock_entry=first.name)] == [1, 2]
	assert [u.serial_sequence for u in records(stock_entry=second.name)] == [3, 4, 5]
	assert len(records(work_order=wo.name)) == 5


def test_items_sharing_a_format_share_the_counter(prefix):
	group = serial_group(prefix)
	a, _b, _r = make_finished_item(qty_in_stock=5, item_group=group)
	b, _b2, _r2 = make_finished_item(qty_in_stock=5, item_group=group)
	complete(make_work_order(a, 2).name, 2)
	complete(make_work_order(b, 2).name, 2)
	assert sorted(u.serial_sequence for u in records(serial_counter=f"{prefix}-{yy()}-{{#}}")) == [1, 2, 3, 4]


def test_work_order_from_a_sales_order_reserves_its_units(prefix):
	item, _bom, _raw = make_finished_item(qty_in_stock=5, item_group=serial_group(prefix))
	so = make_sales_order(item, 2)
	wo = make_work_order(item, 2, sales_order=so.name)
	se = complete(wo.name, 2)
	units = records(stock_entry=se.name)
	assert {(u.status, u.sales_order, u.customer) for u in units} == {("Available", so.name, so.customer)}
	events = frappe.get_all(
		"Serial Record Event", filters={"parent": units[0].name}, pluck="event", order_by="idx"
	)
	assert events == [lc.MADE, lc.RESERVED]


def test_manufacture_entry_without_a_work_order_also_makes_serials(prefix):
	_item, bom, _raw = make_finished_item(qty_in_stock=5, item_group=serial_group(prefix))
	se = frappe.new_doc("Stock Entry")
	se.purpose = "Manufacture"
	se.stock_entry_type = "Manufacture"
	se.company = frappe.db.get_value("BOM", bom, "company")
	se.from_bom = 1
	se.bom_no = bom
	se.fg_completed_qty = 2
	se.from_warehouse = warehouse("Stores")
	se.to_warehouse = warehouse("Finished Goods")
	se.get_items()
	se.insert()
	se.submit()
	units = records(stock_entry=se.name)
	assert len(units) == 2 and not units[0].work_order


def test_fractional_quantity_of_a_serial_item_is_refused_before_submit(prefix):
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=serial_group(prefix), stock_uom="Kg")
	wo = make_work_order(item, 3)
	with pytest.raises(FractionalSerialQtyError, match="whole number"):
		complete(wo.name, 2.5)
	assert not records(work_order=wo.name)


def test_existing_serial_is_never_overwritten_the_counter_skips_past_it(prefix):
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=serial_group(prefix))
	imported = f"{prefix}-{yy()}-0002"
	create_units(
		[
			NewUnit(
				imported,
				{"serial_no": imported, "item_code": item, "trace_type": "Serial", "qty": 1, "notes": "x"},
			)
		],
		Reference("Item", item),
	)
	se = complete(make_work_order(item, 3).name, 3)
	assert [u.name for u in records(stock_entry=se.name)] == [f"{prefix}-{yy()}-000{n}" for n in (1, 3, 4)]
	assert frappe.db.get_value("Serial Record", imported, "stock_entry") is None


def test_batch_completion_needs_a_lot_and_keeps_it_per_work_order(prefix):
	group = make_item_group(trace_type="Batch")
	item, _bom, _raw = make_finished_item(qty_in_stock=20, item_group=group)
	wo = make_work_order(item, 10)

	with pytest.raises(MissingLotError, match="lot number"):
		complete(wo.name, 4)
	first = complete(wo.name, 4, lot="LOT-A1")
	(portion,) = records(stock_entry=first.name)
	assert (portion.serial_no, portion.qty, portion.trace_type, portion.status) == (
		"LOT-A1",
		4,
		"Batch",
		"Available",
	)

	with pytest.raises(LotMismatchError, match="LOT-A1"):
		complete(wo.name, 3, lot="LOT-B2")
	second = complete(wo.name, 3, lot="LOT-A1")
	assert [(r.serial_no, r.qty) for r in records(stock_entry=second.name)] == [("LOT-A1", 3)]

	other = make_work_order(item, 2)
	third = complete(other.name, 2, lot="LOT-A1")  # lots repeat across Work Orders
	assert records(stock_entry=third.name)[0].serial_no == "LOT-A1"


def test_cancelling_the_manufacture_entry_takes_the_units_back(prefix):
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=serial_group(prefix))
	se = complete(make_work_order(item, 3).name, 3)
	names = [u.name for u in records(stock_entry=se.name)]
	se.reload()
	se.cancel()
	assert not records(stock_entry=se.name)
	assert not frappe.get_all("Serial Record Event", filters={"parent": ("in", names)})


def test_cancel_is_refused_naming_units_that_moved_on(prefix):
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=serial_group(prefix))
	se = complete(make_work_order(item, 3).name, 3)
	names = [u.name for u in records(stock_entry=se.name)]
	move([names[1]], lc.ALLOCATE, Reference("Stock Entry", se.name))
	se.reload()
	with pytest.raises(UnitsMovedOnError) as refused:
		se.cancel()
	assert names[1] in str(refused.value) and names[0] not in str(refused.value)


def test_master_toggle_off_generates_nothing_and_keeps_settings(prefix):
	group = serial_group(prefix)
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=group)
	settings(enabled=0)
	assert resolve_item(item).trace_type == "None"
	se = complete(make_work_order(item, 2).name, 2)
	assert not records(stock_entry=se.name)
	settings(enabled=1)
	assert resolve_item(item).trace_type == "Serial"
	assert frappe.db.get_value("Item Group", group, "trace_serial_format") == f"{prefix}-{{YY}}-{{0000}}"


def test_receipts_reconciliation_and_imports_never_make_records(prefix):
	item = make_item(item_group=serial_group(prefix))
	receive(item, 5)  # Material Receipt
	supplier = frappe.get_doc(
		{
			"doctype": "Supplier",
			"supplier_name": uid("SUP"),
			"supplier_group": frappe.db.get_value("Supplier Group", {}),
		}
	).insert()
	pr = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"supplier": supplier.name,
			"company": frappe.db.get_value("Warehouse", warehouse("Stores"), "company"),
			"items": [{"item_code": item, "qty": 2, "rate": 5, "warehouse": warehouse("Stores")}],
		}
	).insert()
	pr.submit()
	sr = frappe.get_doc(
		{
			"doctype": "Stock Reconciliation",
			"company": pr.company,
			"purpose": "Stock Reconciliation",
			"items": [{"item_code": item, "warehouse": warehouse("Stores"), "qty": 20, "valuation_rate": 5}],
		}
	)
	sr.insert()
	sr.submit()
	assert not records(item_code=item)
	with pytest.raises(ManualChangeError):  # what Data Import would do
		frappe.get_doc(
			{"doctype": "Serial Record", "serial_no": "HAND-1", "item_code": item, "trace_type": "Serial"}
		).insert()
	assert not records(item_code=item)


def test_items_with_erpnext_serial_numbers_keep_working_untouched(prefix):
	group = serial_group(prefix)
	item, _bom, _raw = make_finished_item(
		qty_in_stock=5, item_group=group, has_serial_no=1, serial_no_series=f"{uid('NAT')}-.####"
	)
	assert resolve_item(item).trace_type == "None" and resolve_item(item).native == "Serial No"
	se = complete(make_work_order(item, 2).name, 2)
	assert not records(stock_entry=se.name)
	assert frappe.db.count("Serial No", {"item_code": item}) == 2
	with pytest.raises(TraceConflictError, match="Has Serial No"):
		doc = frappe.get_doc("Item", item)
		doc.trace_type = "Serial"
		doc.save()


@pytest.mark.parametrize("doctype", ["Item Group", "Item", "Traceability Settings"])
def test_bad_formats_are_refused_when_saved(doctype):
	settings()
	if doctype == "Traceability Settings":
		doc = frappe.get_doc(doctype)
		doc.default_serial_format = "SN-{MM}-{000}"
	elif doctype == "Item":
		doc = frappe.get_doc("Item", make_item())
		doc.trace_serial_format = "SN-{000}-{000}"
	else:
		doc = frappe.get_doc("Item Group", make_item_group())
		doc.trace_serial_format = "SN-{000"
	with pytest.raises(InvalidSerialFormatError):
		doc.save()


def test_resolution_walks_the_item_group_tree(prefix):
	settings(default_trace_type="Batch", default_serial_format="DEF-{0000}")
	parent = make_item_group(trace_type="Serial", trace_serial_format=f"{prefix}-{{0000}}")
	child = make_item_group(parent=parent)
	inherits = make_item(item_group=child)
	opts_out = make_item(item_group=child, trace_type="None")
	plain = make_item()

	config = resolve_item(inherits)
	assert (config.trace_type, config.type_resolved.source_label) == ("Serial", f"Item Group {parent}")
	assert config.serial_format == f"{prefix}-{{0000}}"
	assert resolve_item(opts_out).trace_type == "None"
	assert resolve_item(opts_out).type_resolved.source_label == f"Item {opts_out}"
	assert (resolve_item(plain).trace_type, resolve_item(plain).serial_format) == ("Batch", "DEF-{0000}")


def test_counter_numbers_taken_in_a_rolled_back_transaction_come_back(prefix):
	key = f"{prefix}-{{#}}"
	assert counter.take(key, 5) == 1
	frappe.db.commit()
	try:
		assert counter.take(key, 3) == 6
		frappe.db.rollback()
		assert counter.take(key, 2) == 6
	finally:
		frappe.db.rollback()
		frappe.db.delete("Serial Counter", key)
		frappe.db.commit()


def test_generation_events_and_preview_follow_the_settings(prefix):
	from assetblaze_trace.traceability.doctype.traceability_settings.traceability_settings import (
		preview_next_serial,
	)

	assert preview_next_serial(f"{prefix}-{{YY}}-{{0000}}") == f"{prefix}-{yy()}-0001"
	item, _bom, _raw = make_finished_item(qty_in_stock=5, item_group=serial_group(prefix))
	complete(make_work_order(item, 2).name, 2)
	assert preview_next_serial(f"{prefix}-{{YY}}-{{0000}}") == f"{prefix}-{yy()}-0003"
	assert preview_next_serial(f"{prefix}-{{YYYY}}-{{0000}}") == f"{prefix}-20{yy()}-0001"
