"""Benchmark: server time of every Desk read the app offers, with many Serial Records (seed first): the
Traceability report's first page for each filter and its fragment search, the Serial Numbers views of an Item,
a Work Order and a Sales Order (rows + status counts, and an older page by keyset), Frappe's link search on
Serial Record (the awesome bar's and every Link field's), the shipment dialog's suggestion, the Traced Stock
Check, and Frappe's own list view of Serial Record (page and count). Prints medians against the 300 ms target
and the query plan of each (type / key / rows).

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_desk_queries.py --site trace.localhost

Genealogy and recall have their own benchmark (bench_genealogy.py).
"""

from __future__ import annotations

import re

from _common import connect, median, parse_args, show, timed

args = parse_args(__doc__, runs=7, item="SEED-ITEM-07", fragments="00042,0987654,NO-SUCH-SERIAL")
frappe = connect(args.site)
frappe.db.set_single_value("Traceability Settings", "enabled", 1)

from assetblaze_trace import api
from assetblaze_trace.services import fragments as fragment_index
from assetblaze_trace.traceability.report.traceability import traceability as report

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}", flush=True)
print(f"units waiting for the suffix index: {fragment_index.pending_units():,}\n", flush=True)
results: list[tuple[str, float]] = []


def measure(label: str, fn, sql: str | None = None, values=None) -> None:
	fn()  # warm the cache once, as a user's second look would
	times = [timed(fn) for _ in range(args.runs)]
	show(label, times)
	results.append((label, median(times)))
	print(f"{'':<58} target 0.300 s: {'OK' if median(times) <= 0.3 else 'OVER'}")
	if sql:
		explain(sql, values)


def explain(sql, values=None) -> None:
	"""EXPLAIN a SQL string or a query-builder query (Frappe 16's builder keeps its values apart: walk())."""
	if not isinstance(sql, str):
		sql, values = sql.walk() if hasattr(sql, "walk") else (sql.get_sql(), None)
	try:
		plan = frappe.db.sql("EXPLAIN " + sql, values or None, as_dict=True)
	except Exception as error:  # a builder that renders a value it cannot hand over for EXPLAIN
		print(f"  plan: not available ({error})")
		return
	for row in plan:
		print(f"  plan: table={row.table} type={row.type} key={row.key} rows={row.rows} extra={row.Extra}")


def sample(field: str) -> str:
	"""A value of ``field`` among the item's units (a Work Order, a Sales Order, a customer)."""
	return frappe.db.sql(
		f"SELECT `{field}` FROM `tabSerial Record` WHERE item_code = %s AND `{field}` IS NOT NULL "
		"ORDER BY manufactured_on DESC LIMIT 1",
		args.item,
	)[0][0]


work_order, sales_order, customer = sample("work_order"), sample("sales_order"), sample("customer")
warehouse = sample("warehouse")

# --- the Traceability report: first page (500 newest) for each filter, and the fragment search
cases = [
	("status Available + item", {"status": "Available", "item_code": args.item}),
	("status Reserved + item", {"status": "Reserved", "item_code": args.item}),
	("status Shipped + item", {"status": "Shipped", "item_code": args.item}),
	("status Returned (no item)", {"status": "Returned"}),
	("status Reserved (no item)", {"status": "Reserved"}),
	("customer", {"customer": customer}),
	("warehouse", {"warehouse": warehouse}),
	("work order", {"work_order": work_order}),
	("sales order", {"sales_order": sales_order}),
	("a day of production", {"from_date": "2026-06-01", "to_date": "2026-06-01"}),
	("no filter", {}),
]
for fragment in args.fragments.split(","):
	cases.append((f"search {fragment!r}", {"search": fragment}))
	cases.append((f"search {fragment!r} + item", {"search": fragment, "item_code": args.item}))
for label, filters in cases:
	rows = report.execute(filters)[1]
	if filters.get("search") and len(filters) == 1:
		names = report.matching_names(filters["search"])
		print(
			f"  (the fragment is in {len(names):,} serials{' or more' if len(names) >= report.SEARCH_CAP else ''})"
		)
	sql = report.build_query(frappe._dict(filters))
	measure(f"report: {label} ({len(rows)} rows)", lambda filters=filters: report.execute(filters), sql)
	if filters.get("search") and len(filters) == 1 and len(filters["search"]) >= fragment_index.MIN_FRAGMENT:
		key = filters["search"][: fragment_index.WIDTH] + "%"
		explain(f"SELECT DISTINCT name FROM `{fragment_index.SUFFIXES}` WHERE suffix LIKE %s LIMIT 5000", key)

