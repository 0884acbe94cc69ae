"""Issue 19 (PRODUCT.md §12): lots that expire, FEFO picking, GS1 scanning. Every test drives ERPNext's own
documents (Work Order completions, Purchase Receipts, Delivery Notes, Stock Entries, Stock Reconciliations)."""

from __future__ import annotations

import random

import frappe
import pytest
from frappe.utils import add_days, formatdate, getdate, nowdate

from assetblaze_trace import api
from assetblaze_trace.exceptions import ExpiredUnitError, InvalidGtinError, NotEnoughUnitsError
from assetblaze_trace.rules import lifecycle as lc
from tests.integration.factories import (
	batch_item,
	make_delivery_note,
	make_finished_item,
	make_item,
	make_item_group,
	produce,
	purchase_receipt,
	records,
	refused,
	serial_item,
	settings,
	status_of,
	uid,
	warehouse,
)
from tests.integration.test_stock_movements import reconcile, stock_entry

TODAY = None


@pytest.fixture(autouse=True)
def enabled():
	global TODAY
	TODAY = getdate(nowdate())  # the site's day (its time zone)
	settings(picking_order="FIFO", default_shelf_life_days=0)


def expire(units: list[str], days_from_today: int | None) -> None:
	"""Give units an expiry date (test setup: as if they had been made that long ago)."""
	frappe.db.sql(
		f"UPDATE `tabSerial Record` SET expiry_date = %s WHERE name IN ({', '.join(['%s'] * len(units))})",
		[add_days(TODAY, days_from_today) if days_from_today is not None else None, *units],
	)


def allocated(dn) -> list[str]:
	return [line for line in (dn.items[0].trace_serials or "").splitlines() if line]


def dates(name: str) -> tuple:
	return tuple(frappe.db.get_value("Serial Record", name, ["manufacturing_date", "expiry_date"]))


# ------------------------------------------------------------------------------------------------ dates


def test_shelf_life_resolves_item_then_group_tree_then_settings_and_dates_every_unit_made():
	parent = make_item_group(trace_shelf_life_days=30)
	child = make_item_group(parent=parent, trace_type="Serial", trace_serial_format=f"{uid('X')}-{{00000}}")
	from_group, _bom, _raw = make_finished_item(qty_in_stock=20, item_group=child)
	own, _bom, _raw = make_finished_item(qty_in_stock=20, item_group=child, trace_shelf_life_days=7)
	for unit in produce(from_group, 3):  # the parent group's 30 days, through the child group
		assert dates(unit) == (TODAY, getdate(add_days(TODAY, 30)))
	for unit in produce(own, 2):  # the item's own 7 days win
		assert dates(unit) == (TODAY, getdate(add_days(TODAY, 7)))
	plain = serial_item()
	assert dates(produce(plain, 1)[0]) == (TODAY, None)  # no shelf life anywhere: it does not expire
	settings(picking_order="FIFO", default_shelf_life_days=365)
	assert dates(produce(plain, 1)[0]) == (TODAY, getdate(add_days(TODAY, 365)))  # the global default
	config = frappe.call("assetblaze_trace.services.config.get_item_trace_config", item_code=from_group)
	assert config["shelf_life_days"] == 30 and parent in config["shelf_life_source"]


def test_a_lot_made_carries_its_dates_and_portions_keep_them_when_they_split():
	item = batch_item(trace_shelf_life_days=90)
	from tests.integration.factories import complete, make_bom, make_work_order, receive

	raw = make_item(is_sales_item=0)
	bom = make_bom(item, [raw])
	receive(raw, 50)
	lot = uid("LOT")
	complete(make_work_order(item, 10, bom=bom).name, 10, lot=lot)
	(portion,) = [r.name for r in records(serial_no=lot)]
	expected = (TODAY, getdate(add_days(TODAY, 90)))
	assert dates(portion) == expected
	dn = make_delivery_note(item, 4)  # splits 4 off the lot
	dn.submit()
	portions = records(serial_no=lot)
	assert len(portions) == 2 and {dates(p.name) for p in portions} == {expected}


def test_the_suppliers_expiry_given_at_receipt_wins_over_the_shelf_life():
	item = batch_item(trace_shelf_life_days=10)
	given = getdate(add_days(TODAY, 200))
	lot, other = uid("SUP"), uid("SUP")
	doc = purchase_receipt(item, 5, lot, submit=False)
	doc.items[0].trace_expiry_date = given
	doc.submit()
	assert dates(records(serial_no=lot)[0].name) == (TODAY, given)
	purchase_receipt(item, 5, other)  # none given: the receipt's date + shelf life
	assert dates(records(serial_no=other)[0].name) == (TODAY, getdate(add_days(TODAY, 10)))


