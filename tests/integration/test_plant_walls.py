"""The trace crosses the plant's walls (PRODUCT.md §9): what the plant buys (with and without the supplier's
identity), purchase returns, Product Bundles, internal transfers, and vouchers the app has never heard of. Every
test ends by checking §6 for what it touched: ERPNext's stock == units in stock + untraced quantity >= units."""

from __future__ import annotations

import frappe
from frappe.utils import flt, nowdate

from assetblaze_trace.api import genealogy
from assetblaze_trace.movements.receipts import ReceivingError
from assetblaze_trace.rules import lifecycle as lc
from tests.integration.factories import (
	batch_item,
	company,
	complete,
	make_bom,
	make_customer,
	make_delivery_note,
	make_item,
	make_item_group,
	make_supplier,
	make_work_order,
	post_stock,
	purchase_receipt,
	purchase_return,
	receive,
	records,
	refused,
	serial_item,
	settings,
	status_of,
	uid,
	warehouse,
)
from tests.integration.test_stock_movements import bin_qty, units_in_stock

STORES, FG = "Stores", "Finished Goods"


def assert_fits(item, *whs):
	"""PRODUCT.md §6: the units in stock never exceed ERPNext's stock (the rest is untraced quantity)."""
	for wh in whs:
		assert units_in_stock(item, wh) <= bin_qty(item, wh) + 1e-9, (item, wh)


def setup_function():
	settings()


# ------------------------------------------------------------------------------ the seed's own example


def test_the_help_centers_example_completes_with_bought_untraced_raw_material():
	"""Global Batch, a group set to Serial: the phone's raw material was bought without a lot (untraced), and
	the Work Order completes: the untraced raw material is consumed and recorded by item and quantity."""
	settings(default_trace_type="Batch")
	group = make_item_group(trace_type="Serial", trace_serial_format=uid("PH") + "-{00000}")
	phone = make_item(item_group=group)
	raw = make_item(is_sales_item=0)  # inherits the global Batch
	purchase_receipt(raw, 10)  # bought without the supplier's lot: untraced
	bom = make_bom(phone, [raw])
	se = complete(make_work_order(phone, 2, bom=bom).name, 2)
	made = records(stock_entry=se.name)
	assert len(made) == 2 and {u.status for u in made} == {lc.AVAILABLE}
	consumed = frappe.get_all(
		"Trace Consumption",
		filters={"reference_name": se.name},
		fields=["consumed_kind", "item_code", "qty"],
	)
	assert consumed == [{"consumed_kind": "Item", "item_code": raw, "qty": 2.0}]
	assert bin_qty(raw, STORES) == 8 and units_in_stock(raw, STORES) == 0


# ------------------------------------------------------------------------------ receiving


def test_a_receipt_with_the_suppliers_serials_makes_received_units():
	item = serial_item()
	supplier = make_supplier()
	serials = [uid("VS") for _ in range(3)]
	pr = purchase_receipt(item, 3, serials, supplier=supplier)
	units = records(item_code=item)
	assert sorted(u.name for u in units) == sorted(serials)
	for u in units:
		assert (u.status, u.warehouse, u.supplier, u.receipt_voucher_type, u.receipt_voucher_no) == (
			lc.AVAILABLE,
			warehouse(STORES),
			supplier,
			"Purchase Receipt",
			pr.name,
		)
		assert not u.stock_entry  # received, not made
	events = frappe.get_all(
		"Serial Record Event", filters={"parent": serials[0]}, fields=["event", "reference_name"]
	)
	assert events == [{"event": lc.RECEIVED, "reference_name": pr.name}]
	assert bin_qty(item, STORES) == 3 and units_in_stock(item, STORES) == 3


def test_a_purchase_invoice_with_update_stock_and_a_material_receipt_receive_too():
	item = serial_item()
	pi = purchase_receipt(item, 1, [uid("PI")], doctype="Purchase Invoice")
	assert [u.receipt_voucher_type for u in records(item_code=item)] == ["Purchase Invoice"]
	se = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": "Material Receipt",
			"stock_entry_type": "Material Receipt",
			"company": company(),
			"items": [
				{
					"item_code": item,
					"qty": 2,
					"t_warehouse": warehouse(STORES),
					"basic_rate": 5,
					"trace_serials": f"{uid('MR')}\n{uid('MR')}",
				}
			],
		}
	).insert()
	se.submit()
	by_type = {}
	for u in records(item_code=item):
		by_type.setdefault(u.receipt_voucher_type, []).append(u.receipt_voucher_no)
	assert by_type == {"Purchase Invoice": [pi.name], "Stock Entry": [se.name, se.name]}
	assert bin_qty(item, STORES) == 3 and units_in_stock(item, STORES) == 3


