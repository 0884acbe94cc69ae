"""Benchmark: the two write paths issue 11 must keep within 10 % — a 10,000-unit completion and a 5,000-unit
Delivery Note (save, then submit) — timed whole and split into the app's own share (the time spent inside
AssetBlaze Trace's document hooks) and ERPNext's. The three are interleaved round by round, after warm-up rounds
that are not counted, so a change of the machine's state (buffer pool, other load) touches all of them alike;
every round is rolled back. Run it on a seeded site (seed_serial_records.py) to see the cost at that size.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_write_paths.py --site trace.localhost --rounds 9

The app's share is what a schema or code change under the lifecycle service moves: compare it, not the whole,
when A/B-ing (the whole also carries ERPNext's ledger work, which varies run to run by more than 10 %).
"""

from __future__ import annotations

import time
from collections import defaultdict

from _common import connect, insert_available_units, parse_args

args = parse_args(__doc__, units=10000, ship=5000, rounds=9, warmup=2, settle=1, db_root_password="")
frappe = connect(args.site)
from tests.integration import factories as f

# -- the app's share: wrap every AssetBlaze handler of the documents the paths submit ------------------------
spent: dict[str, float] = defaultdict(float)


def wrap(path: str):
	module_name, attr = path.rsplit(".", 1)
	module = frappe.get_module(module_name)
	inner = getattr(module, attr)
	if getattr(inner, "_bench_wrapped", False):
		return

	def timed_handler(*a, **kw):
		start = time.perf_counter()
		try:
			return inner(*a, **kw)
		finally:
			spent["app"] += time.perf_counter() - start

	timed_handler._bench_wrapped = True
	setattr(module, attr, timed_handler)  # Document.run_method resolves the handler by path on each call


for doctype in ("Stock Entry", "Delivery Note", "*"):
	for handlers in frappe.get_doc_hooks().get(doctype, {}).values():
		for path in handlers:
			if path.startswith("assetblaze_trace."):
				wrap(path)


def status(name: str) -> int:
	return int(frappe.db.sql("SHOW GLOBAL STATUS LIKE %s", name)[0][1])


