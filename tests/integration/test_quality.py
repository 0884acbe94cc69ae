"""Issue 20: a unit is released by its inspection (PRODUCT.md §13). ERPNext's own Quality Inspection names a unit
or a lot (``trace_serial``); with *Hold New Units Until Inspected* the units made and received start on hold,
*Awaiting Quality Inspection*; Accepted releases, Rejected holds naming the inspection, cancel puts back what the
inspection found; an item ERPNext says needs an inspection before delivery ships only accepted units."""

from __future__ import annotations

import random

import frappe
import pytest

from assetblaze_trace import api
from assetblaze_trace.rules import lifecycle as lc
from tests.integration.factories import (
	complete,
	make_delivery_note,
	make_finished_item,
	make_item_group,
	make_work_order,
	produce,
	records,
	refused,
	serial_item,
	settings,
)

AWAITING = "Awaiting Quality Inspection"


@pytest.fixture(autouse=True)
def quarantine():
	settings(quarantine_new_units=1)
	frappe.db.set_single_value(
		"Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery", 1
	)


def state(unit: str) -> tuple:
	r = frappe.db.get_value(
		"Serial Record",
		unit,
		["on_hold", "hold_reason", "inspection_status", "quality_inspection"],
		as_dict=True,
	)
	return (r.on_hold, r.hold_reason, r.inspection_status, r.quality_inspection)


def events(unit: str) -> list[tuple[str, str | None]]:
	return [(e.event, e.reference_name) for e in frappe.get_doc("Serial Record", unit).events]


def inspect(unit: str, status: str = "Accepted", submit: bool = True, readings=None):
	values = api.inspection_defaults(unit)
	qi = frappe.get_doc(
		{
			"doctype": "Quality Inspection",
			"inspection_type": values["inspection_type"],
			"reference_type": values["reference_type"],
			"reference_name": values["reference_name"],
			"item_code": values["item_code"],
			"sample_size": values["sample_size"],
			"trace_serial": values["trace_serial"],
			"inspected_by": "Administrator",
			"status": status,
			"readings": readings
			or [
				{
					"specification": "Visual",
					"status": status,
					"manual_inspection": 1,
					"reading_value": "ok" if status == "Accepted" else "scratched",
				}
			],
		}
	)
	qi.insert()
	if submit:
		qi.submit()
	return qi


def spec():
	if not frappe.db.exists("Quality Inspection Parameter", "Visual"):
		frappe.get_doc({"doctype": "Quality Inspection Parameter", "parameter": "Visual"}).insert()


def test_units_made_start_held_awaiting_their_inspection():
	spec()
	item = serial_item()
	units = produce(item, 4)
	for unit in units:
		assert state(unit) == (1, AWAITING, "Awaiting", None)
		assert (lc.HOLD, None) in [(e, None) for e, _r in events(unit)]
	# a held unit cannot ship: a FIFO pick passes them over
	with refused(frappe.ValidationError):
		make_delivery_note(item, 1, serials=units[0]).submit()


def test_an_accepted_inspection_releases_the_unit_and_it_ships():
	spec()
	item = serial_item()
	units = produce(item, 2)
	qi = inspect(units[0])
	assert frappe.db.get_value("Quality Inspection", qi.name, "trace_found_on_hold") == 1  # what it found
	assert state(units[0]) == (0, None, "Accepted", qi.name)
	assert state(units[1]) == (1, AWAITING, "Awaiting", None)  # the other still waits
	inspected = [e for e in frappe.get_doc("Serial Record", units[0]).events if e.event == lc.INSPECTED]
	assert len(inspected) == 1 and inspected[0].reference_name == qi.name
	assert inspected[0].detail.startswith("Accepted") and "Visual: ok (Accepted)" in inspected[0].detail
	dn = make_delivery_note(item, 1)  # FIFO: the accepted one (the held one is passed over)
	dn.submit()
	assert frappe.db.get_value("Serial Record", units[0], "status") == lc.SHIPPED


def test_a_rejected_inspection_holds_the_unit_naming_it_and_cancel_puts_it_back():
	spec()
	item = serial_item()
	unit = produce(item, 1)[0]
	qi = inspect(unit, "Rejected")
	assert state(unit) == (1, f"Rejected by Quality Inspection {qi.name}", "Rejected", qi.name)
	# the report filters it
	from assetblaze_trace.traceability.report.traceability.traceability import execute

	_cols, rows = execute(frappe._dict(item_code=item, inspection="Rejected"))
	assert [r["name"] for r in rows] == [unit]
	qi.reload()
	qi.cancel()
	assert state(unit) == (1, AWAITING, "Awaiting", None)
	assert [e for e, _r in events(unit)][-1] == lc.INSPECTION_CANCELLED
	# inspected again, accepted: released; that one cancelled: held again, awaiting
	again = inspect(unit)
	assert state(unit) == (0, None, "Accepted", again.name)
	again.reload()
	again.cancel()
	assert state(unit) == (1, AWAITING, "Awaiting", None)


def test_an_inspection_never_lifts_a_hold_for_another_reason():
	spec()
	item = serial_item()
	unit = produce(item, 1)[0]
	inspect(unit)
	api.hold_units([unit], "Recall R-1")
	qi = inspect(unit, "Accepted")
	assert state(unit) == (1, "Recall R-1", "Accepted", qi.name)
	rejected = inspect(unit, "Rejected")
	assert state(unit)[:2] == (1, "Recall R-1")  # the recall's reason stays
	rejected.reload()
	rejected.cancel()
	assert state(unit) == (1, "Recall R-1", "Accepted", qi.name)


