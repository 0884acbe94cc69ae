"""Issue: the warehouse floor. ERPNext's own Scan Barcode (``erpnext.stock.utils.scan_barcode``, through the
method override this app registers, as the Desk calls it) answers our serials and lots with their item and
where the unit is, and everything else exactly as ERPNext does."""

from __future__ import annotations

import re

import frappe
import pytest

from tests.integration.factories import make_item, produce, serial_item, settings, warehouse

SCAN = "erpnext.stock.utils.scan_barcode"


@pytest.fixture(autouse=True)
def enabled():
	settings()


def scan(value, **kwargs):
	"""What the Desk's scanner gets: the method the hooks put in place of ERPNext's, called by its name."""
	overrides = frappe.get_hooks("override_whitelisted_methods").get(SCAN) or [SCAN]
	method = frappe.get_attr(overrides[-1])
	assert method in frappe.whitelisted, overrides[-1]
	return method(search_value=value, **kwargs)


def test_a_serial_answers_with_its_item_and_warehouse():
	item = serial_item()
	unit = produce(item, 2)[1]
	found = scan(unit)
	assert found["item_code"] == item and found["trace_serial"] == unit and not found["trace_lot"]
	assert found["trace_warehouse"] == warehouse("Finished Goods") and found["trace_status"] == "Available"
	assert "serial_no" not in found and "batch_no" not in found  # ERPNext must not set its own fields
	assert "warehouse" not in found  # ERPNext 16 reads that key as a scanned location


def test_a_lot_number_answers_with_its_item():
	from tests.integration.factories import make_finished_item, make_item_group

	item, _bom, _raw = make_finished_item(qty_in_stock=5, item_group=make_item_group(trace_type="Batch"))
	lot = frappe.generate_hash(length=8).upper()
	produce(item, 5, lot=lot)
	found = scan(lot)
	assert found["item_code"] == item and found["trace_lot"] == lot and not found["trace_serial"]


def test_erpnexts_own_scanning_is_unchanged():
	item = make_item()
	barcode = frappe.generate_hash(length=12)
	doc = frappe.get_doc("Item", item)
	doc.append("barcodes", {"barcode": barcode})
	doc.save()
	assert scan(barcode)["item_code"] == item
	assert scan("NOTHING-" + frappe.generate_hash(length=6)) == {}


def test_with_the_toggle_off_our_serials_are_not_answered():
	item = serial_item()
	unit = produce(item, 1)[0]
	settings(enabled=0)
	assert scan(unit) == {}


def test_the_zpl_label_of_a_unit():
	"""The raw ZPL print format (Frappe's raw printing, e.g. through QZ Tray) prints the unit's template: the
	serial, the item, the Work Order and date, a Code 128 and a QR of the serial."""
	from frappe.www.printview import get_rendered_raw_commands

	from tests.integration.factories import records

	item = serial_item()
	unit = produce(item, 1)[0]
	record = records(name=unit)[0]
	zpl = get_rendered_raw_commands("Serial Record", unit, "Serial Label ZPL")["raw_commands"]
	lines = [line for line in zpl.splitlines() if line]
	# the default template (Serial Label, 100 x 50 mm) at 203 dpi
	assert lines[0] == "^XA" and lines[-1] == "^XZ" and "^PW799" in lines and "^LL400" in lines
	assert f"^FO24,24^A0N,42,42^FB488,1,0,L,0^FH^FD{unit}^FS" in lines
	assert any(line.startswith("^FO24,74") and f"^FD{item}" in line for line in lines)
	assert any(f"^FD{record.work_order} · " in line for line in lines)
	assert any(
		re.fullmatch(rf"\^FO24,280\^BY\d,3,96\^BCN,96,N,N,N\^FH\^FD{unit}\^FS", line) for line in lines
	)
	assert any(re.fullmatch(rf"\^FO535,24\^BQN,2,\d+\^FH\^FDMA,{unit}\^FS", line) for line in lines)  # QR
