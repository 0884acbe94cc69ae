"""Benchmark: a FEFO pick against a FIFO pick of the same shipment. With many Serial Records in the table (run
seed_serial_records.py first), an item gets `pool` Available units whose expiry dates are spread over a year
(a tenth of them expired, a tenth without a date), then a Delivery Note allocating N units is saved under each
picking order in turn (alternated, each rolled back). Prints the query plans of both picks, the medians and
the ratio FEFO / FIFO (the issue's bar: within 10 %).

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_fefo.py --site trace.localhost --units 5000
"""

from __future__ import annotations

from _common import connect, insert_available_units, median, parse_args, show, timed

args = parse_args(__doc__, units=5000, runs=5, pool=8000)
frappe = connect(args.site)
from frappe.utils import nowdate

from tests.integration import factories as f

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}", flush=True)
f.settings(enabled=1, picking_order="FIFO")
fg = f.warehouse("Finished Goods")
item = f.make_item(trace_type="Serial")
f.receive(item, args.pool, fg)
prefix = f"BF-{item}-"
insert_available_units(frappe, item, args.pool, fg, f.company(), prefix)
# expiry dates: unrelated to the order made (a multiplicative scatter over -36 .. 329 days), every tenth none
frappe.db.sql(
	"""UPDATE `tabSerial Record` SET expiry_date = IF(serial_sequence %% 10 = 0, NULL,
		CURDATE() + INTERVAL ((serial_sequence * 7919) %% 366 - 36) DAY) WHERE item_code = %s""",
	item,
)
expired = frappe.db.sql(
	"SELECT COUNT(*) FROM `tabSerial Record` WHERE item_code = %s AND expiry_date < CURDATE()", item
)[0][0]
print(f"{args.pool} units of {item}, {expired} of them expired, every tenth without a date", flush=True)
customer = f.make_customer()
frappe.db.commit()


def explain(label: str, sql: str, values) -> None:
	print(f"\nEXPLAIN {label}:")
	for row in frappe.db.sql("EXPLAIN " + sql, values, as_dict=True):
		print(f"  table={row.table} type={row.type} key={row.key} rows={row.rows} extra={row.Extra}")


base = (
	"SELECT name, qty, serial_no, sales_order FROM `tabSerial Record` WHERE item_code = %s AND warehouse = %s "
	"AND status = 'Available' AND on_hold = 0 AND sales_order IS NULL AND "
)
explain(
	"FIFO pick",
	base + f"(expiry_date IS NULL OR expiry_date >= %s) ORDER BY manufactured_on, name LIMIT {args.units}",
	(item, fg, nowdate()),
)
explain(
	"FEFO pick, units with a date",
	base + f"expiry_date >= %s ORDER BY expiry_date, manufactured_on, name LIMIT {args.units}",
	(item, fg, nowdate()),
)
print()

times: dict[str, list[float]] = {"FIFO": [], "FEFO": []}
for run in range(args.runs):
	for order in ("FIFO", "FEFO") if run % 2 == 0 else ("FEFO", "FIFO"):
		f.settings(enabled=1, picking_order=order)
		frappe.db.commit()
		dn = f.make_delivery_note(item, args.units, customer=customer, insert=False)
		times[order].append(timed(dn.insert))
		picked = [u for u in (dn.items[0].trace_serials or "").splitlines() if u]
		soonest = frappe.db.get_value("Serial Record", picked[0], "expiry_date")
		print(
			f"  {order}: save {times[order][-1]:.3f} s, {len(picked)} units, the first expires {soonest}",
			flush=True,
		)
		frappe.db.rollback()

show(f"FIFO save (allocate {args.units})", times["FIFO"])
show(f"FEFO save (allocate {args.units})", times["FEFO"])
print(f"ratio FEFO / FIFO: {median(times['FEFO']) / median(times['FIFO']):.3f}")
f.settings(enabled=1, picking_order="FIFO")
frappe.db.commit()
