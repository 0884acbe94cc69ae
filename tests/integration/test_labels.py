"""Issue: labels at scale. ``api.print_labels`` (POST) takes a Work Order, a Stock Entry, listed Serial Records
or list filters and answers one PDF of their labels, a page per unit in the order they were made; more than
*Labels Returned At Once* run as a background job that leaves a private File on the Work Order."""

from __future__ import annotations

import base64
import io
import os

import frappe
import pypdf
import pytest

from assetblaze_trace import api
from assetblaze_trace.floor import labels
from tests.integration.factories import (
	make_finished_item,
	make_item_group,
	produce,
	records,
	refused,
	serial_item,
	settings,
)
from tests.integration.test_permissions import make_user

MM = 72 / 25.4


@pytest.fixture(autouse=True)
def enabled():
	settings(labels_at_once=500, label_font="", trace_label_template=labels.ensure_default_template())


def pdf_of(answer: dict) -> pypdf.PdfReader:
	assert answer.get("pdf"), answer
	return pypdf.PdfReader(io.BytesIO(base64.b64decode(answer["pdf"])))


def page_texts(reader: pypdf.PdfReader) -> list[str]:
	return [page.extract_text() for page in reader.pages]


def made_units(n: int):
	item = serial_item()
	units = produce(item, n)
	rows = records(item_code=item)
	return item, units, rows[0].work_order, rows[0].stock_entry


def test_a_work_orders_labels_are_one_pdf_a_page_per_unit_in_the_order_made():
	item, units, wo, _se = made_units(7)
	answer = api.print_labels(work_order=wo)
	assert answer["count"] == 7 and answer["filename"].endswith(".pdf") and "job" not in answer
	reader = pdf_of(answer)
	texts = page_texts(reader)
	assert len(texts) == 7
	for unit, text in zip(units, texts, strict=True):
		assert unit in text and item in text and wo in text, text
		assert [u for u in units if u in text] == [unit], text  # each page names only its own unit
	box = reader.pages[0].mediabox
	assert abs(float(box.width) / MM - 100) < 0.1 and abs(float(box.height) / MM - 50) < 0.1
	# every page draws its bars and QR modules (filled rectangles)
	content = reader.pages[0].get_contents().get_data().decode("latin-1")
	assert content.count(" re\n") > 100 and content.rstrip().endswith("f")


def test_the_same_labels_from_the_stock_entry_names_and_filters():
	_item, units, wo, se = made_units(4)
	by_entry = page_texts(pdf_of(api.print_labels(stock_entry=se)))
	by_filters = page_texts(
		pdf_of(api.print_labels(filters=frappe.as_json([["Serial Record", "work_order", "=", wo]])))
	)
	# names given in any order (and twice) print once each, in the order the units were made
	by_names = page_texts(pdf_of(api.print_labels(names=frappe.as_json([units[2], units[0], units[2]]))))
	assert len(by_entry) == len(by_filters) == 4
	assert [next(u for u in units if u in t) for t in by_entry] == units
	assert by_filters == by_entry
	assert [next(u for u in units if u in t) for t in by_names] == [units[0], units[2]]


def test_a_lot_label_shows_its_quantity_and_the_size_follows_the_template():
	small = frappe.get_doc(
		{**labels.default_template(60, 30), "template_name": "Small " + frappe.generate_hash(length=6)}
	)
	small.insert()
	settings(trace_label_template=small.name)
	item, _bom, _raw = make_finished_item(qty_in_stock=5, item_group=make_item_group(trace_type="Batch"))
	lot = frappe.generate_hash(length=8).upper()
	produce(item, 5, lot=lot)
	record = records(item_code=item)[0]
	reader = pdf_of(api.print_labels(names=[record.name]))
	text = reader.pages[0].extract_text()
	assert lot in text and "Lot" in text and "Qty 5" in text, text
	box = reader.pages[0].mediabox
	assert abs(float(box.width) / MM - 60) < 0.1 and abs(float(box.height) / MM - 30) < 0.1