# ------------------------------------------------------------------------------------------------ picking


def test_fefo_ships_the_first_to_expire_and_fifo_the_oldest_and_neither_takes_an_expired_unit():
	item = serial_item()
	units = produce(item, 6)  # oldest first
	expire(units[0:1], -1)  # the oldest has expired
	expire(units[1:2], 300)
	expire(units[2:3], 20)
	expire(units[3:4], 5)
	expire(units[4:5], None)  # units[4], units[5]: no expiry
	fifo = make_delivery_note(item, 2)
	assert allocated(fifo) == units[1:3]  # the oldest two that have not expired
	fifo.delete()
	settings(picking_order="FEFO")
	fefo = make_delivery_note(item, 4)
	# first to expire first; then the rest with a date; units without one last
	assert allocated(fefo) == [units[3], units[2], units[1], units[4]]
	fefo.delete()
	everything = make_delivery_note(item, 5)
	assert units[0] not in allocated(everything)
	everything.delete()
	with refused(NotEnoughUnitsError, match="expired"):  # six asked, five good: the message says why
		make_delivery_note(item, 6)


def test_the_shipment_dialogs_suggestion_follows_the_picking_order():
	item = serial_item()
	units = produce(item, 4)
	expire(units[:1], -3)
	expire(units[1:2], 50)
	expire(units[2:3], 10)
	settings(picking_order="FEFO")
	fg = warehouse("Finished Goods")
	answer = api.suggest_units("Delivery Note", "new-delivery-note-1", "", item, fg, 3)
	assert answer["suggested"] == [units[2], units[1], units[3]]
	settings(picking_order="FIFO")
	answer = api.suggest_units("Delivery Note", "new-delivery-note-1", "", item, fg, 3)
	assert answer["suggested"] == units[1:4]


def test_an_expired_unit_listed_by_hand_for_a_shipment_is_refused_naming_its_expiry_and_nothing_moves():
	item = serial_item()
	units = produce(item, 3)
	expire(units[:1], -2)
	expiry = formatdate(add_days(TODAY, -2))
	with refused(ExpiredUnitError, match=f"{units[0]} expired on {expiry}"):
		make_delivery_note(item, 1, serials=units[0])
	assert records(name=units[0])[0].status == lc.AVAILABLE
	# a lot listed by hand: the same
	lot_item = batch_item()
	lot = uid("OLD")
	purchase_receipt(lot_item, 5, lot, wh=warehouse("Finished Goods"))
	expire([records(serial_no=lot)[0].name], -1)
	with refused(ExpiredUnitError, match=f"{lot} expired on"):
		make_delivery_note(lot_item, 2, serials=lot)


def test_a_unit_that_expired_after_it_was_allocated_is_refused_at_submit():
	item = serial_item()
	produce(item, 1)
	dn = make_delivery_note(item, 1)
	(unit,) = allocated(dn)
	expire([unit], -1)
	with refused(ExpiredUnitError, match=unit):
		dn.submit()
	assert records(name=unit)[0].status == lc.ALLOCATED


def test_movements_and_consumption_follow_fefo_and_take_expired_stock_only_when_listed():
	settings(picking_order="FEFO")
	item = serial_item()
	units = produce(item, 4)
	expire(units[0:1], -5)
	expire(units[1:2], 40)
	expire(units[2:3], 4)
	# a transfer without a list: the first to expire that has not
	se = stock_entry(
		"Material Transfer", [{"item_code": item, "qty": 1, "s": "Finished Goods", "t": "Stores"}]
	)
	moved = [r.name for r in records(item_code=item, warehouse=warehouse("Stores"))]
	assert moved == [units[2]], se.name
	# an issue of the expired unit, listed: allowed (a scrap is an issue)
	stock_entry(
		"Material Issue", [{"item_code": item, "qty": 1, "s": "Finished Goods", "serials": [units[0]]}]
	)
	assert records(name=units[0])[0].status == lc.ISSUED


