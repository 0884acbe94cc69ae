"""Benchmark: receiving with the supplier's identity at scale. With many Serial Records in the table (run
seed_serial_records.py first), submit a Purchase Receipt of N supplier serials, then a Purchase Return of all N
(FIFO), and beside each the same document of an untraced item: ERPNext's own work for that document. The app's
share is also timed directly (the time inside its Purchase Receipt hooks). Target: the app adds at most 1 s to
each submit. Rounds alternate traced / untraced; each round is rolled back, so every round starts alike.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_receiving.py --site trace.localhost --units 5000
"""

from __future__ import annotations

import time

from _common import connect, median, parse_args, show, timed

args = parse_args(__doc__, units=5000, runs=3, warmup=1)
frappe = connect(args.site)
import assetblaze_trace.overrides.purchase_receipt as hooks
from tests.integration import factories as f

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}", flush=True)
f.settings(enabled=1)
traced = f.make_item(trace_type="Serial")
untraced = f.make_item(trace_type="None")
supplier = f.make_supplier()
frappe.db.commit()

# the time spent inside the app's Purchase Receipt hooks (doc_events resolve the handler by path on every call)
app_time = {"s": 0.0}
for name in ("validate", "on_submit"):
	original = getattr(hooks, name)

	def wrapped(doc, method=None, _original=original):
		start = time.perf_counter()
		try:
			return _original(doc, method)
		finally:
			app_time["s"] += time.perf_counter() - start

	setattr(hooks, name, wrapped)


def one_round(item: str, listed: bool, label: str, results: dict) -> None:
	serials = (
		[f"{label}-{frappe.generate_hash(length=6).upper()}-{i:05d}" for i in range(args.units)]
		if listed
		else None
	)
	pr = f.purchase_receipt(item, args.units, serials, supplier=supplier, submit=False)
	app_time["s"] = 0.0
	results.setdefault("receipt", []).append(timed(pr.submit))
	results.setdefault("receipt, app", []).append(app_time["s"])
	if listed:
		made = frappe.db.count("Serial Record", {"receipt_voucher_no": pr.name})
		assert made == args.units, f"{made} units received for {args.units}"
	ret = f.purchase_return(pr, args.units, submit=False)
	app_time["s"] = 0.0
	results.setdefault("return", []).append(timed(ret.submit))
	results.setdefault("return, app", []).append(app_time["s"])
	if listed:
		gone = frappe.db.count("Serial Record", {"receipt_voucher_no": pr.name, "status": "Issued"})
		assert gone == args.units, f"{gone} units returned for {args.units}"
	frappe.db.rollback()


ours: dict[str, list[float]] = {}
theirs: dict[str, list[float]] = {}
for round_no in range(args.warmup + args.runs):
	counted = round_no >= args.warmup
	one_round(traced, True, "SUP", ours if counted else {})
	one_round(untraced, False, "UNT", theirs if counted else {})
	print(f"round {round_no + 1}{'' if counted else ' (warm-up)'} done", flush=True)

show(f"Purchase Receipt of {args.units} supplier serials, submit", ours["receipt"])
show("  of which the app's hooks", ours["receipt, app"])
show(f"Purchase Receipt of {args.units} untraced (ERPNext alone), submit", theirs["receipt"])
show(f"Purchase Return of {args.units} units (FIFO), submit", ours["return"])
show("  of which the app's hooks", ours["return, app"])
show(f"Purchase Return of {args.units} untraced (ERPNext alone), submit", theirs["return"])
for step in ("receipt", "return"):
	added = median(ours[step]) - median(theirs[step])
	print(
		f"the app adds to the {step}: {added:+.3f} s by the difference of medians, "
		f"{median(ours[step + ', app']):.3f} s inside its hooks (target: at most 1 s)"
	)