def settle(limit: float = 120.0) -> None:
	"""Start every timed step from the same state: InnoDB has purged what the previous round's rollbacks and
	deletes left, and has written the dirty pages out. Without this a step pays, at random, for an earlier
	step's flush (MariaDB's default 96 MB redo log forces one every few rounds; seen as 3.5 s outliers and a
	drift upwards round by round). The flush is asked for by lowering innodb_max_dirty_pages_pct to 0 for the
	wait and putting it back after (needs --db-root-password; a benchmark server only)."""
	deadline = time.monotonic() + limit
	while time.monotonic() < deadline and status("Innodb_history_list_length") > 50:
		time.sleep(0.25)
	if not root:
		return
	with root.cursor() as cursor:
		cursor.execute("SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
		keep = cursor.fetchone()[0]
		total = status("Innodb_buffer_pool_pages_total")
		try:
			cursor.execute("SET GLOBAL innodb_max_dirty_pages_pct = 0")
			while time.monotonic() < deadline and status("Innodb_buffer_pool_pages_dirty") > total * 0.005:
				time.sleep(0.25)
		finally:
			cursor.execute(f"SET GLOBAL innodb_max_dirty_pages_pct = {float(keep)}")


root = None  # SET GLOBAL needs MariaDB's root; without it only the purge is waited for
if args.settle and args.db_root_password:
	import pymysql

	root = pymysql.connect(
		host=frappe.conf.db_host or "127.0.0.1",
		port=int(frappe.conf.db_port or 3306),
		user="root",
		password=args.db_root_password,
	)


# the work a step does, in InnoDB's own counters (global: run the benchmark alone): redo written, pages
# touched, pages read from disk. Steadier than time on a shared machine, and what an index adds shows in them.
WORK = {
	"redo MB": "Innodb_lsn_current",
	"page reads": "Innodb_buffer_pool_read_requests",
	"disk reads": "Innodb_buffer_pool_reads",
}


def measure(fn) -> tuple[float, float, dict]:
	if args.settle:
		settle()
	spent["app"] = 0.0
	before = {label: status(var) for label, var in WORK.items()}
	start = time.perf_counter()
	fn()
	whole = time.perf_counter() - start
	work = {label: status(var) - before[label] for label, var in WORK.items()}
	work["redo MB"] /= 1e6
	return whole, spent["app"], work


# -- data ------------------------------------------------------------------------------------------------------
n_rounds = args.rounds + args.warmup
f.settings(enabled=1)
prefix = f.uid("BW")
group = f.make_item_group(trace_type="Serial", trace_serial_format=f"{prefix}-{{YY}}-{{000000}}")
traced, _b1, _r1 = f.make_finished_item(qty_in_stock=args.units * n_rounds, item_group=group)
plain, _b2, _r2 = f.make_finished_item(qty_in_stock=args.units * n_rounds)
fg = f.warehouse("Finished Goods")
shipped = f.make_item(trace_type="Serial")
f.receive(shipped, args.ship + 1000, fg)
insert_available_units(frappe, shipped, args.ship + 1000, fg, f.company(), f"BW-{shipped}-")
customer = f.make_customer()
frappe.db.commit()
print(
	f"site {args.site}: {frappe.db.count('Serial Record'):,} Serial Records; "
	f"{len({r[2] for r in frappe.db.sql('SHOW INDEX FROM `tabSerial Record`')}) - 1} secondary indexes on it",
	flush=True,
)


def completion(item: str):
	wo = f.make_work_order(item, args.units)
	se = f.complete(wo.name, args.units, submit=False)
	frappe.db.commit()  # the draft exists; only the submit is timed
	result = measure(se.submit)
	frappe.db.rollback()
	frappe.delete_doc("Stock Entry", se.name, force=True)
	frappe.get_doc("Work Order", wo.name).cancel()
	frappe.db.commit()
	return result


def shipment():
	dn = f.make_delivery_note(shipped, args.ship, customer=customer, insert=False)
	save = measure(dn.insert)
	frappe.db.commit()
	submit = measure(dn.submit)
	shipped_units = frappe.db.count("Serial Record", {"delivery_note": dn.name, "status": "Shipped"})
	assert shipped_units == args.ship, f"{shipped_units} units shipped, expected {args.ship}"
	frappe.db.rollback()
	frappe.delete_doc("Delivery Note", dn.name, force=True)  # releases the units
	frappe.db.commit()
	return save, submit


figures: dict[str, list[tuple[float, float, dict]]] = defaultdict(list)
for round_no in range(n_rounds):
	gen = completion(traced)
	untraced = completion(plain)
	save, submit = shipment()
	counted = round_no >= args.warmup
	if counted:
		figures["generation"].append(gen)
		figures["untraced completion"].append(untraced)
		figures["shipment save"].append(save)
		figures["shipment submit"].append(submit)
	print(
		f"  round {round_no + 1}{'' if counted else ' (warm-up)'}: generation {gen[0]:.3f} (app {gen[1]:.3f}), "
		f"untraced {untraced[0]:.3f}, ship save {save[0]:.3f} (app {save[1]:.3f}), "
		f"submit {submit[0]:.3f} (app {submit[1]:.3f})",
		flush=True,
	)


def quartiles(values: list[float]) -> tuple[float, float, float]:
	ordered = sorted(values)
	pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
	return pick(0.25), pick(0.5), pick(0.75)


print(f"\nmedians of {args.rounds} rounds (interquartile range in brackets):")
for label, rows in figures.items():
	lo, mid, hi = quartiles([whole for whole, _app, _work in rows])
	alo, amid, ahi = quartiles([app for _whole, app, _work in rows])
	app_part = f"; app's hooks {amid:.3f} s [{alo:.3f}-{ahi:.3f}]" if amid else ""
	work = ", ".join(
		f"{name} {quartiles([w[name] for _wh, _a, w in rows])[1]:,.{1 if name == 'redo MB' else 0}f}"
		for name in WORK
	)
	print(f"  {label:<22} whole {mid:.3f} s [{lo:.3f}-{hi:.3f}]{app_part}; {work}")
gen_whole = quartiles([w for w, _a, _k in figures["generation"]])[1]
plain_whole = quartiles([w for w, _a, _k in figures["untraced completion"]])[1]
print(f"  generation over the untraced completion: {gen_whole - plain_whole:.3f} s")