def test_a_count_that_went_down_takes_expired_units_last_but_takes_them():
	settings(picking_order="FEFO")
	item = serial_item()
	units = produce(item, 3)
	expire(units[0:1], -5)
	expire(units[1:2], 9)
	expire(units[2:3], 3)
	reconcile(item, 1)  # two are gone: the two good ones, first to expire first
	assert status_of(units) == {
		units[0]: lc.AVAILABLE,
		units[1]: lc.ISSUED,
		units[2]: lc.ISSUED,
	}
	reconcile(item, 0)  # and the expired one when it is the only one left
	assert records(name=units[0])[0].status == lc.ISSUED


@pytest.mark.parametrize("seed", [random.randrange(10**6) for _ in range(3)])
def test_fefo_picks_match_the_pure_rule_on_random_dates(seed):
	"""The SQL pick (movements/order.py) and its specification (rules.picking.fifo_pick) agree on random
	expiry dates, reservations and orders (seed printed on failure)."""
	from assetblaze_trace.rules.picking import Candidate, fifo_pick

	rng = random.Random(seed)
	item = serial_item(stock=40)
	units = produce(item, 12)
	offsets = {u: rng.choice([None, -3, -1, 0, 1, 2, 2, 5, 30]) for u in units}
	for unit, offset in offsets.items():
		expire([unit], offset)
	order = rng.choice(["FIFO", "FEFO"])
	settings(picking_order=order)
	rows = records(item_code=item)
	want = rng.randint(1, 8)
	expected = fifo_pick(
		[
			Candidate(
				r.name,
				r.sales_order,
				str(r.manufactured_on),
				1.0,
				str(r.expiry_date) if r.expiry_date else None,
			)
			for r in rows
		],
		None,
		want,
		order,
		str(TODAY),
	)
	pickable = len([u for u, o in offsets.items() if o is None or o >= 0])
	if pickable < want:
		with refused(NotEnoughUnitsError):
			make_delivery_note(item, want)
		return
	dn = make_delivery_note(item, want)
	assert allocated(dn) == [c.name for c, _q in expected], f"seed {seed} order {order} offsets {offsets}"


# ------------------------------------------------------------------------------------------------ GS1

GTIN = "04006381333931"


def test_a_gtin_is_checked_and_a_wrong_one_refused_naming_what_is_wrong():
	item = make_item(trace_gtin=" 4006381333931 ")
	assert frappe.db.get_value("Item", item, "trace_gtin") == "4006381333931"
	with refused(
		InvalidGtinError, match=f"already the GTIN of item .*{item}"
	):  # the same GTIN-13 as a GTIN-14
		make_item(trace_gtin="04006381333931")
	for bad, why in (
		("4006381333932", "check digit is 2"),
		("40063813339", "11 digits"),
		("40O6381333931", "digits"),
	):
		with refused(InvalidGtinError, match=why):
			make_item(trace_gtin=bad)


def test_a_gs1_scan_finds_the_unit_or_lot_in_every_form_a_scanner_sends():
	item = serial_item(trace_gtin=GTIN)
	(unit,) = produce(item, 1)
	lot_item = batch_item(trace_gtin="09506000010182")
	lot = uid("L")
	purchase_receipt(lot_item, 6, lot)
	for scan in (
		f"(01){GTIN}(17)271231(21){unit}",
		f"]C101{GTIN}1727123121{unit}",
		f"]d201{GTIN}21{unit}",
		f"01{GTIN}21{unit}",
	):
		assert api.scan_barcode(scan)["trace_serial"] == unit, scan
	for scan in (
		f"(01)09506000010182(10){lot}",
		f"]C10109506000010182\x1d10{lot}",
		f"]d2010950600001018217271231\x1d10{lot}",  # the GS separator ends the variable-length (10) before... nothing
		f"]Q3010950600001018210{lot}",
	):
		found = api.scan_barcode(scan)
		assert found["trace_lot"] == lot and found["item_code"] == lot_item, scan
	# the report's search takes the same scans
	from assetblaze_trace.traceability.report.traceability.traceability import execute

	_columns, rows = execute({"search": f"(01){GTIN}(21){unit}"})[:2]
	assert [r["name"] for r in rows] == [unit]
	# the GTIN names the item: a serial of another item's GTIN is not this unit
	assert api.scan_barcode(f"(01)09506000010182(21){unit}").get("trace_serial") is None
	# a GTIN no item has: the serial alone finds it
	assert api.scan_barcode(f"(01)00000000000017(21){unit}")["trace_serial"] == unit