def test_print_labels_is_post_only_and_asks_for_one_selection():
	assert frappe.allowed_http_methods_for_whitelisted_func[api.print_labels] == ["POST"]
	_item, units, wo, _se = made_units(1)
	with refused(frappe.ValidationError, "exactly one of"):
		api.print_labels()
	with refused(frappe.ValidationError, "exactly one of"):
		api.print_labels(work_order=wo, names=units)
	with refused(frappe.ValidationError, "list of names"):
		api.print_labels(names='{"a": 1}')
	with refused(frappe.ValidationError, "No serial records match"):
		api.print_labels(names=["NO-SUCH-UNIT-" + frappe.generate_hash(length=6)])
	with refused(frappe.DoesNotExistError):
		api.print_labels(work_order="NO-SUCH-WO")


def test_labels_only_of_what_the_user_may_read():
	_item, units, wo, _se = made_units(2)
	seller, outsider = make_user("Sales User"), make_user()  # the second has no role at all
	frappe.set_user(seller)  # reads Serial Records, not Work Orders or Stock Entries
	with refused(frappe.PermissionError):
		api.print_labels(work_order=wo)
	assert len(pdf_of(api.print_labels(names=units)).pages) == 2
	frappe.set_user(outsider)  # no read on Serial Record
	with refused(frappe.PermissionError):
		api.print_labels(names=units)


def test_a_large_selection_runs_in_the_background_and_leaves_a_file_on_the_work_order(monkeypatch):
	settings(labels_at_once=3)
	_item, units, wo, _se = made_units(7)
	queued = []
	monkeypatch.setattr(frappe, "enqueue", lambda method, **kwargs: queued.append((method, kwargs)))
	answer = api.print_labels(work_order=wo)
	assert answer["count"] == 7 and answer["job"] and "pdf" not in answer
	assert api.label_job_status(answer["job"])["status"] == "Queued"
	[(method, kwargs)] = queued
	assert method == "assetblaze_trace.floor.labels.run_job" and kwargs["queue"] == "long"
	assert "names" not in kwargs["selection"]  # the job reads the selection again, not a list of names

	# what the worker does: run the job, commit
	frappe.get_attr(method)(job=kwargs["job"], selection=kwargs["selection"])
	assert api.label_job_status(answer["job"])["status"] == "Running"  # done only once committed
	frappe.db.after_commit.run()
	state = api.label_job_status(answer["job"])
	assert state["status"] == "Done" and state["done"] == state["total"] == 7, state
	assert (state["attached_to_doctype"], state["attached_to_name"]) == ("Work Order", wo)
	file = frappe.get_doc("File", {"file_url": state["file_url"]})
	try:
		assert file.is_private and file.attached_to_doctype == "Work Order" and file.attached_to_name == wo
		reader = pypdf.PdfReader(io.BytesIO(file.get_content()))
		texts = page_texts(reader)
		assert [next(u for u in units if u in t) for t in texts] == units

		other = make_user("Stock User")
		frappe.set_user(other)  # another user may not follow someone else's job
		with refused(frappe.ValidationError, "No label printing job"):
			api.label_job_status(answer["job"])
	finally:
		frappe.set_user("Administrator")
		path = file.get_full_path()
		if os.path.exists(path):
			os.remove(path)


def test_a_failed_job_says_why():
	settings(labels_at_once=1)
	_item, _units, wo, _se = made_units(2)
	job = "test-" + frappe.generate_hash(length=10)
	labels._set_status(job, {"user": frappe.session.user, "total": 2, "done": 0, "status": "Queued"})
	settings(label_font="/nonexistent/font.ttf")
	with pytest.raises(frappe.ValidationError):
		labels.run_job(job=job, selection={"work_order": wo})
	state = api.label_job_status(job)
	assert state["status"] == "Failed" and "font.ttf" in state["error"], state
