"""Benchmark: with many Serial Records in the table (run seed_serial_records.py first), save a
Delivery Note that allocates N units by FIFO, then submit it; show the query plans of the picking
and shipping statements; compare with the same shipment of an item using ERPNext's native serial
numbers (auto-picked). Each run is rolled back so every run starts from the same state.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_shipment.py --site trace.localhost --units 5000
"""

from __future__ import annotations

from _common import connect, insert_available_units, median, parse_args, show, timed

args = parse_args(__doc__, units=5000, runs=3, native_runs=1, pool=8000)
frappe = connect(args.site)
from tests.integration import factories as f

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}", flush=True)
f.settings(enabled=1)
fg = f.warehouse("Finished Goods")

# A Serial-traced item with `pool` Available units in Finished Goods (bulk-inserted, oldest first)
# and the same quantity of stock in ERPNext.
item = f.make_item(trace_type="Serial")
f.receive(item, args.pool, fg)
prefix = f"BS-{item}-"
insert_available_units(frappe, item, args.pool, fg, f.company(), prefix)
customer = f.make_customer()
frappe.db.commit()


def explain(label: str, sql: str, values) -> None:
	print(f"\nEXPLAIN {label}:")
	for row in frappe.db.sql("EXPLAIN " + sql, values, as_dict=True):
		print(f"  table={row.table} type={row.type} key={row.key} rows={row.rows} extra={row.Extra}")


explain(
	"FIFO pick (unreserved units)",
	f"SELECT name, qty, serial_no, sales_order FROM `tabSerial Record` WHERE item_code = %s AND warehouse = %s "
	f"AND status = 'Available' AND sales_order IS NULL ORDER BY manufactured_on, name LIMIT {args.units} FOR UPDATE SKIP LOCKED",
	(item, fg),
)
explain(
	"ship (units of one shipment row)",
	"SELECT name FROM `tabSerial Record` WHERE delivery_note = %s AND shipment_row = %s AND status = 'Allocated'",
	("DN-X", "ROW-X"),
)
explain(
	"event idx of a unit",
	"SELECT COALESCE(MAX(e.idx), 0) + 1 FROM `tabSerial Record Event` e WHERE e.parent = %s",
	(f"{prefix}000001",),
)
print()


def run(item_code: str, n_runs: int, label: str, check) -> tuple[list[float], list[float]]:
	saves, submits = [], []
	for _ in range(n_runs):
		dn = f.make_delivery_note(item_code, args.units, customer=customer, insert=False)
		saves.append(timed(dn.insert))
		frappe.db.commit()
		submits.append(timed(dn.submit))
		print(f"  {label}: save {saves[-1]:.3f} s, submit {submits[-1]:.3f} s; {check(dn)}", flush=True)
		frappe.db.rollback()
		frappe.delete_doc("Delivery Note", dn.name, force=True)  # releases the units
		frappe.db.commit()
	return saves, submits


ours_save, ours_submit = run(
	item,
	args.runs,
	"AssetBlaze",
	lambda dn: (
		f"{frappe.db.count('Serial Record', {'delivery_note': dn.name, 'status': 'Shipped'})} units Shipped"
	),
)
show(f"AssetBlaze save (allocate {args.units} FIFO)", ours_save)
show(f"AssetBlaze submit (ship {args.units})", ours_submit)

if args.native_runs:
	native = f.make_item(has_serial_no=1, serial_no_series=f"{f.uid('NS')}-.######")
	frappe.db.set_single_value("Stock Settings", "auto_create_serial_and_batch_bundle_for_outward", 1)
	frappe.db.set_single_value("Stock Settings", "pick_serial_and_batch_based_on", "FIFO")
	print(f"receiving {args.units} native serial numbers (not timed) ...", flush=True)
	f.receive(native, args.units, fg)
	frappe.db.commit()
	try:
		n_save, n_submit = run(
			native,
			args.native_runs,
			"native",
			lambda dn: (
				f"{frappe.db.count('Serial No', {'item_code': native, 'status': 'Delivered'})} Serial Nos Delivered"
			),
		)
	except Exception as failure:  # ERPNext 16.9 gives up on large native serial picks (RecursionError)
		frappe.db.rollback()
		print(f"ERPNext native ({args.units}): FAILED: {type(failure).__name__}: {str(failure)[:200]}")
		raise SystemExit(0) from None
	show(f"ERPNext native save ({args.units})", n_save)
	show(f"ERPNext native submit ({args.units}, picked automatically)", n_submit)
	print(f"ratio native / AssetBlaze, submit: {median(n_submit) / median(ours_submit):.1f}x")
	print(
		f"ratio native / AssetBlaze, save + submit: "
		f"{(median(n_save) + median(n_submit)) / (median(ours_save) + median(ours_submit)):.1f}x"
	)