def test_labels_print_gs1_symbols_that_decode_to_the_units_element_string():
	from assetblaze_trace.floor import label_design, label_pdf, labels
	from tests.unit.test_label_design import el, page_text, raster, read

	item = serial_item(trace_gtin=GTIN, trace_shelf_life_days=30)
	(unit,) = produce(item, 1)
	design = label_design.design_from(
		{
			"template_name": "GS1",
			"width_mm": 100,
			"height_mm": 60,
			"elements": [
				el("GS1-128", 4, 4, 92, 18, bind_to="gs1"),  # 420 modules: 0.22 mm each
				el("GS1 DataMatrix", 4, 30, 24, 24, bind_to="gs1"),
				el("Text", 4, 23, 92, 4, bind_to="gs1", font_size=7),  # the human-readable line
			],
		}
	)
	(values,) = labels.values_of(labels.units(frappe._dict(names=[unit])), design.fields)
	element_string = f"(01){GTIN}(11){TODAY:%y%m%d}(17){getdate(add_days(TODAY, 30)):%y%m%d}(21){unit}"
	assert values["gs1"] == element_string
	found = read(raster(label_pdf.render_design([(design, [values])], font=labels.font())))
	assert found["Data Matrix"] == [(element_string, "]d2")], found
	assert found["Code 128"] == [(element_string, "]C1")], found
	assert element_string in page_text(label_pdf.render_design([(design, [values])], font=labels.font()))
	from assetblaze_trace.floor import label_zpl

	zpl = label_zpl.render(design, [values])
	raw = f"~101{GTIN}11{TODAY:%y%m%d}17{getdate(add_days(TODAY, 30)):%y%m%d}21{unit}"
	assert f",200,,,,~^FD{raw}^FS" in zpl  # GS1 DataMatrix: FNC1 (~1) first; one variable field, last
	assert f"^FD{element_string}^FS" in zpl  # GS1-128 in mode D: the printer places FNC1 from the brackets


# ------------------------------------------------------------------------------------------------ alerts


def test_expiring_units_lists_stock_within_the_horizon_by_unit_lot_item_and_warehouse():
	from assetblaze_trace.traceability.report.expiring_units.expiring_units import execute

	item = serial_item()
	units = produce(item, 5)
	expire(units[0:1], -2)  # expired, still in stock
	expire(units[1:2], 3)
	expire(units[2:3], 12)
	expire(units[3:4], 90)  # beyond the horizon
	lot_item = batch_item()
	lot = uid("EXP")
	doc = purchase_receipt(lot_item, 8, lot, submit=False)
	doc.items[0].trace_expiry_date = add_days(TODAY, 5)
	doc.submit()
	settings(picking_order="FIFO", expiry_alert_days=30)
	columns, data, _message, _chart, cards = execute({"item_code": item})
	assert [r["name"] for r in data] == units[0:3] and [r["days_left"] for r in data] == [-2, 3, 12]
	assert {c["label"]: c["value"] for c in cards}["Expired, Still In Stock"] == 1
	assert [r["name"] for r in execute({"item_code": item, "include_expired": 0})[1]] == units[1:3]
	assert [r["name"] for r in execute({"item_code": item, "days": 5})[1]] == units[0:2]
	by_lot = execute({"group_by": "Lot", "lot": lot})[1]
	assert [(r["serial_no"], r["qty"], r["units"]) for r in by_lot] == [(lot, 8, 1)]
	by_item = {r["item_code"]: r for r in execute({"group_by": "Item"})[1]}
	assert by_item[item]["units"] == 3 and by_item[lot_item]["qty"] == 8
	by_warehouse = {r["warehouse"]: r for r in execute({"group_by": "Warehouse", "item_code": item})[1]}
	assert by_warehouse[warehouse("Finished Goods")]["units"] == 3
	# shipped stock is no longer there to expire
	dn = make_delivery_note(item, 1, serials=units[1])
	dn.submit()
	assert [r["name"] for r in execute({"item_code": item})[1]] == [units[0], units[2]]
	assert "days_left" in {c["fieldname"] for c in columns}


def outgoing_email_account() -> None:
	"""A default outgoing account, as a site that sends mail has (no connection is made in test mode)."""
	if frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		return
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": uid("Outgoing"),
			"email_id": f"{uid('out').lower()}@example.com",
			"smtp_server": "localhost",
			"smtp_port": 2525,
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"no_smtp_authentication": 1,
		}
	).insert(ignore_permissions=True)


