"""Issue: ten million units. The counts the Serial Numbers views read are kept by the lifecycle service (equal to
a fresh count after every kind of move, and to a rebuild from scratch); the serial suffix index finds fragments
(queued units before the job has indexed them, indexed ones after); the views page by keyset."""

from __future__ import annotations

import frappe
import pytest

from assetblaze_trace import api
from assetblaze_trace.services import counts, fragments
from assetblaze_trace.traceability.report.traceability import traceability as report
from tests.integration.factories import (
	delivery_note_from_sales_order,
	make_delivery_note,
	make_finished_item,
	make_item_group,
	make_return,
	make_sales_order,
	produce,
	records,
	serial_item,
	settings,
)
from tests.integration.test_invariant_random import assert_counts_kept


@pytest.fixture(autouse=True)
def enabled():
	settings()


def norm(rows):
	return sorted((r["status"], int(r["units"]), round(float(r["qty"]), 6), int(r["stamped"])) for r in rows)


def test_counts_follow_every_kind_of_move():
	item = serial_item()
	so = make_sales_order(item, 3)
	reserved = produce(item, 3, sales_order=so.name)  # made reserved (serial range, stamped)
	free = produce(item, 4)
	assert norm(counts.of("item_code", item)) == [("Available", 7, 7.0, 3)]
	assert norm(counts.of("sales_order", so.name)) == [("Available", 3, 3.0, 3)]

	dn = delivery_note_from_sales_order(so.name)  # allocates the reserved units
	assert_counts_kept([item])
	dn.submit()  # ships them
	assert norm(counts.of("item_code", item)) == [("Available", 4, 4.0, 0), ("Shipped", 3, 3.0, 3)]
	ret = make_return(dn.name, 1, reserved[0])
	ret.insert()
	ret.submit()  # one comes back
	assert_counts_kept([item])
	other = make_delivery_note(item, 2)  # FIFO from the free units
	assert_counts_kept([item])
	other.delete()  # released
	assert_counts_kept([item])

	# a completion cancelled: its units are taken back (deleted), the counts with them
	made = records(item_code=item, name=("in", free))
	entry = frappe.get_doc("Stock Entry", made[0].stock_entry)
	entry.cancel()
	assert_counts_kept([item])
	assert sum(r.units for r in counts.of("item_code", item)) == 3


def test_counts_of_lots_split_by_a_partial_shipment():
	item, _bom, _raw = make_finished_item(qty_in_stock=10, item_group=make_item_group(trace_type="Batch"))
	lot = frappe.generate_hash(length=8).upper()
	produce(item, 10, lot=lot)
	assert norm(counts.of("item_code", item)) == [("Available", 1, 10.0, 0)]
	dn = make_delivery_note(item, 4)  # splits 4 off the lot portion
	dn.submit()
	assert norm(counts.of("item_code", item)) == [("Available", 1, 6.0, 0), ("Shipped", 1, 4.0, 0)]
	assert_counts_kept([item])


def test_a_rebuild_from_scratch_gives_the_kept_counts():
	item = serial_item()
	so = make_sales_order(item, 2)
	produce(item, 2, sales_order=so.name)
	produce(item, 3)
	make_delivery_note(item, 1)
	before = {
		key: norm(counts.of(*key))
		for key in [("item_code", item), ("sales_order", so.name)]
		+ [("work_order", r.work_order) for r in records(item_code=item)]
	}
	total = frappe.db.count("Serial Record")
	assert counts.rebuild(chunk=700, commit=False) == total  # several chunks on the test site
	for key, kept in before.items():
		assert norm(counts.of(*key)) == kept, key


def test_the_item_view_reads_the_kept_counts():
	item = serial_item()
	units = produce(item, 5)
	# a kept count that disagrees shows in the view: the view reads the table, not the units
	frappe.db.sql(
		f"UPDATE `{counts.TABLE}` SET units = units + 100 WHERE dimension = 'item_code' AND value = %s", item
	)
	assert api.get_units({"item_code": item})["total"] == 105
	# a filter the table does not keep (a Stock Entry) is counted live
	entry = records(name=units[0])[0].stock_entry
	assert api.get_units({"stock_entry": entry})["total"] == 5


def test_a_fragment_is_found_while_queued_and_once_indexed():
	item = serial_item()
	units = produce(item, 4)
	target = units[2]
	fragment = target[2:]  # e.g. "B6C6A37E-00003": unique to the unit
	queued = frappe.db.sql(f"SELECT spec FROM `{fragments.QUEUE}`", pluck=True)
	assert any(target.rsplit("-", 1)[0] in spec for spec in queued), queued  # the range, one row
	assert fragments.matching(fragment, 100) == [target]  # from the queue
	assert [r.name for r in report.get_data(frappe._dict(search=fragment))] == [target]

	fragments.index_queue(commit=False)
	assert not frappe.db.sql(f"SELECT 1 FROM `{fragments.QUEUE}`")
	assert frappe.db.sql(f"SELECT COUNT(*) FROM `{fragments.SUFFIXES}` WHERE name = %s", target)[0][0] == (
		len(target) - fragments.MIN_FRAGMENT + 1
	)
	assert fragments.matching(fragment, 100) == [target]  # from the index
	assert fragments.matching(fragment.lower(), 100) == [target]  # typed in lower case
	assert sorted(fragments.matching(target.rsplit("-", 1)[0], 100)) == sorted(units)  # the common part
	assert fragments.matching("NO-SUCH-" + frappe.generate_hash(length=6), 100) == []
	assert fragments.matching("ab", 100) is None  # too short for the index: the report scans
	# two characters are in most serials: the search stops at SEARCH_CAP matches in serial order, so on a site
	# with many units the target need not be among them; with a selective filter (the item) the fragment is
	# tested on the filtered rows and always finds it (unfiltered, this failed once the test site held enough
	# serials ending in its digits)
	assert target in [r.name for r in report.get_data(frappe._dict(search=target[-2:], item_code=item))]