def test_listed_identities_are_validated_and_a_refusal_leaves_nothing():
	item = serial_item()
	lot_item = batch_item()
	taken = purchase_receipt(item, 1, [uid("T")]).items[0].trace_serials
	cases = [
		(item, 3, ["A1", "A2"], "3 units of .* 2 serials are listed"),
		(item, 2, ["B1", "B1"], "listed more than once: B1"),
		(item, 1, [taken], "exist already"),
		(lot_item, 5, ["LOT-1", "LOT-2"], "receives one lot"),
	]
	before = frappe.db.count("Serial Record")
	for code, qty, listed, message in cases:
		with refused(ReceivingError, match=message):
			purchase_receipt(code, qty, listed, submit=False)
	assert frappe.db.count("Serial Record") == before


def test_cancelling_a_receipt_takes_its_units_back_and_is_refused_once_one_moved_on():
	from tests.integration.test_stock_movements import issue

	item = serial_item()
	serials = [uid("C") for _ in range(2)]
	pr = purchase_receipt(item, 2, serials)
	se = issue(item, 1, wh=STORES, serials=[serials[0]])
	pr.reload()
	with refused(frappe.ValidationError, match=f"moved on since.*{serials[0]}"):
		pr.cancel()
	se.reload()
	se.cancel()
	pr.reload()
	pr.cancel()
	assert not records(item_code=item)
	assert bin_qty(item, STORES) == 0


def test_a_suppliers_lot_is_traced_backward_to_its_supplier_and_forward_to_every_customer():
	"""The question a recall exists for: which customers got goods made from the supplier's lot X."""
	supplier = make_supplier()
	resin = batch_item(is_sales_item=0)
	lot = uid("SUPLOT")
	pr = purchase_receipt(resin, 10, [lot], supplier=supplier)
	assembly = serial_item()
	bom = make_bom(assembly, [resin])
	se = complete(make_work_order(assembly, 2, bom=bom).name, 2)
	made = [u.name for u in records(stock_entry=se.name)]
	customer = make_customer()
	dn = make_delivery_note(assembly, 2, customer=customer)
	dn.submit()

	back = genealogy(made[0], "backward")
	lots = [n for n in back if n["kind"] == "Serial Record" and n["serial_no"] == lot]
	assert lots and lots[0]["supplier"] == supplier and lots[0]["purchase_receipt"] == pr.name
	forward = genealogy(lot, "forward")
	reached = {n["identifier"]: n for n in forward if n["kind"] == "Serial Record"}
	assert set(made) <= set(reached)
	assert {reached[u]["customer"] for u in made} == {customer}


# ------------------------------------------------------------------------------ purchase returns


def test_a_purchase_return_sends_the_listed_units_back_and_its_cancel_brings_them_again():
	item = serial_item()
	serials = [uid("R") for _ in range(3)]
	pr = purchase_receipt(item, 3, serials)
	ret = purchase_return(pr, 2, serials=[serials[2]])  # one listed, one FIFO
	returned = [s for s, st in status_of(serials).items() if st == lc.ISSUED]
	assert serials[2] in returned and len(returned) == 2
	last = frappe.get_all(
		"Serial Record Event",
		filters={"parent": serials[2]},
		fields=["event", "reference_name"],
		order_by="idx desc",
		limit=1,
	)[0]
	assert (last.event, last.reference_name) == (lc.RETURN_TO_SUPPLIER, ret.name)
	assert bin_qty(item, STORES) == 1 and units_in_stock(item, STORES) == 1
	ret.reload()
	ret.cancel()
	assert set(status_of(serials).values()) == {lc.AVAILABLE}
	assert bin_qty(item, STORES) == 3 and units_in_stock(item, STORES) == 3


def test_a_purchase_return_of_untraced_stock_and_of_registered_units():
	from assetblaze_trace.api import register_existing_stock

	item = serial_item()
	pr = purchase_receipt(item, 4)  # no identities: untraced
	registered = register_existing_stock(item, warehouse(STORES), 2)["units"]
	purchase_return(pr, 3)  # the two registered units first (FIFO), then 1 untraced
	assert set(status_of(registered).values()) == {lc.ISSUED}
	assert bin_qty(item, STORES) == 1 and units_in_stock(item, STORES) == 0


# ------------------------------------------------------------------------------ Product Bundles


