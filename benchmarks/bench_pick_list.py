"""Benchmark: with many Serial Records in the table (run seed_serial_records.py first), save a Pick List made
from a Sales Order (ERPNext's create_pick_list) that picks N traced units FIFO, then make the Delivery Note
from it (ERPNext's create_delivery_note: it takes the picked units over). The same Pick List save with
traceability off is ERPNext's own work. Every run is rolled back.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_pick_list.py --site trace.localhost --units 5000
"""

from __future__ import annotations

from _common import connect, insert_available_units, parse_args, show, timed

args = parse_args(__doc__, units=5000, runs=3)
frappe = connect(args.site)
from erpnext.selling.doctype.sales_order.sales_order import create_pick_list
from erpnext.stock.doctype.pick_list.pick_list import create_delivery_note

from tests.integration import factories as f

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}", flush=True)
f.settings(enabled=1)
fg = f.warehouse("Finished Goods")
item = f.make_item(trace_type="Serial")
f.receive(item, args.units, fg)
insert_available_units(frappe, item, args.units, fg, f.company(), f"BP-{item}-")
so = f.make_sales_order(item, args.units)
frappe.db.commit()


def run(enabled: int):
	saves, handovers = [], []
	for _ in range(args.runs):
		f.settings(enabled=enabled)
		pl = create_pick_list(so.name)
		saves.append(timed(pl.insert))
		held = frappe.db.count("Serial Record", {"pick_list": pl.name, "status": "Allocated"})
		pl.submit()
		made = {}
		handovers.append(timed(lambda pl=pl: made.update(dn=create_delivery_note(pl.name))))
		shipped_by = frappe.db.count(
			"Serial Record", {"delivery_note": made["dn"].name, "status": "Allocated"}
		)
		print(
			f"  tracing {'on' if enabled else 'off'}: save {saves[-1]:.3f} s ({held} units picked), "
			f"Delivery Note {handovers[-1]:.3f} s ({shipped_by} units taken over)",
			flush=True,
		)
		frappe.db.rollback()
	return saves, handovers


on_save, on_dn = run(1)
off_save, off_dn = run(0)
show(f"Pick List save, {args.units} units picked FIFO", on_save)
show("  the same save, traceability off (ERPNext alone)", off_save)
show("Delivery Note from the Pick List (takes the units over)", on_dn)
show("  the same, traceability off", off_dn)
f.settings(enabled=1)
frappe.db.commit()