def test_stock_managers_get_the_daily_email_and_bell_of_what_they_may_read():
	from assetblaze_trace.expiry import expiring
	from tests.integration.test_permission_reach import make_user

	item = serial_item()
	units = produce(item, 2)
	expire(units, 4)
	stock_entry(
		"Material Transfer",
		[{"item_code": item, "qty": 1, "s": "Finished Goods", "t": "Stores", "serials": units[1:]}],
	)
	everywhere = make_user("Stock Manager")
	stores_only = make_user("Stock Manager", warehouse_limit=warehouse("Stores"))
	clerk = make_user("Stock User")
	settings(picking_order="FIFO", expiry_alert_days=10)
	outgoing_email_account()
	queued = frappe.db.count("Email Queue")
	expiring.send_daily()

	mails = {
		r.recipient: frappe.db.get_value("Email Queue", r.parent, "message")
		for r in frappe.get_all(
			"Email Queue Recipient", fields=["recipient", "parent"], order_by="creation desc", limit=200
		)
		if r.recipient in (everywhere, stores_only, clerk)
	}
	assert frappe.db.count("Email Queue") > queued
	assert units[0] in mails[everywhere] and units[1] in mails[everywhere]
	assert units[1] in mails[stores_only] and units[0] not in mails[stores_only]
	assert clerk not in mails  # Stock Managers only
	assert frappe.db.exists("Notification Log", {"for_user": stores_only, "document_name": "Expiring Units"})
	settings(picking_order="FIFO", expiry_alert_days=0)  # 0: no email
	assert expiring.send_daily() == 0


# ------------------------------------------------------------------------------------------------ FSMA 204


def test_the_fsma_204_spreadsheet_lists_receiving_transformation_and_shipping_of_a_lot():
	from assetblaze_trace.traceability.report.fsma_204_traceability.fsma_204_traceability import execute
	from tests.integration.factories import complete, make_bom, make_work_order

	flour = batch_item()
	bread = batch_item()
	lot = uid("FLOUR")
	receipt = purchase_receipt(flour, 20, lot, wh=warehouse("Stores"))
	bom = make_bom(bread, [flour])
	wo = make_work_order(bread, 5, bom=bom)
	loaf_lot = uid("BREAD")
	made = complete(wo.name, 5, lot=loaf_lot)
	dn = make_delivery_note(bread, 2)
	dn.submit()
	columns, data = execute({"lot": lot})[:2]
	events = [
		(
			r["critical_tracking_event"],
			r["traceability_lot_code"],
			r["reference_document_number"],
			r["quantity"],
		)
		for r in data
	]
	assert ("Receiving", lot, receipt.name, 20) in events
	assert ("Transformation", loaf_lot, made.name, 5) in events
	assert ("Shipping", loaf_lot, dn.name, 2) in events
	# as it happened: received, then made, then shipped
	assert [e[0] for e in events] == ["Receiving", "Transformation", "Shipping"]
	(transformation,) = [r for r in data if r["critical_tracking_event"] == "Transformation"]
	assert lot in transformation["input_lots"] and transformation["unit_of_measure"] == "Nos"
	(receiving,) = [r for r in data if r["critical_tracking_event"] == "Receiving"]
	assert receipt.supplier in receiving["ship_from_location"] and receipt.supplier in receiving["tlc_source"]
	assert warehouse("Stores") in receiving["location"]
	(shipping,) = [r for r in data if r["critical_tracking_event"] == "Shipping"]
	assert (
		dn.customer in shipping["ship_to_location"]
		and warehouse("Finished Goods") in shipping["ship_from_location"]
	)
	# the same events by date range, every column exportable
	by_date = execute({"from_date": TODAY, "to_date": TODAY, "item_code": bread})[1]
	assert {r["reference_document_number"] for r in by_date} >= {made.name, dn.name}
	assert [c["fieldname"] for c in columns][:2] == ["critical_tracking_event", "traceability_lot_code"]


