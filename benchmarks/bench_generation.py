"""Benchmark: complete one Work Order of N units of a Serial-traced item and time the submit; then the
same for an item with ERPNext's native serial numbers, and for a Batch item (ERPNext's own work with
no per-unit serials). Prints medians of several runs and the ratio. Each run is rolled back.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_generation.py --units 10000 --runs 3
"""

from __future__ import annotations

from _common import connect, median, parse_args, show, timed

args = parse_args(__doc__, units=10000, runs=3, native_runs=3)
frappe = connect(args.site)

from tests.integration import factories as f

f.settings(enabled=1)
prefix = f.uid("BG")
traced_group = f.make_item_group(trace_type="Serial", trace_serial_format=f"{prefix}-{{YY}}-{{000000}}")
traced, _b1, _r1 = f.make_finished_item(qty_in_stock=args.units * args.runs, item_group=traced_group)
native, _b2, _r2 = f.make_finished_item(
	qty_in_stock=args.units * args.native_runs, has_serial_no=1, serial_no_series=f"{f.uid('NAT')}-.######"
)
plain, _b3, _r3 = f.make_finished_item(qty_in_stock=args.units * args.runs)
frappe.db.commit()


def run(item: str, n_runs: int, label: str) -> list[float]:
	times = []
	for _ in range(n_runs):
		wo = f.make_work_order(item, args.units)
		se = f.complete(wo.name, args.units, submit=False)
		frappe.db.commit()  # the draft exists; only the submit is timed
		times.append(timed(se.submit))
		made = frappe.db.count("Serial Record", {"stock_entry": se.name})
		native_made = frappe.db.count("Serial No", {"item_code": item})
		frappe.db.rollback()  # every run starts from the same state
		frappe.delete_doc("Stock Entry", se.name, force=True)
		frappe.get_doc("Work Order", wo.name).cancel()
		frappe.db.commit()
		print(
			f"  {label}: {times[-1]:.3f} s, Serial Records made {made}, ERPNext Serial Nos made {native_made}",
			flush=True,
		)
	return times


print(f"Manufacture submit of one Work Order of {args.units} units (site {args.site})")
ours = run(traced, args.runs, "AssetBlaze")
show(f"AssetBlaze Trace serials ({args.units})", ours)
plain_times = run(plain, args.runs, "untraced")
show(f"untraced item, same entry ({args.units}): ERPNext's own work", plain_times)
if args.native_runs:
	try:
		theirs = run(native, args.native_runs, "native")
	except Exception as failure:  # ERPNext 16.9 gives up on large native serial runs (RecursionError)
		frappe.db.rollback()
		print(
			f"ERPNext native serial numbers ({args.units}): FAILED: {type(failure).__name__}: {str(failure)[:200]}"
		)
	else:
		show(f"ERPNext native serial numbers ({args.units})", theirs)
		print(f"ratio native / AssetBlaze: {median(theirs) / median(ours):.1f}x faster")
print(f"AssetBlaze overhead over ERPNext's own work: {median(ours) - median(plain_times):.3f} s")
