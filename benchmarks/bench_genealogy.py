"""Benchmark: genealogy and recall over a plant's worth of records (issue: genealogy and recall).

The data set (built once per --tag, then reused; run seed_serial_records.py first for the 1,000,000 other
records): one ERPNext raw-material batch, bought on a real Purchase Receipt, consumed by the 250 first-level
Manufacture entries; 1,000 Manufacture entries in all over four levels (three levels of sub-assemblies A, B, C
and the finished D), each making 100 serial units, 100,000 units in all; each entry above the first consumes 50
units of the level below (so half of A, B and C is Consumed); 50,000 of the rest Shipped on 1,000 Delivery Notes
(50 each) to 50 customers; the other 12,500 A in stock.

Written the way the app writes them, set-based (INSERT ... SELECT over MariaDB's sequence table, as generation
and the seed script do): Serial Records with their making entry, and Trace Consumption rows for what each entry
consumed. The entries and Delivery Notes are names only (the trace reads our tables, the Batch and the
Purchase Receipt, never the Stock Entry documents); the batch, its supplier and receipt are real ERPNext
documents.

Measured (median of --runs): forward recall of the batch (api.genealogy, every unit it went into), backward
trace of one finished unit, and holding every in-stock unit of that recall (api.hold_recall, rolled back after
each run), then the plans of every statement the trace runs.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_genealogy.py --site trace.localhost
"""

from __future__ import annotations

import itertools

from _common import connect, median, parse_args, show, timed

args = parse_args(__doc__, tag="GB1", runs=3)
frappe = connect(args.site)
from assetblaze_trace import api
from tests.integration import factories as f

TAG = args.tag
PER_ENTRY, ENTRIES_PER_LEVEL, TAKEN = 100, 250, 50
LEVELS = ("A", "B", "C", "D")
UNITS_PER_LEVEL = PER_ENTRY * ENTRIES_PER_LEVEL


def entry_sql(level: str, seq: str) -> str:
	return f"CONCAT('{TAG}-SE-{level}-', LPAD(CEIL({seq} / {PER_ENTRY}), 4, '0'))"


def build() -> dict:
	f.settings(enabled=1)
	marker = frappe.db.get_value("Batch", {"batch_id": f"{TAG}-RM"}, ["name", "item"], as_dict=True)
	if marker:
		items = frappe.db.sql(
			f"SELECT DISTINCT SUBSTRING(name, {len(TAG) + 2}, 1), item_code FROM `tabSerial Record` "
			"WHERE name LIKE %s AND serial_sequence = 1",
			f"{TAG}-_-000001",
		)
		return {"batch": marker.name, "items": dict(items)}
	fg = f.warehouse("Finished Goods")
	bought = f.buy_batch(UNITS_PER_LEVEL, batch_id=f"{TAG}-RM")
	rm, batch = bought.item, bought.batch
	loose = f.make_item(is_sales_item=0)
	items = {level: f.make_item(trace_type="Serial") for level in LEVELS}
	customers = [f.make_customer() for _ in range(50)]
	company = f.company()
	for number, level in enumerate(LEVELS):
		consumed_upto = TAKEN * ENTRIES_PER_LEVEL if level != "D" else 0  # the first half is consumed above
		_insert_level(level, number, items[level], consumed_upto, level != "A", customers, company, fg)
	# what each entry consumed: the first level the batch and an untraced raw item, the others 50 units each
	shared = (
		"'Stock Entry', 'Manufacture', NULL, %(company)s, NOW(6), NOW(6), NOW(6), 'Administrator', "
		"'Administrator', 0"
	)
	cols = (
		"reference_doctype, purpose, work_order, company, consumed_on, creation, modified, owner, modified_by, "
		"docstatus"
	)
	frappe.db.sql(
		f"""INSERT INTO `tabTrace Consumption` (name, reference_name, reference_row, consumed_kind, consumed,
			item_code, qty, warehouse, {cols})
		SELECT CONCAT(%(tag)s, '-RB-', seq), {entry_sql("A", f"seq * {PER_ENTRY}")}, 'row-1', 'Batch', %(batch)s,
			%(rm)s, {PER_ENTRY}, %(wh)s, {shared}
		FROM seq_1_to_{ENTRIES_PER_LEVEL}
		UNION ALL
		SELECT CONCAT(%(tag)s, '-RL-', seq), {entry_sql("A", f"seq * {PER_ENTRY}")}, 'row-2', 'Item', %(loose)s,
			%(loose)s, {PER_ENTRY}, %(wh)s, {shared}
		FROM seq_1_to_{ENTRIES_PER_LEVEL}""",
		{"tag": TAG, "batch": batch, "rm": rm, "loose": loose, "wh": fg, "company": company},
	)
	for below, level in itertools.pairwise(LEVELS):
		frappe.db.sql(
			f"""INSERT INTO `tabTrace Consumption` (name, reference_name, reference_row, consumed_kind, consumed,
				serial_no, item_code, qty, warehouse, {cols})
			SELECT CONCAT(%(tag)s, '-C{level}-', seq), {entry_sql(level, f"CEIL(seq / {TAKEN}) * {PER_ENTRY}")},
				'row-1', 'Serial Record', CONCAT(%(p)s, LPAD(seq, 6, '0')), CONCAT(%(p)s, LPAD(seq, 6, '0')),
				%(item)s, 1, %(wh)s, {shared}
			FROM seq_1_to_{TAKEN * ENTRIES_PER_LEVEL}""",
			{"tag": TAG, "p": f"{TAG}-{below}-", "item": items[below], "wh": fg, "company": company},
		)
	frappe.db.commit()
	return {"batch": batch, "items": items}


