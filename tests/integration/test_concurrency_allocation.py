"""Delivery Notes saved at the same moment, in separate processes, never get the same unit."""

import multiprocessing
import os

import frappe

from tests.integration import workers
from tests.integration.factories import make_customer, produce, serial_item, settings


def save_delivery_note(item_code: str, qty: int, customer: str) -> list[str]:
	"""Run in a worker: save a draft Delivery Note (the allocation happens on save)."""
	from tests.integration.factories import make_delivery_note

	dn = make_delivery_note(item_code, qty, customer=customer)
	return [u for u in (dn.items[0].trace_serials or "").split("\n") if u]


def test_simultaneous_delivery_notes_never_share_a_unit():
	settings()
	item = serial_item()
	units = produce(item, 12)
	customer = make_customer()
	frappe.db.commit()  # the workers must see the units

	ctx = multiprocessing.get_context("spawn")
	workers_count = 4  # 4 x 4 units wanted, 12 made: one save must be refused, none may overlap
	barrier = ctx.Barrier(workers_count)
	results = ctx.Queue()
	site, sites_path = frappe.local.site, os.path.abspath(frappe.local.sites_path)
	procs = [
		ctx.Process(
			target=workers.run_function,
			args=(
				site,
				sites_path,
				"tests.integration.test_concurrency_allocation.save_delivery_note",
				{"item_code": item, "qty": 4, "customer": customer},
				barrier,
				results,
			),
		)
		for _ in range(workers_count)
	]
	for p in procs:
		p.start()
	outcomes = [results.get(timeout=240) for _ in procs]
	for p in procs:
		p.join(timeout=60)

	saved = [value for state, _kw, value in outcomes if state == "ok"]
	refused = [value for state, _kw, value in outcomes if state == "error"]
	picked = [u for units_of_one in saved for u in units_of_one]
	assert len(picked) == len(set(picked)), "a unit was allocated to two Delivery Notes"
	assert all(len(units_of_one) == 4 for units_of_one in saved)
	assert len(saved) == 3 and len(refused) == 1, outcomes
	assert "NotEnoughUnitsError" in refused[0] and "only 0" in refused[0], refused[0]
	assert set(picked) == set(units)

	frappe.db.rollback()
	allocated = frappe.get_all(
		"Serial Record", filters={"item_code": item, "status": "Allocated"}, fields=["name", "delivery_note"]
	)
	assert len(allocated) == 12 and len({a.delivery_note for a in allocated}) == 3