def make_bundle(component: str, per_bundle: float) -> str:
	bundle = make_item(is_stock_item=0)
	frappe.get_doc(
		{
			"doctype": "Product Bundle",
			"new_item_code": bundle,
			"items": [{"item_code": component, "qty": per_bundle}],
		}
	).insert()
	return bundle


def test_a_product_bundle_ships_the_traced_units_packed_in_it_and_takes_them_back():
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	from tests.integration.factories import produce

	component = serial_item()
	units = produce(component, 5)
	bundle = make_bundle(component, 2)
	dn = make_delivery_note(bundle, 2)  # 2 bundles pack 4 units
	packed = dn.packed_items[0]
	assert packed.item_code == component and flt(packed.qty) == 4
	listed = packed.trace_serials.split("\n")
	assert listed == units[:4]  # FIFO
	assert set(status_of(listed).values()) == {lc.ALLOCATED}
	dn.submit()
	assert set(status_of(listed).values()) == {lc.SHIPPED}
	assert bin_qty(component, FG) == 1 and units_in_stock(component, FG) == 1

	ret = make_sales_return(dn.name)
	ret.items[0].qty = -1
	ret.insert()  # ERPNext packs 2 components back
	ret.packed_items[0].trace_serials = "\n".join(listed[:2])
	ret.save()
	ret.submit()
	assert status_of(listed[:2]) == {listed[0]: lc.RETURNED, listed[1]: lc.RETURNED}
	assert bin_qty(component, FG) == 3 and units_in_stock(component, FG) == 3


def test_a_bundle_row_lists_its_units_by_hand():
	from tests.integration.factories import produce

	component = serial_item()
	units = produce(component, 3)
	bundle = make_bundle(component, 1)
	dn = make_delivery_note(bundle, 1, insert=False)
	dn.insert()
	dn.packed_items[0].trace_serials = units[2]
	dn.save()
	assert status_of(units) == {units[0]: lc.AVAILABLE, units[1]: lc.AVAILABLE, units[2]: lc.ALLOCATED}


# ------------------------------------------------------------------------------ internal transfers


def test_a_delivery_to_the_companys_own_internal_customer_moves_the_units():
	from tests.integration.factories import internal_customer, produce

	item = serial_item()
	units = produce(item, 3)
	dn = make_delivery_note(item, 2, customer=internal_customer(), insert=False)
	dn.items[0].target_warehouse = warehouse(STORES)
	dn.insert()
	dn.submit()
	moved = {u.name: (u.status, u.warehouse) for u in records(item_code=item)}
	assert moved[units[0]] == (lc.AVAILABLE, warehouse(STORES))
	assert moved[units[1]] == (lc.AVAILABLE, warehouse(STORES))
	assert moved[units[2]] == (lc.AVAILABLE, warehouse(FG))
	assert bin_qty(item, STORES) == units_in_stock(item, STORES) + 0  # raw material is another item
	assert units_in_stock(item, STORES) == 2 and bin_qty(item, FG) == 1
	dn.reload()
	dn.cancel()
	back = {u.name: (u.status, u.warehouse) for u in records(item_code=item)}
	assert back[units[0]] == (lc.ALLOCATED, warehouse(FG))
	assert bin_qty(item, STORES) == 0 and units_in_stock(item, FG) == 3 == bin_qty(item, FG)


# ------------------------------------------------------------------------------ vouchers nobody named


def test_a_voucher_the_app_has_never_heard_of_keeps_the_records_true(unknown_voucher):
	from tests.integration.factories import produce
	from tests.integration.factories import unknown_voucher as voucher

	item = serial_item()
	units = produce(item, 3)
	receive(item, 1, warehouse(FG))  # 1 untraced
	# out 2: the untraced 1 first (it names nothing), then the oldest unit
	doc = voucher(item, FG, -2)
	post_stock(doc)
	doc.submit()
	assert status_of(units) == {units[0]: lc.ISSUED, units[1]: lc.AVAILABLE, units[2]: lc.AVAILABLE}
	assert bin_qty(item, FG) == 2 == units_in_stock(item, FG)
	# cancelling it brings back exactly what it issued
	post_stock(doc, cancel=True)
	doc.ignore_linked_doctypes = ("Stock Ledger Entry", "Repost Item Valuation")  # as ERPNext's vouchers do
	doc.cancel()
	assert set(status_of(units).values()) == {lc.AVAILABLE}
	assert bin_qty(item, FG) == 4 and units_in_stock(item, FG) == 3
	# stock coming in: untraced quantity
	inbound = voucher(item, FG, 1)
	post_stock(inbound)
	inbound.submit()
	assert bin_qty(item, FG) == 5 and units_in_stock(item, FG) == 3