def _insert_level(level, number, item, consumed_upto, ships, customers, company, fg):
	customer_list = ", ".join(frappe.db.escape(c) for c in customers)
	shipped = f"seq > {consumed_upto} AND {int(ships)}"
	frappe.db.sql(
		f"""INSERT INTO `tabSerial Record` (name, serial_no, trace_type, item_code, qty, status, warehouse,
			company, stock_entry, manufactured_on, serial_sequence, customer, delivery_note, shipped_on,
			creation, modified, owner, modified_by, docstatus)
		SELECT CONCAT(%(p)s, LPAD(seq, 6, '0')), CONCAT(%(p)s, LPAD(seq, 6, '0')), 'Serial', %(item)s, 1,
			IF(seq <= {consumed_upto}, 'Consumed', IF({int(ships)}, 'Shipped', 'Available')), %(wh)s, %(company)s,
			{entry_sql(level, "seq")}, NOW(6) - INTERVAL ({4 - number} * 100000 - seq) SECOND, seq,
			IF({shipped}, ELT(1 + MOD(seq, 50), {customer_list}), NULL),
			IF({shipped}, CONCAT(%(p)s, 'DN-', LPAD(CEIL((seq - {consumed_upto}) / 50), 4, '0')), NULL),
			IF({shipped}, NOW(6), NULL), NOW(6), NOW(6), 'Administrator', 'Administrator', 0
		FROM seq_1_to_{UNITS_PER_LEVEL}""",
		{"p": f"{TAG}-{level}-", "item": item, "wh": fg, "company": company},
	)


data = build()
print(
	f"Serial Records in the table: {frappe.db.count('Serial Record'):,}; "
	f"Trace Consumption rows: {frappe.db.count('Trace Consumption'):,}",
	flush=True,
)
finished = f"{TAG}-D-{UNITS_PER_LEVEL:06d}"
found = {}


def forward():
	found["forward"] = api.genealogy(data["batch"], "forward")


def backward():
	found["backward"] = api.genealogy(finished, "backward")


def hold():
	frappe.db.savepoint("hold")
	found["held"] = api.hold_recall(data["batch"], "benchmark recall", "forward")
	frappe.db.rollback(save_point="hold")


for label, fn, target in (
	("forward recall of the batch (every unit it went into)", forward, 1.0),
	("backward trace of one finished unit", backward, 0.1),
	("hold every in-stock unit of the recall (trace + hold)", hold, 2.0),
):
	fn()  # warm
	runs = [timed(fn) for _ in range(args.runs)]
	show(label, runs)
	print(f"{'':<58} target <= {target} s: {'ok' if median(runs) <= target else 'OVER'}", flush=True)

nodes = found["forward"]
summary = __import__("assetblaze_trace.services.genealogy", fromlist=["summary"]).summary(nodes, "forward")
print(f"forward: {len(nodes):,} nodes, {summary}")
print(f"backward: {len(found['backward'])} nodes; held in one action: {found['held']:,} units")

# the plans of every statement one forward and one backward trace run
recorded = []
original = frappe.db.sql


def recording(query, values=(), *a, **kw):
	if str(query).lstrip().upper().startswith(("SELECT", "WITH")):
		recorded.append((query, values))
	return original(query, values, *a, **kw)


frappe.db.sql = recording
api.genealogy(data["batch"], "forward")
api.genealogy(finished, "backward")
frappe.db.sql = original
for query, values in recorded:
	if "tabSerial Record" not in query and "tabTrace Consumption" not in query:
		continue
	print("\nEXPLAIN " + " ".join(str(query).split())[:160] + " ...")
	for row in frappe.db.sql("EXPLAIN " + query, values, as_dict=True):
		print(
			f"  {row.select_type:<20} table={row.table} type={row.type} key={row.key} rows={row.rows} "
			f"extra={row.Extra}"
		)
