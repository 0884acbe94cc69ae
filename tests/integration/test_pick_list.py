"""Issue: the warehouse floor. Sales Order → Pick List → Delivery Note, ERPNext's standard warehouse flow,
with traced units: the Pick List picks on save (FIFO as a Delivery Note, or as listed) and holds its units
(Allocated to it); the Delivery Note made from it ships exactly those; cancelling or deleting the Pick List
lets go of what it still holds. All through ERPNext's own mappings."""

from __future__ import annotations

import frappe
import pytest

from assetblaze_trace.exceptions import AllocationError, HeldUnitError
from assetblaze_trace.rules import lifecycle as lc
from tests.integration.factories import make_sales_order, produce, refused, serial_item, settings, status_of


@pytest.fixture(autouse=True)
def enabled():
	settings()


def pick_list_for(sales_order: str, serials: list[str] | None = None, submit=True):
	from erpnext.selling.doctype.sales_order.sales_order import create_pick_list

	pl = create_pick_list(sales_order)
	if serials is not None:  # by hand: ERPNext keeps the rows as given only with Pick Manually
		pl.pick_manually = 1
		pl.locations[0].trace_serials = "\n".join(serials)
	pl.insert()
	if submit:
		pl.submit()
	return pl


def delivery_note_for(pick_list: str):
	from erpnext.stock.doctype.pick_list.pick_list import create_delivery_note

	return create_delivery_note(pick_list)  # ERPNext saves it


def held_by(field, name):
	return sorted(frappe.get_all("Serial Record", filters={field: name, "status": "Allocated"}, pluck="name"))


def test_the_delivery_note_made_from_a_pick_list_ships_exactly_what_was_picked():
	item = serial_item()
	units = produce(item, 5)
	so = make_sales_order(item, 3)
	pl = pick_list_for(so.name)
	picked = held_by("pick_list", pl.name)
	assert picked == sorted(units[:3])  # FIFO, oldest first
	assert pl.locations[0].trace_serials.split("\n") == units[:3]
	dn = delivery_note_for(pl.name)
	assert held_by("delivery_note", dn.name) == picked
	assert sorted(dn.items[0].trace_serials.split("\n")) == picked
	dn.submit()
	assert status_of(picked) == {u: lc.SHIPPED for u in picked}
	assert status_of(units[3:]) == {u: lc.AVAILABLE for u in units[3:]}
	events = frappe.get_all(
		"Serial Record Event", filters={"parent": picked[0]}, pluck="event", order_by="idx"
	)
	assert events[-3:] == [lc.ALLOCATE, lc.HANDED_OVER, lc.SHIP]


def test_a_pick_list_takes_the_units_it_lists():
	item = serial_item()
	units = produce(item, 4)
	so = make_sales_order(item, 2)
	pl = pick_list_for(so.name, serials=[units[3], units[1]])
	assert held_by("pick_list", pl.name) == sorted([units[1], units[3]])
	with refused(AllocationError, "cannot be shipped"):
		pick_list_for(make_sales_order(item, 1).name, serials=[units[1]])  # picked already


def test_cancelling_or_deleting_a_pick_list_releases_its_units():
	item = serial_item()
	produce(item, 4)
	so = make_sales_order(item, 2)
	draft = pick_list_for(so.name, submit=False)
	taken = held_by("pick_list", draft.name)
	assert len(taken) == 2
	frappe.delete_doc("Pick List", draft.name)
	assert status_of(taken) == {u: lc.AVAILABLE for u in taken}
	pl = pick_list_for(so.name)
	taken = held_by("pick_list", pl.name)
	pl.cancel()
	assert status_of(taken) == {u: lc.AVAILABLE for u in taken}
	assert not frappe.db.get_value("Serial Record", taken[0], "pick_list")


def test_a_picked_unit_put_on_hold_is_not_handed_to_the_delivery_note():
	from assetblaze_trace.services import holds

	item = serial_item()
	produce(item, 2)
	so = make_sales_order(item, 1)
	pl = pick_list_for(so.name)
	unit = held_by("pick_list", pl.name)[0]
	holds.hold([unit], "Dropped on the floor")
	with refused(HeldUnitError, "Dropped on the floor"):
		delivery_note_for(pl.name)
	assert frappe.db.get_value("Serial Record", unit, ["status", "pick_list"]) == (lc.ALLOCATED, pl.name)