def test_the_standard_gs1_label_prints_for_an_item_with_a_gtin():
	from assetblaze_trace.floor import labels
	from tests.unit.test_label_design import page_text, raster, read

	assert labels.ensure_gs1_template() == labels.GS1_TEMPLATE
	lot_item = batch_item(trace_gtin="9506000134352", trace_label_template=labels.GS1_TEMPLATE)
	lot = uid("G")
	doc = purchase_receipt(lot_item, 6, lot, submit=False)
	doc.items[0].trace_expiry_date = add_days(TODAY, 90)
	doc.submit()
	rows = labels.units(frappe._dict(names=[records(serial_no=lot)[0].name]))
	pdf = labels.render(rows)  # the item's template, resolved as every print path does
	element_string = f"(01)09506000134352(11){TODAY:%y%m%d}(17){getdate(add_days(TODAY, 90)):%y%m%d}(10){lot}"
	found = read(raster(pdf))
	assert found["Data Matrix"] == [(element_string, "]d2")] and found["Code 128"] == [
		(element_string, "]C1")
	]
	text = page_text(pdf)
	assert element_string in text and lot in text and formatdate(add_days(TODAY, 90)) in text


def test_every_other_picker_follows_fefo_pick_list_sales_invoice_and_consumption():
	from tests.integration.factories import complete, make_sales_order, make_work_order, receive
	from tests.integration.test_pick_list import pick_list_for
	from tests.integration.test_stock_movements import make_assembly

	settings(picking_order="FEFO")
	item = serial_item()
	units = produce(item, 6)
	for unit, days in zip(units, (-1, 30, 9, 2, None, 15), strict=True):
		expire([unit], days)
	first_to_expire = [units[3], units[2], units[5], units[1], units[4]]
	# a Pick List from a Sales Order
	so = make_sales_order(item, 2)
	pick = pick_list_for(so.name, submit=False)
	assert pick.locations[0].trace_serials.splitlines() == first_to_expire[:2]
	pick.delete()
	# a Sales Invoice that updates stock
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": so.customer,
			"company": so.company,
			"update_stock": 1,
			"posting_date": nowdate(),
			"items": [{"item_code": item, "qty": 3, "rate": 100, "warehouse": warehouse("Finished Goods")}],
		}
	).insert()
	assert invoice.items[0].trace_serials.splitlines() == first_to_expire[:3]
	invoice.delete()
	# consumed by a Manufacture entry: the component that expires first, never an expired one
	raw = make_item(is_sales_item=0)
	receive(raw, 10, warehouse("Finished Goods"))
	top, bom = make_assembly([item, raw])
	se = complete(make_work_order(top, 2, bom=bom, source=warehouse("Finished Goods")).name, 2)
	consumed = frappe.get_all(
		"Trace Consumption",
		filters={"reference_name": se.name, "consumed_kind": "Serial Record"},
		pluck="consumed",
		order_by="consumed",
	)
	assert consumed == sorted(first_to_expire[:2])
	assert records(name=units[0])[0].status == lc.AVAILABLE  # the expired one stays


def lots_of(delivery_note: str) -> dict[str, float]:
	"""Quantity per lot the shipment holds (a lot may be there in several portions)."""
	out: dict[str, float] = {}
	for r in frappe.get_all(
		"Serial Record", filters={"delivery_note": delivery_note}, fields=["serial_no", "qty"]
	):
		out[r.serial_no] = out.get(r.serial_no, 0) + r.qty
	return out


def test_fefo_takes_lots_by_quantity_from_the_lot_that_expires_first():
	settings(picking_order="FEFO")
	item = batch_item()
	fg = warehouse("Finished Goods")
	late, soon, gone = uid("LATE"), uid("SOON"), uid("GONE")
	for lot, days in ((late, 200), (soon, 20), (gone, -1)):  # received in this order: the latest first
		doc = purchase_receipt(item, 5, lot, wh=fg, submit=False)
		doc.items[0].trace_expiry_date = add_days(TODAY, days)
		doc.submit()
	dn = make_delivery_note(item, 7)  # all of SOON, then 2 of LATE (split off); nothing of GONE
	assert lots_of(dn.name) == {soon: 5, late: 2}
	settings(picking_order="FIFO")
	dn.delete()
	fifo = make_delivery_note(item, 7)  # FIFO: the oldest lot first, still never the expired one
	assert lots_of(fifo.name) == {late: 5, soon: 2}


def test_a_gs1_label_finds_its_unit_in_link_fields_and_the_recall_report():
	from assetblaze_trace.services import genealogy

	item = serial_item(trace_gtin=GTIN)
	(unit,) = produce(item, 1)
	label = f"]d201{GTIN}21{unit}"
	found = api.search_serial_records("Serial Record", label, "name", 0, 20, {})
	assert [row[0] for row in found] == [unit]
	assert genealogy.resolve(f"(01){GTIN}(21){unit}").names == [unit]
