"""Several processes complete Work Orders for items sharing one format at the same moment."""

import multiprocessing
import os

import frappe

from tests.integration import workers
from tests.integration.factories import (
	complete,
	make_finished_item,
	make_item_group,
	make_work_order,
	settings,
	uid,
	yy,
)


def test_simultaneous_completions_get_no_duplicate_and_no_gap():
	prefix = uid("CONC")
	settings()
	group = make_item_group(trace_type="Serial", trace_serial_format=f"{prefix}-{{YY}}-{{00000}}")
	work_orders = []
	for _ in range(6):  # six items, one format: one shared counter
		item, _bom, _raw = make_finished_item(qty_in_stock=5, item_group=group)
		work_orders.append(make_work_order(item, 5).name)
	# Drafts made here (naming them takes the Stock Entry series lock); the workers only submit.
	entries = [complete(wo, 5, submit=False).name for wo in work_orders]
	frappe.db.commit()  # the workers must see the setup

	ctx = multiprocessing.get_context("spawn")
	barrier = ctx.Barrier(len(entries))
	results = ctx.Queue()
	site, sites_path = frappe.local.site, os.path.abspath(frappe.local.sites_path)
	procs = [
		ctx.Process(
			target=workers.submit_entry,
			args=(site, sites_path, se, barrier, results),
			kwargs={"rollback": i == 2},  # one completion is rolled back: its numbers must come back
		)
		for i, se in enumerate(entries)
	]
	for p in procs:
		p.start()
	outcomes = [results.get(timeout=240) for _ in procs]
	for p in procs:
		p.join(timeout=60)

	errors = [o for o in outcomes if o[0] == "error"]
	assert not errors, errors[0][2]
	committed = [n for state, _se, names in outcomes if state == "committed" for n in names]
	assert len(committed) == 25

	frappe.db.rollback()
	made = frappe.get_all(
		"Serial Record",
		filters={"serial_counter": f"{prefix}-{yy()}-{{#}}"},
		fields=["name", "serial_sequence"],
	)
	sequences = sorted(r.serial_sequence for r in made)
	assert sorted(r.name for r in made) == sorted(committed)  # nothing from the rolled-back one
	assert len(set(r.name for r in made)) == 25  # no duplicate
	assert sequences == list(range(1, 26))  # no gap
	assert frappe.db.get_value("Serial Counter", f"{prefix}-{yy()}-{{#}}", "current") == 25

	# The rolled-back Work Order can still be completed afterwards, continuing the sequence.
	se = frappe.get_doc("Stock Entry", entries[2])
	se.submit()
	assert sorted(
		frappe.get_all("Serial Record", filters={"stock_entry": se.name}, pluck="serial_sequence")
	) == [26, 27, 28, 29, 30]