def test_a_long_fragment_of_a_lot():
	item, _bom, _raw = make_finished_item(qty_in_stock=5, item_group=make_item_group(trace_type="Batch"))
	lot = ("LOT-" + frappe.generate_hash(length=40)).upper()  # a long lot number
	produce(item, 5, lot=lot)
	name = records(item_code=item)[0].name
	fragments.index_queue(commit=False)
	assert fragments.matching(lot[2:], 10) == [name]
	assert fragments.matching(lot[2:-1] + "#", 10) == []  # all but its last character


def test_backfill_indexes_records_that_were_never_queued():
	item = serial_item()
	units = produce(item, 3)
	frappe.db.sql(f"DELETE FROM `{fragments.QUEUE}`")  # as on a site from before the index
	frappe.db.sql(f"DELETE FROM `{fragments.SUFFIXES}` WHERE name IN %(u)s", {"u": units})
	assert fragments.matching(units[1][2:], 10) == []
	fragments.backfill(chunk=500, commit=False)
	assert fragments.matching(units[1][2:], 10) == [units[1]]
	fragments.backfill(chunk=500, commit=False)  # again: nothing doubles
	assert frappe.db.sql(f"SELECT COUNT(*) FROM `{fragments.SUFFIXES}` WHERE name = %s", units[1])[0][0] == (
		len(units[1]) - fragments.MIN_FRAGMENT + 1
	)


def test_older_pages_by_keyset_cover_every_unit_once():
	item = serial_item()
	units = produce(item, 5) + produce(item, 4)  # two completions: several units share a timestamp
	seen, before = [], None
	while True:
		page = api.get_units({"item_code": item}, limit=2, before=before)
		if not page["rows"]:
			break
		assert len(page["rows"]) <= 2 and page["total"] == 9
		seen += [r.name for r in page["rows"]]
		last = page["rows"][-1]
		before = [str(last.manufactured_on), last.name]
	assert sorted(seen) == sorted(units) and len(seen) == len(set(seen)) == 9
	# newest first throughout: the second completion before the first
	assert seen == sorted(seen, key=lambda n: (str(records(name=n)[0].manufactured_on), n), reverse=True)
	with pytest.raises(frappe.ValidationError):
		api.get_units({"item_code": item}, before=["2026-01-01"])


def test_link_search_finds_serials_by_any_part_through_the_index():
	from frappe.desk.search import search_link

	item = serial_item()
	units = produce(item, 3)
	fragments.index_queue(commit=False)
	found = search_link("Serial Record", units[1][2:], page_length=10)
	values = [r["value"] if isinstance(r, dict) else r[0] for r in found]
	assert values == [units[1]], found
	# the common part: all three, newest first; an exact serial first
	values = [
		r["value"] if isinstance(r, dict) else r[0]
		for r in search_link("Serial Record", units[0].rsplit("-", 1)[0], page_length=10)
	]
	assert sorted(values) == sorted(units)
	assert search_link("Serial Record", "NO-SUCH-" + frappe.generate_hash(length=6)) == []
	# a Link field's filters still apply
	assert search_link("Serial Record", units[1][2:], filters={"status": "Shipped"}) == []


def test_the_shipment_dialog_counts_available_units_without_the_held_ones():
	from assetblaze_trace.services import holds

	item = serial_item()
	units = produce(item, 4)
	wh = records(name=units[0])[0].warehouse
	holds.hold([units[1]], "Inspection")
	answer = api.suggest_units("Delivery Note", "new-delivery-note-1", "", item, wh, 2)
	assert (
		answer["available"]
		== 3
		== frappe.db.count(
			"Serial Record", {"item_code": item, "warehouse": wh, "status": "Available", "on_hold": 0}
		)
	)
	assert answer["suggested"] == [units[0], units[2]]


def test_frappe_schema_sync_keeps_every_index_of_the_records():
	"""Frappe's schema sync (each migrate that changes the DocType) drops any single-column index on a field
	without "search_index"; at 10 M records each rebuild took minutes. Our indexes must survive it."""
	from assetblaze_trace.traceability.doctype.serial_record.serial_record import SCALE_INDEXES

	def indexes():
		return {r[2] for r in frappe.db.sql("SHOW INDEX FROM `tabSerial Record`")}

	before = indexes()
	assert set(SCALE_INDEXES) <= before
	frappe.db.updatedb("Serial Record")  # what `bench migrate` runs for a changed DocType
	assert indexes() == before