def test_an_inspection_names_a_unit_of_its_item_within_the_users_reach():
	spec()
	item, other = serial_item(), serial_item()
	unit = produce(item, 1)[0]
	values = api.inspection_defaults(unit)
	assert (values["reference_type"], values["inspection_type"]) == ("Stock Entry", "In Process")
	qi = frappe.get_doc(
		{
			"doctype": "Quality Inspection",
			"inspection_type": "In Process",
			"reference_type": "Stock Entry",
			"reference_name": values["reference_name"],
			"item_code": other,
			"sample_size": 1,
			"trace_serial": unit,
			"inspected_by": "Administrator",
			"status": "Accepted",
		}
	)
	with refused(
		frappe.ValidationError, f"is a unit of <strong>{item}</strong>, not of <strong>{other}</strong>"
	):
		qi.insert()
	with refused(frappe.ValidationError, "was not made by"):
		api.inspection_defaults(unit, work_order="MFG-WO-NOT-THIS-ONE")
	with refused(frappe.DoesNotExistError, "not a unit or lot you may read"):
		api.inspection_defaults("NO-SUCH-" + frappe.generate_hash(length=6))


def test_a_lot_is_inspected_as_one():
	spec()
	item, _bom, _raw = make_finished_item(qty_in_stock=5, item_group=make_item_group(trace_type="Batch"))
	lot = "LOT-" + frappe.generate_hash(length=6).upper()
	produce(item, 5, lot=lot)
	portion = records(item_code=item)[0].name
	assert state(portion)[0] == 1
	values = api.inspection_defaults(lot)  # scanned by its lot number
	assert values["trace_serial"] == portion and values["sample_size"] == 5
	inspect(lot)
	assert state(portion)[:3] == (0, None, "Accepted")


def test_received_units_start_held_too():
	from tests.integration.factories import purchase_receipt

	spec()
	item = serial_item()
	serials = [f"SUP-{frappe.generate_hash(length=8).upper()}" for _ in range(2)]
	purchase_receipt(item, 2, serials=serials)
	for serial in serials:
		assert state(serial)[:3] == (1, AWAITING, "Awaiting")
	values = api.inspection_defaults(serials[0])
	assert (values["reference_type"], values["inspection_type"]) == ("Purchase Receipt", "Incoming")


def test_an_item_inspected_before_delivery_ships_only_accepted_units():
	spec()
	settings(quarantine_new_units=0)
	# ERPNext's own row-level check (a Delivery Note row's outgoing inspection) set to warn: what is checked
	# here is the app's, unit by unit
	frappe.db.set_single_value("Stock Settings", "action_if_quality_inspection_is_not_submitted", "Warn")
	item = serial_item()
	frappe.db.set_value("Item", item, "inspection_required_before_delivery", 1)
	units = produce(item, 3)
	assert state(units[0]) == (0, None, None, None)  # no quarantine: not held, never inspected
	with refused(frappe.ValidationError, "has no accepted Quality Inspection"):
		make_delivery_note(item, 1, serials=units[0]).submit()
	inspect(units[1])
	dn = make_delivery_note(item, 1)  # FIFO takes the accepted unit, not the older uninspected one
	dn.submit()
	assert frappe.db.get_value("Serial Record", units[1], "status") == lc.SHIPPED
	with refused(frappe.ValidationError):
		make_delivery_note(item, 1).submit()  # nothing accepted is left


def test_a_large_run_is_quarantined_in_a_handful_of_statements():
	"""The hold at completion is set-based: the same number of statements for 10 units as for 400."""
	spec()
	counts = []
	for qty in (10, 400):
		item = serial_item(stock=qty)
		wo = make_work_order(item, qty)
		calls = []
		sql = frappe.db.sql

		def counting(query, *args, **kwargs):
			calls.append(query)
			return sql(query, *args, **kwargs)

		frappe.db.sql = counting
		try:
			from assetblaze_trace.quality import quarantine

			se_units = []
			original = quarantine.new_units

			def watched(names):
				before = len(calls)
				held = original(names)
				se_units.append((len(names), held, len(calls) - before))
				return held

			quarantine.new_units = watched
			try:
				complete(wo.name, qty)
			finally:
				quarantine.new_units = original
		finally:
			frappe.db.sql = sql
		[(named, held, statements)] = se_units
		assert named == held == qty
		counts.append(statements)
	assert counts[0] == counts[1] <= 6, counts


def test_random_inspections_leave_each_unit_as_its_newest_inspection_says():
	"""Invariant, over a seeded random sequence of accept / reject / cancel: a unit is held exactly when its newest
	standing inspection rejected it or none stands (awaiting), and its reason says which."""
	spec()
	seed = random.randrange(1 << 30)
	rng = random.Random(seed)
	item = serial_item()
	units = produce(item, 4)
	standing: dict[str, list] = {u: [] for u in units}
	for _step in range(24):
		unit = rng.choice(units)
		if standing[unit] and rng.random() < 0.35:
			qi = standing[unit].pop()
			qi.reload()
			qi.cancel()
		else:
			standing[unit].append(inspect(unit, rng.choice(["Accepted", "Rejected"])))
		for u in units:
			newest = standing[u][-1] if standing[u] else None
			held, reason, status, named = state(u)
			if newest is None:
				assert (held, reason, status) == (1, AWAITING, "Awaiting"), (seed, u)
			elif newest.status == "Accepted":
				assert (held, status, named) == (0, "Accepted", newest.name), (seed, u)
			else:
				assert (held, reason, status) == (
					1,
					f"Rejected by Quality Inspection {newest.name}",
					"Rejected",
				), (seed, u)
