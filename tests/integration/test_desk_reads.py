"""The reads behind the Desk views: the Traceability report, document views, global search."""

import frappe

from assetblaze_trace import api
from assetblaze_trace.traceability.report.traceability import traceability as report
from tests.integration.factories import make_delivery_note, make_sales_order, produce, serial_item, settings


def rows(**filters):
	return report.execute(filters)[1]


def test_report_filters_and_fragment_search():
	settings()
	item = serial_item()
	so = make_sales_order(item, 2)
	reserved = produce(item, 2, sales_order=so.name)
	free = produce(item, 2)
	make_delivery_note(item, 1)  # allocates free[0]

	assert {r.name for r in rows(item_code=item)} == {*reserved, *free}
	assert {r.name for r in rows(item_code=item, status="Reserved")} == set(reserved)
	assert {r.name for r in rows(item_code=item, status="Available")} == {free[1]}
	assert {r.name for r in rows(item_code=item, status="Allocated")} == {free[0]}
	assert {r.name for r in rows(sales_order=so.name)} == set(reserved)
	assert {r.display_status for r in rows(sales_order=so.name)} == {"Reserved"}

	fragment = free[1][4:]  # any part of the string (not its start), no other filter: the index scan path
	assert [r.name for r in rows(search=fragment)] == [free[1]]
	assert [r.name for r in rows(search=fragment.lower())] == [free[1]]
	assert [r.name for r in rows(search=fragment, item_code=item)] == [free[1]]  # the filtered path
	assert rows(search="NO-SUCH-SERIAL-ANYWHERE") == []
	assert rows(search="%") == [] or all("%" in r.serial_no for r in rows(search="%"))


def test_document_views_count_reserved_apart():
	settings()
	item = serial_item()
	so = make_sales_order(item, 2)
	produce(item, 2, sales_order=so.name)
	produce(item, 1)
	view = api.get_units({"item_code": item})
	assert view["total"] == 3
	counts = {c.status: (c.units, c.stamped) for c in view["counts"]}
	assert counts == {"Available": (3, 2)}
	assert sorted(r.display_status for r in view["rows"]) == ["Available", "Reserved", "Reserved"]


def desk_global_search(text, **kwargs):
	"""The method the awesome bar and the search dialog call, resolved as Frappe's request handler does."""
	path = "frappe.utils.global_search.search"
	return frappe.get_attr(frappe.get_hooks("override_whitelisted_methods").get(path, [path])[-1])(
		text, **kwargs
	)


def test_global_search_finds_a_serial_by_its_string_or_a_part():
	settings()
	item = serial_item()
	unit = produce(item, 1)[0]
	other = produce(item, 1)[0]

	def names(text, **kwargs):
		return [r.name for r in desk_global_search(text, **kwargs) if r.doctype == "Serial Record"]

	assert names(unit)[0] == unit  # the best match for its full string
	assert names(unit, doctype="Serial Record")[0] == unit
	assert set(names(unit[-6:])) >= {unit} and other not in names(unit[-6:])  # by its end
	assert names(unit, doctype="Item") == []  # a search in another DocType does not list serials
	# none of it from __global_search: that table would rank every unit sharing the serial's prefix
	assert not frappe.db.sql("SELECT 1 FROM `__global_search` WHERE doctype = 'Serial Record' LIMIT 1")
	frappe.db.commit()
	try:
		assert names(unit)[0] == unit
	finally:
		# leave the site clean: take the unit back through its own Stock Entry
		se = frappe.get_doc("Stock Entry", frappe.db.get_value("Serial Record", unit, "stock_entry"))
		se.cancel()
		frappe.db.commit()
	assert unit not in names(unit)