def test_a_voucher_that_would_take_held_units_is_refused_naming_them(unknown_voucher):
	from assetblaze_trace.api import hold_units
	from tests.integration.factories import produce
	from tests.integration.factories import unknown_voucher as voucher

	item = serial_item()
	units = produce(item, 1)
	hold_units(units, "lab")
	doc = voucher(item, FG, -1)
	post_stock(doc)
	with refused(frappe.ValidationError, match=f"held or allocated.*{units[0]}"):
		doc.submit()
	assert status_of(units) == {units[0]: lc.AVAILABLE}


def test_cancelling_a_receipt_whose_stock_was_given_units_since_is_refused():
	"""The untraced stock a receipt brought was registered as units: cancelling the receipt would leave more
	units than ERPNext's stock, so it is refused, naming what to do."""
	from assetblaze_trace.api import register_existing_stock

	item = serial_item()
	pr = purchase_receipt(item, 2)  # untraced
	register_existing_stock(item, warehouse(STORES), 2)
	pr.reload()
	with refused(frappe.ValidationError, match="given units since"):
		pr.cancel()
	assert bin_qty(item, STORES) == 2 == units_in_stock(item, STORES)


def test_an_internal_receipt_moves_on_the_units_its_delivery_note_put_in_transit():
	"""Within one company: the internal Delivery Note moves the units to the transit warehouse, the internal
	Purchase Receipt made from it moves exactly those on to its warehouse."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_inter_company_purchase_receipt

	from tests.integration.factories import internal_customer, internal_supplier, produce

	internal_supplier(company(), company())
	item = serial_item()
	produce(item, 1)  # an older unit that stays
	units = produce(item, 2)
	transit = warehouse("Goods In Transit")
	dn = make_delivery_note(item, 2, customer=internal_customer(), insert=False)
	dn.items[0].target_warehouse = transit
	dn.insert()
	dn.items[0].trace_serials = "\n".join(units)
	dn.save()
	dn.submit()
	assert {u.warehouse for u in records(name=("in", units))} == {transit}
	pr = make_inter_company_purchase_receipt(dn.name)
	pr.items[0].warehouse = warehouse(STORES)
	pr.insert()
	pr.submit()
	assert {(u.status, u.warehouse) for u in records(name=("in", units))} == {
		(lc.AVAILABLE, warehouse(STORES))
	}
	assert bin_qty(item, "Goods In Transit") == 0 and units_in_stock(item, STORES) == 2
	pr.reload()
	pr.cancel()
	assert {u.warehouse for u in records(name=("in", units))} == {transit}


def test_between_companies_the_sisters_receipt_receives_the_same_units():
	from erpnext.stock.doctype.delivery_note.delivery_note import make_inter_company_purchase_receipt

	from tests.integration.factories import produce, sister_company

	sister = sister_company()
	item = serial_item()
	units = produce(item, 2)
	transfer_prices = frappe.get_doc(  # ERPNext wants a price list both sides use for inter-company documents
		{
			"doctype": "Price List",
			"price_list_name": uid("GROUP"),
			"currency": frappe.get_cached_value("Company", company(), "default_currency"),
			"buying": 1,
			"selling": 1,
		}
	).insert()
	dn = make_delivery_note(item, 2, customer=sister.customer, selling_price_list=transfer_prices.name)
	dn.submit()
	assert set(status_of(units).values()) == {lc.SHIPPED}
	pr = make_inter_company_purchase_receipt(dn.name)
	target = f"Stores - {sister.abbr}"
	for row in pr.items:
		row.warehouse = target
	pr.insert()
	pr.submit()
	got = records(name=("in", units))
	assert {(u.status, u.warehouse, u.company, u.receipt_voucher_no) for u in got} == {
		(lc.AVAILABLE, target, sister.name, pr.name)
	}
	assert flt(frappe.db.get_value("Bin", {"item_code": item, "warehouse": target}, "actual_qty")) == 2
	events = frappe.get_all(
		"Serial Record Event", filters={"parent": units[0]}, pluck="event", order_by="idx desc", limit=2
	)
	assert events == [lc.RECEIVED_FROM_COMPANY, lc.SHIP]  # one identity, from one company to the other
	pr.reload()
	pr.cancel()
	assert {(u.status, u.delivery_note, u.company) for u in records(name=("in", units))} == {
		(lc.SHIPPED, dn.name, company())
	}


def test_the_readme_walkthrough_the_help_centers_example_as_a_working_plant():
	"""README *Walkthrough*: global Batch, Electronics set to Serial; a battery bought with the supplier's lot, a
	screen bought without; ten phones made; four shipped; a recall from the supplier's lot finds the phones and
	the customer, holds the rest; the rest of the lot goes back to the supplier."""
	from assetblaze_trace.api import hold_recall, recall_customers

	settings(default_trace_type="Batch")
	electronics = make_item_group(trace_type="Serial", trace_serial_format=uid("PH") + "-{0000}")
	phone = make_item(item_group=electronics)
	battery, screen = make_item(is_sales_item=0), make_item(is_sales_item=0)
	supplier = make_supplier()
	lot = uid("BAT")
	pr1 = purchase_receipt(battery, 100, [lot], supplier=supplier)
	purchase_receipt(screen, 100)  # untraced
	assert [(u.serial_no, u.qty, u.supplier) for u in records(item_code=battery)] == [(lot, 100, supplier)]

	se = complete(make_work_order(phone, 10, bom=make_bom(phone, [battery, screen])).name, 10)
	phones = [u.name for u in records(stock_entry=se.name)]
	assert len(phones) == 10
	kinds = {
		(c.consumed_kind, c.item_code): c.qty
		for c in frappe.get_all(
			"Trace Consumption",
			filters={"reference_name": se.name},
			fields=["consumed_kind", "item_code", "qty"],
		)
	}
	assert kinds == {("Serial Record", battery): 10, ("Item", screen): 10}

	acme = make_customer()
	dn = make_delivery_note(phone, 4, customer=acme)
	dn.submit()

	forward = {n["identifier"] for n in genealogy(lot, "forward") if n["kind"] == "Serial Record"}
	assert set(phones) <= forward
	notify = recall_customers(lot)
	assert [(c["customer"], c["units"]) for c in notify] == [(acme, 4)]
	assert hold_recall(lot, "supplier warning") == 6
	back = genealogy(phones[-1], "backward")
	assert [
		(n["serial_no"], n["supplier"], n["purchase_receipt"]) for n in back if n["item_code"] == battery
	] == [(lot, supplier, pr1.name)]

	ret = purchase_return(pr1, 90)
	left = [u for u in records(item_code=battery) if u.status == lc.ISSUED]
	assert sum(u.qty for u in left) == 90 and {u.serial_no for u in left} == {lot}
	assert bin_qty(battery, STORES) == 0 == units_in_stock(battery, STORES)
	ret.reload()
	ret.cancel()
	assert units_in_stock(battery, STORES) == 90 == bin_qty(battery, STORES)


def test_a_shipment_that_cannot_be_covered_says_exactly_why():
	from assetblaze_trace.api import hold_units
	from tests.integration.factories import make_return, produce

	item = serial_item()
	units = produce(item, 3)
	dn = make_delivery_note(item, 2)
	dn.submit()
	ret = make_return(dn.name, 2, units[:2])
	ret.insert()
	ret.submit()  # two units Returned, waiting for inspection
	hold_units([units[2]], "burn-in failed")
	from assetblaze_trace.exceptions import NotEnoughUnitsError

	with refused(
		NotEnoughUnitsError,
		match=r"only 0 traced units can be picked.*1(\.0)? are on hold.*2(\.0)? are Returned and wait for "
		r"Restock After Inspection",
	):
		make_delivery_note(item, 1)
	settings(ship_untraced=0)
	receive(item, 1, warehouse(FG))
	with refused(
		NotEnoughUnitsError, match="Traceability Settings do not let shipments carry untraced stock"
	):
		make_delivery_note(item, 1)
	settings(ship_untraced=1)
	shipped = make_delivery_note(item, 1)  # now the untraced one ships
	shipped.submit()
	assert bin_qty(item, FG) == 3 == units_in_stock(item, FG)


def test_a_sales_invoice_with_update_stock_ships_a_bundles_units_too():
	from tests.integration.factories import produce

	component = serial_item()
	units = produce(component, 2)
	bundle = make_bundle(component, 2)
	si = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": make_customer(),
			"company": company(),
			"posting_date": nowdate(),
			"update_stock": 1,
			"items": [{"item_code": bundle, "qty": 1, "rate": 100, "warehouse": warehouse(FG)}],
		}
	).insert()
	assert si.packed_items[0].trace_serials.split("\n") == units
	si.submit()
	assert set(status_of(units).values()) == {lc.SHIPPED}
	assert {u.sales_invoice for u in records(name=("in", units))} == {si.name}
	assert bin_qty(component, FG) == 0 == units_in_stock(component, FG)