# --- the Serial Numbers views: rows + counts, and the next older page by keyset
for label, filters in (
	("Item", {"item_code": args.item}),
	("Work Order", {"work_order": work_order}),
	("Sales Order", {"sales_order": sales_order}),
):
	first = api.get_units(filters)
	measure(
		f"{label} Serial Numbers view ({len(first['rows'])} of {first['total']:,})",
		lambda f=filters: api.get_units(f),
	)
	last = first["rows"][-1]
	before = [str(last.manufactured_on), last.name]
	measure("  its next older page (keyset)", lambda f=filters, b=before: api.get_units(f, before=b))
	record = frappe.qb.DocType("Serial Record")
	query = frappe.qb.from_(record).select(record.name)
	for k, v in filters.items():
		query = query.where(record[k] == v)
	made, name = before
	query = query.where(
		(record.manufactured_on < made) | ((record.manufactured_on == made) & (record.name < name))
	)
	explain(
		query.orderby(record.manufactured_on, order=frappe.qb.desc)
		.orderby(record.name, order=frappe.qb.desc)
		.limit(200)
	)

# --- the link search (awesome bar, Link fields), the shipment dialog's suggestion, the Traced Stock Check
from frappe.desk.search import search_link

serial = frappe.db.sql(
	"SELECT serial_no FROM `tabSerial Record` WHERE item_code = %s ORDER BY manufactured_on DESC LIMIT 1",
	args.item,
)[0][0]
for text in (serial, serial[-7:]):
	measure(
		f"link search for Serial Record {text!r}",
		lambda t=text: search_link("Serial Record", t, page_length=10),
	)
indexed = frappe.db.sql("SELECT COUNT(*) FROM `__global_search`")[0][0]
print(f"  (__global_search holds {indexed:,} rows of other DocTypes; Serial Records are not in it)")
for text in (serial, serial.rsplit("-", 1)[-1]):  # the method the awesome bar calls (hooks override it)
	measure(f"global search (awesome bar) {text!r}", lambda t=text: api.global_search(t, limit=20))
measure(
	"shipment dialog suggestion (20 units FIFO)",
	lambda: api.suggest_units("Delivery Note", "new-delivery-note-1", "", args.item, warehouse, 20),
)
measure(f"Traced Stock Check of {args.item}", lambda: api.item_stock_check(args.item))

# --- Frappe's own list view of Serial Record (/app/serial-record): its page of 20 in the DocType's sort order
# and its count, which the list asks for with a limit of 1,001 ("1,000+"), through the same endpoints the Desk calls
from frappe.desk import reportview


def desk_call(method, **form):
	frappe.local.form_dict = frappe._dict(doctype="Serial Record", **form)
	return method()


list_fields = (
	'["`tabSerial Record`.`name`", "`tabSerial Record`.`item_code`", "`tabSerial Record`.`status`", '
	'"`tabSerial Record`.`manufactured_on`"]'
)
for label, filters in (
	("no filter", []),
	("status Available", [["Serial Record", "status", "=", "Available"]]),
	("item", [["Serial Record", "item_code", "=", args.item]]),
	("warehouse", [["Serial Record", "warehouse", "=", warehouse]]),
	("customer", [["Serial Record", "customer", "=", customer]]),
):
	as_json = frappe.as_json(filters)
	measure(
		f"list view of Serial Record, {label}: page of 20",
		lambda f=as_json: desk_call(
			reportview.get,
			fields=list_fields,
			filters=f,
			order_by="`tabSerial Record`.`manufactured_on` desc",
			start=0,
			page_length=20,
			view="List",
			with_comment_count=1,
		),
	)
	measure(
		f"list view of Serial Record, {label}: count (to 1,001)",
		lambda f=as_json: desk_call(
			reportview.get_count, filters=f, fields='["name"]', distinct="false", limit=1001
		),
	)

print("\nsummary (median seconds):")
for label, value in results:
	text = re.sub(r"\s+", " ", label.strip())
	print(f"  {value:7.3f}  {'OK  ' if value <= 0.3 else 'OVER'}  {text}")
