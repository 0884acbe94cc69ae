"""Fill a bench site with many Serial Records (and their Made events) using bulk INSERT ... SELECT,
for the shipment and Desk benchmarks. Idempotent: records already seeded are kept.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/seed_serial_records.py --site trace.localhost --count 1000000

Use a site of its own (not the test site): a million rows make every test's site bigger. Afterwards it fills
what the app keeps as it writes units (the counts per item / Work Order / Sales Order, the serial suffix index),
as the migration patch does. (benchmarks/bench_scale.py runs this and every benchmark at 1 and 10 million.)
"""

from __future__ import annotations

import time

from _common import connect, parse_args

args = parse_args(__doc__, count=1_000_000, items=50)
frappe = connect(args.site)
from tests.integration import factories as f

abbr = f.abbr()
items = [f"SEED-ITEM-{i:02d}" for i in range(args.items)]
for code in items:
	if not frappe.db.exists("Item", code):
		f.make_item(code, trace_type="Serial")
frappe.db.commit()

have = frappe.db.count("Serial Record", {"name": ("like", "SEED-%")})
todo = args.count - have
print(f"{have} seeded records present; adding {max(todo, 0)}", flush=True)
start = time.perf_counter()
step = 100_000
for lo in range(have + 1, args.count + 1, step):
	hi = min(lo + step - 1, args.count)
	frappe.db.sql(
		f"""INSERT INTO `tabSerial Record`
			(name, serial_no, trace_type, item_code, item_name, qty, status, warehouse, company, work_order,
			stock_entry, manufactured_on, serial_counter, serial_sequence, sales_order, customer, reserved_on,
			delivery_note, shipped_on, creation, modified, owner, modified_by, docstatus)
		SELECT CONCAT('SEED-', LPAD(seq, GREATEST(7, LENGTH(seq)), '0')),
			CONCAT('SEED-', LPAD(seq, GREATEST(7, LENGTH(seq)), '0')), 'Serial',
			CONCAT('SEED-ITEM-', LPAD(MOD(seq, {args.items}), 2, '0')), NULL, 1,
			ELT(1 + MOD(seq, 20), 'Shipped','Shipped','Shipped','Shipped','Shipped','Shipped','Shipped','Shipped',
				'Shipped','Shipped','Shipped','Shipped','Available','Available','Available','Available',
				'Available','Available','Allocated','Returned'),
			ELT(1 + MOD(seq, 3), %(w1)s, %(w2)s, %(w3)s), %(company)s, CONCAT('SEED-WO-', seq DIV 1000),
			CONCAT('SEED-SE-', seq DIV 1000), NOW(6) - INTERVAL (%(count)s - seq) MINUTE, 'SEED-{{#}}', seq,
			IF(MOD(seq, 7) = 0, CONCAT('SEED-SO-', seq DIV 100), NULL), IF(MOD(seq, 7) = 0, 'SEED-CUSTOMER', NULL), NULL,
			IF(MOD(seq, 20) < 12, CONCAT('SEED-DN-', seq DIV 100), NULL), NULL,
			NOW(6), NOW(6), 'Administrator', 'Administrator', 0
		FROM seq_{lo}_to_{hi}""",
		{
			"w1": f"Stores - {abbr}",
			"w2": f"Finished Goods - {abbr}",
			"w3": f"Work In Progress - {abbr}",
			"company": f.company(),
			"count": args.count,
		},
	)
	frappe.db.sql(
		"""INSERT INTO `tabSerial Record Event` (name, parent, parenttype, parentfield, idx, timestamp, event,
			from_status, to_status, reference_doctype, reference_name, user, creation, modified, owner, modified_by, docstatus)
		SELECT MD5(r.name), r.name, 'Serial Record', 'events', 1, r.manufactured_on, 'Made', NULL, 'Available',
			'Stock Entry', r.stock_entry, 'Administrator', NOW(6), NOW(6), 'Administrator', 'Administrator', 0
		FROM `tabSerial Record` r WHERE r.name BETWEEN %s AND %s""",
		(f"SEED-{lo:07d}", f"SEED-{hi:07d}"),
	)
	frappe.db.commit()
	print(f"  up to {hi}: {time.perf_counter() - start:.1f} s", flush=True)
# what the lifecycle service keeps as it writes units: the counts, the serial suffix index
from assetblaze_trace.services import counts, fragments

if todo > 0 or not frappe.db.sql(f"SELECT 1 FROM `{counts.TABLE}` LIMIT 1"):
	start = time.perf_counter()
	counts.rebuild()
	print(f"counts rebuilt: {time.perf_counter() - start:.1f} s", flush=True)
	start = time.perf_counter()
	if not frappe.db.sql(f"SELECT 1 FROM `{fragments.SUFFIXES}` LIMIT 1"):
		fragments.backfill()  # from scratch: written unindexed, sorted into the key once
	else:
		for lo in range(have + 1, args.count + 1, step):  # only what was just seeded
			hi = min(lo + step - 1, args.count)
			fragments.write_suffixes({"after": f"SEED-{lo - 1:07d}", "upto": f"SEED-{hi:07d}"})
			frappe.db.commit()
	print(f"suffix index written: {time.perf_counter() - start:.1f} s", flush=True)
frappe.db.sql("ANALYZE TABLE `tabSerial Record`")
print("total Serial Records:", frappe.db.count("Serial Record"))
