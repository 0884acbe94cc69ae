"""Benchmark: stock movements of many traced units, with many Serial Records in the table (run
seed_serial_records.py first).

1. A Manufacture entry that consumes N traced component units (FIFO) and makes N traced units.
2. A Material Issue of N traced units (FIFO).
3. The Traced Stock Check report over the whole table.

Each entry is submitted with traceability on, and the same entry again with it off: the second figure is
ERPNext's own work for that entry, so the difference is what tracing adds. Every run is rolled back, so each
starts from the same state. The plans of the statements the movements use are printed.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_movements.py --site trace.localhost --units 5000
"""

from __future__ import annotations

from _common import connect, insert_available_units, median, parse_args, show, timed

args = parse_args(__doc__, units=5000, runs=3)
frappe = connect(args.site)
from tests.integration import factories as f

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}", flush=True)
f.settings(enabled=1)
fg = f.warehouse("Finished Goods")


def pool_of_units(item: str, qty: int) -> None:
	"""``qty`` Available units of ``item`` in Finished Goods (bulk-inserted) and the same stock in ERPNext."""
	f.receive(item, qty, fg)
	insert_available_units(frappe, item, qty, fg, f.company(), f"BM-{item}-")


def explain(label: str, sql: str, values) -> None:
	print(f"\nEXPLAIN {label}:")
	for row in frappe.db.sql("EXPLAIN " + sql, values, as_dict=True):
		print(f"  table={row.table} type={row.type} key={row.key} rows={row.rows} extra={row.Extra}")


component = f.make_item(trace_type="Serial", is_sales_item=0)
pool_of_units(component, args.units)
group = f.make_item_group(trace_type="Serial", trace_serial_format=f.uid("BM") + "-{000000}")
assembly = f.make_item(item_group=group)
bom = f.make_bom(assembly, [component])
wo = f.make_work_order(assembly, args.units, bom=bom, source=fg)
issued = f.make_item(trace_type="Serial")
pool_of_units(issued, args.units)
frappe.db.commit()

explain(
	"FIFO pick for a movement",
	f"SELECT name, qty, serial_no FROM `tabSerial Record` WHERE item_code = %s AND warehouse = %s "
	f"AND status = 'Available' ORDER BY manufactured_on, name LIMIT {args.units} FOR UPDATE SKIP LOCKED",
	(component, fg),
)
explain(
	"undo on cancel (events of one document)",
	"SELECT e.parent, e.event, e.from_status FROM `tabSerial Record Event` e JOIN `tabSerial Record` r ON r.name = e.parent "
	"WHERE e.reference_doctype = %s AND e.reference_name = %s AND e.event IN ('Issued', 'Consumed', 'Transferred')",
	("Stock Entry", "MAT-STE-X"),
)
explain(
	"Traced Stock Check: units in stock per item and warehouse (one of three statuses)",
	"SELECT r.item_code, r.warehouse, SUM(r.qty) FROM `tabSerial Record` r "
	"WHERE r.status = 'Available' GROUP BY r.item_code, r.warehouse",
	(),
)
print()


def manufacture():
	from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

	se = frappe.get_doc(make_stock_entry(wo.name, "Manufacture", args.units))
	se.insert()
	return se


def material_issue():
	se = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": "Material Issue",
			"stock_entry_type": "Material Issue",
			"company": f.company(),
			"items": [{"item_code": issued, "qty": args.units, "s_warehouse": fg, "basic_rate": 10}],
		}
	)
	se.insert()
	return se


def run(make, label: str, enabled: int, check) -> list[float]:
	out = []
	for _ in range(args.runs):
		f.settings(enabled=enabled)
		frappe.db.commit()
		se = make()
		out.append(timed(se.submit))
		print(f"  {label}: submit {out[-1]:.3f} s; {check(se)}", flush=True)
		frappe.db.rollback()
	f.settings(enabled=1)
	frappe.db.commit()
	return out


def consumed(se):
	return (
		f"{frappe.db.count('Serial Record', {'item_code': component, 'status': 'Consumed'})} consumed, "
		f"{frappe.db.count('Serial Record', {'stock_entry': se.name})} made, "
		f"{frappe.db.count('Trace Consumption', {'reference_name': se.name})} consumption rows"
	)


def issued_units(_se):
	return f"{frappe.db.count('Serial Record', {'item_code': issued, 'status': 'Issued'})} Issued"


ours = run(manufacture, "traced", 1, consumed)
plain = run(manufacture, "untraced (ERPNext only)", 0, consumed)
show(f"Manufacture consuming {args.units} traced units + making {args.units}", ours)
show("  the same entry, traceability off (ERPNext's own work)", plain)
print(f"  tracing adds {median(ours) - median(plain):.3f} s\n")

ours = run(material_issue, "traced", 1, issued_units)
plain = run(material_issue, "untraced (ERPNext only)", 0, issued_units)
show(f"Material Issue of {args.units} traced units", ours)
show("  the same entry, traceability off (ERPNext's own work)", plain)
print(f"  tracing adds {median(ours) - median(plain):.3f} s\n")

from assetblaze_trace.traceability.report.traced_stock_check.traced_stock_check import execute

report = [timed(lambda: execute({})) for _ in range(5)]
show("Traced Stock Check, whole site", report)
print(f"  rows: {len(execute({})[1])}")
