"""The movements table (movements/table.py) is the one place that says what each ERPNext document does to traced
units: every entry names an executor that exists and a lifecycle event that exists, every DocType it names is
hooked for submit and cancel, and the lookup sends each shape of document to its entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from assetblaze_trace import hooks
from assetblaze_trace.movements import table
from assetblaze_trace.rules import lifecycle as lc

PACKAGE = Path(table.__file__).parent


class Doc(dict):
	def __init__(self, doctype, **fields):
		super().__init__(fields)
		self.doctype = doctype


def test_every_entry_names_an_executor_of_the_package_and_a_real_event():
	for key, movement in table.MOVEMENTS.items():
		assert (PACKAGE / f"{movement.executor}.py").exists(), key
		assert movement.leaving is None or movement.leaving in lc.MOVES, key
		assert movement.note, key


def test_every_followed_doctype_is_hooked_for_submit_and_cancel():
	for doctype in table.followed_doctypes():
		events = hooks.doc_events.get(doctype, {})
		assert "on_submit" in events and "on_cancel" in events, doctype
	# and every other voucher passes the ledger's safety net
	assert {"on_submit", "on_cancel"} <= set(hooks.doc_events["*"])
	assert table.MOVEMENTS[("*", None)].executor == "ledger"


@pytest.mark.parametrize(
	"doc, expected",
	[
		(Doc("Stock Entry", purpose="Material Issue"), ("Stock Entry", "Material Issue")),
		(Doc("Stock Entry", purpose="Material Receipt"), ("Stock Entry", "Material Receipt")),
		(Doc("Stock Reconciliation", purpose="Stock Reconciliation"), ("Stock Reconciliation", None)),
		(Doc("Purchase Receipt", items=[{}]), ("Purchase Receipt", None)),
		(Doc("Purchase Receipt", is_return=1, items=[{}]), ("Purchase Receipt", "Return")),
		(
			Doc("Purchase Receipt", items=[{"from_warehouse": "Transit"}]),
			("Purchase Receipt", "Internal Transfer"),
		),
		(
			Doc("Purchase Receipt", is_internal_supplier=1, represents_company="B", company="A", items=[{}]),
			("Purchase Receipt", "Another Company"),
		),
		(Doc("Purchase Invoice", update_stock=1, items=[{}]), ("Purchase Invoice", "Update Stock")),
		(Doc("Purchase Invoice", update_stock=1, is_return=1, items=[{}]), ("Purchase Invoice", "Return")),
		(Doc("Sales Invoice", update_stock=1), ("Sales Invoice", "Update Stock")),
		(Doc("Delivery Note", items=[{}]), ("Delivery Note", None)),
		(
			Doc("Delivery Note", is_internal_customer=1, items=[{"target_warehouse": "Stores"}]),
			("Delivery Note", "Internal Customer"),
		),
	],
)
def test_each_shape_of_document_finds_its_entry(doc, expected):
	assert table.movement_of(doc) is table.MOVEMENTS[expected]


def test_documents_that_post_no_stock_or_that_nobody_named_have_no_entry():
	assert table.movement_of(Doc("Sales Invoice", update_stock=0)) is None
	assert table.movement_of(Doc("Purchase Invoice", update_stock=0, items=[{}])) is None
	assert table.movement_of(Doc("Asset Capitalization")) is None  # the ledger's net takes it
	assert "Asset Capitalization" not in table.followed_doctypes()
