"""Benchmark: server time of the Desk's traceability reads with many Serial Records (seed first):
the Traceability report's first page with a status + item filter, a search by a fragment of a
serial, and an item's Serial Numbers view. Prints medians and the query plans.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_desk_queries.py --site trace.localhost
"""

from __future__ import annotations

from _common import connect, median, parse_args, show, timed

args = parse_args(__doc__, runs=7, item="SEED-ITEM-07")
frappe = connect(args.site)
frappe.db.set_single_value("Traceability Settings", "enabled", 1)

from assetblaze_trace import api
from assetblaze_trace.traceability.report.traceability import traceability as report

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}\n", flush=True)


def measure(label: str, fn) -> None:
	fn()  # warm the cache once, as a user's second look would
	times = [timed(fn) for _ in range(args.runs)]
	show(label, times)
	print(f"{'':<58} target 0.300 s: {'OK' if median(times) <= 0.3 else 'OVER'}")


def plan(filters: dict) -> None:
	if filters.get("search"):  # first step: which records hold the fragment (a scan of the serial index)
		fragment = filters["search"]
		for row in frappe.db.sql(
			"EXPLAIN SELECT name FROM `tabSerial Record` USE INDEX (serial_no_index) WHERE LOCATE(%s, serial_no) > 0 "
			f"LIMIT {report.SEARCH_CAP}",
			fragment,
			as_dict=True,
		):
			print(f"  plan (fragment scan): type={row.type} key={row.key} rows={row.rows} extra={row.Extra}")
	sql = report.build_query(frappe._dict(filters)).get_sql()
	for row in frappe.db.sql("EXPLAIN " + sql, as_dict=True):
		print(f"  plan: type={row.type} key={row.key} rows={row.rows} extra={row.Extra}")


cases = [
	("report: first page, status Available + item", {"status": "Available", "item_code": args.item}),
	("report: first page, status Reserved + item", {"status": "Reserved", "item_code": args.item}),
	("report: search a fragment found in many serials", {"search": "00042"}),
	("report: search a fragment found in one serial", {"search": "0987654"}),
	("report: search a fragment found nowhere", {"search": "NO-SUCH-SERIAL"}),
	("report: no filter, first page", {}),
]
for label, filters in cases:
	rows = report.execute(filters)[1]
	measure(f"{label} ({len(rows)} rows)", lambda filters=filters: report.execute(filters))
	plan(filters)

result = api.get_units({"item_code": args.item})
measure(
	f"item Serial Numbers view ({len(result['rows'])} of {result['total']:,})",
	lambda: api.get_units({"item_code": args.item}),
)
