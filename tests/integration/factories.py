"""Test data made through ERPNext's own documents and functions, with sensible defaults."""

from __future__ import annotations

from contextlib import contextmanager

import frappe
import pytest
from frappe.utils import add_days, nowdate

from assetblaze_trace.services.settings import clear_cache


def enter_test_mode() -> None:
	"""What Frappe's own test runner does: ERPNext then reposts at once, skips e-mails and reloads cached maps.
	Frappe 16 reads ``frappe.in_test``, Frappe 15 ``frappe.flags.in_test``: both are set."""
	frappe.flags.in_test = True
	frappe.in_test = True


def yy() -> str:
	"""Today's two-digit year, as {YY} renders it."""
	return nowdate()[2:4]


def uid(prefix: str = "T") -> str:
	return f"{prefix}-{frappe.generate_hash(length=8).upper()}"


def company() -> str:
	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name")[0]
	)


def abbr() -> str:
	return frappe.get_cached_value("Company", company(), "abbr")


def warehouse(kind: str) -> str:
	"""kind: Stores, Finished Goods, Work In Progress"""
	return f"{kind} - {abbr()}"


def settings(**values) -> None:
	"""Set Traceability Settings inside the test's transaction (rolled back after the test)."""
	values.setdefault("enabled", 1)
	for field, value in values.items():
		frappe.db.set_single_value("Traceability Settings", field, value)
	clear_cache()


def make_item_group(name: str | None = None, parent: str = "All Item Groups", **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Item Group",
			"item_group_name": name or uid("GRP"),
			"parent_item_group": parent,
			"is_group": 1,
			**fields,
		}
	).insert()
	clear_cache()
	return doc.name


def make_item(code: str | None = None, **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": code or uid("ITEM"),
			"item_group": fields.pop("item_group", "All Item Groups"),
			"stock_uom": "Nos",
			"is_stock_item": 1,
			"valuation_rate": 10,
			**fields,
		}
	).insert()
	clear_cache()
	return doc.name


def receive(item_code: str, qty: float, wh: str | None = None, rate: float = 10):
	"""Material Receipt through ERPNext's own helper."""
	from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

	return make_stock_entry(item_code=item_code, qty=qty, to_warehouse=wh or warehouse("Stores"), rate=rate)


def make_bom(item_code: str, raw: list[str] | None = None) -> str:
	raw = raw or [make_item(is_sales_item=0)]
	bom = frappe.get_doc(
		{
			"doctype": "BOM",
			"item": item_code,
			"company": company(),
			"quantity": 1,
			"items": [{"item_code": r, "qty": 1, "rate": 10} for r in raw],
		}
	)
	bom.insert()
	bom.submit()
	return bom.name


def make_finished_item(qty_in_stock: float = 0, **fields) -> tuple[str, str, list[str]]:
	"""A manufactured item with a BOM of one raw material, and enough raw material in Stores."""
	item = make_item(**fields)
	raw = make_item(is_sales_item=0, stock_uom=fields.get("stock_uom", "Nos"))
	bom = make_bom(item, [raw])
	if qty_in_stock:
		receive(raw, qty_in_stock)
	return item, bom, [raw]


def make_work_order(
	item_code: str,
	qty: float,
	bom: str | None = None,
	sales_order: str | None = None,
	submit=True,
	source: str | None = None,
	skip_transfer: int = 1,
):
	bom = bom or frappe.db.get_value("BOM", {"item": item_code, "is_default": 1, "docstatus": 1})
	wo = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": item_code,
			"bom_no": bom,
			"qty": qty,
			"company": company(),
			"skip_transfer": skip_transfer,
			"use_multi_level_bom": 0,  # sub-assemblies are consumed as units, not exploded
			"source_warehouse": source or warehouse("Stores"),
			"wip_warehouse": warehouse("Work In Progress"),
			"fg_warehouse": warehouse("Finished Goods"),
			"sales_order": sales_order,
			"planned_start_date": nowdate(),
		}
	)
	wo.insert()
	if submit:
		wo.submit()
	return wo


def complete(work_order: str, qty: float, lot: str | None = None, submit: bool = True):
	"""The Work Order's Finish: ERPNext's make_stock_entry, then submit the Manufacture entry."""
	from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

	se = frappe.get_doc(make_stock_entry(work_order, "Manufacture", qty))
	if lot is not None:
		se.trace_batch_no = lot
	se.insert()
	if submit:
		se.submit()
	return se


def make_supplier() -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": uid("SUP"),
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
			}
		)
		.insert()
		.name
	)


def buy_batch(qty: float, batch_id: str | None = None) -> frappe._dict:
	"""An ERPNext batch-tracked raw material bought from a supplier on a submitted Purchase Receipt."""
	item = make_item(is_sales_item=0, has_batch_no=1)
	batch = (
		frappe.get_doc({"doctype": "Batch", "batch_id": batch_id or uid("RMB"), "item": item}).insert().name
	)
	supplier = make_supplier()
	pr = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"supplier": supplier,
			"company": company(),
			"posting_date": nowdate(),
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"rate": 5,
					"warehouse": warehouse("Stores"),
					"use_serial_batch_fields": 1,
					"batch_no": batch,
				}
			],
		}
	).insert()
	pr.submit()
	return frappe._dict(item=item, batch=batch, supplier=supplier, purchase_receipt=pr.name)


def make_customer(name: str | None = None) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name or uid("CUST"),
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})
				or "All Customer Groups",
				"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			}
		)
		.insert()
		.name
	)


def make_sales_order(item_code: str, qty: float, customer: str | None = None, rate: float = 100, submit=True):
	so = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer or make_customer(),
			"company": company(),
			"transaction_date": nowdate(),
			"delivery_date": add_days(nowdate(), 7),
			"items": [
				{"item_code": item_code, "qty": qty, "rate": rate, "warehouse": warehouse("Finished Goods")}
			],
		}
	)
	so.insert()
	if submit:
		so.submit()
	return so


def records(**filters) -> list[frappe._dict]:
	return frappe.get_all(
		"Serial Record",
		filters=filters,
		fields=["*"],
		order_by="serial_sequence asc, name asc",
	)


def make_delivery_note(
	item_code: str, qty: float, customer: str | None = None, serials: str | None = None, insert=True, **fields
):
	dn = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"customer": customer or make_customer(),
			"company": company(),
			"posting_date": nowdate(),
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": 100,
					"warehouse": warehouse("Finished Goods"),
					"trace_serials": serials,
				}
			],
			**fields,
		}
	)
	if insert:
		dn.insert()
	return dn


def delivery_note_from_sales_order(sales_order: str, insert=True):
	"""ERPNext's own mapping (the Sales Order's Create → Delivery Note)."""
	from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

	dn = make_delivery_note(sales_order)
	for row in dn.items:
		row.warehouse = row.warehouse or warehouse("Finished Goods")
	if insert:
		dn.insert()
	return dn


def make_return(delivery_note: str, qty: float, serials: list[str] | str):
	"""ERPNext's own return mapping (Delivery Note → Create → Sales Return)."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	ret = make_sales_return(delivery_note)
	ret.items[0].qty = -abs(qty)
	ret.items[0].trace_serials = serials if isinstance(serials, str) else "\n".join(serials)
	return ret


def serial_item(prefix: str | None = None, stock: float = 50, **fields) -> str:
	"""A Serial-traced manufactured item (own group and format), raw material in stock."""
	prefix = prefix or uid("S")
	group = make_item_group(trace_type="Serial", trace_serial_format=f"{prefix}-{{00000}}")
	item, _bom, _raw = make_finished_item(qty_in_stock=stock, item_group=group, **fields)
	return item


def produce(item_code: str, qty: float, sales_order: str | None = None, lot: str | None = None) -> list[str]:
	"""Make and complete a Work Order; returns the Serial Records made (oldest first)."""
	se = complete(make_work_order(item_code, qty, sales_order=sales_order).name, qty, lot=lot)
	return [r.name for r in records(stock_entry=se.name)]


def status_of(names) -> dict:
	return dict(
		frappe.get_all(
			"Serial Record", filters={"name": ("in", list(names))}, fields=["name", "status"], as_list=True
		)
	)


def ensure_fiscal_year(today=None) -> None:
	"""The test company's books must be open today: ERPNext's test setup makes only the year it ran in."""
	today = frappe.utils.getdate(today)
	if frappe.db.exists("Fiscal Year", {"year_start_date": ("<=", today), "year_end_date": (">=", today)}):
		return
	year = today.year
	fiscal_year = frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": str(year),
			"year_start_date": f"{year}-01-01",
			"year_end_date": f"{year}-12-31",
			"companies": [{"company": company()}],
		}
	)
	fiscal_year.insert(ignore_if_duplicate=True)
	frappe.db.commit()


@contextmanager
def refused(exc, match: str | None = None):
	"""Expect ``exc`` and then roll back to before the action, as Frappe rolls back a refused request (a
	test that goes on afterwards then sees what the user would see; a commit inside a hook would break it)."""
	frappe.db.savepoint("refused")
	with pytest.raises(exc, match=match):
		yield
	frappe.db.rollback(save_point="refused")


def batch_item(stock: float = 0, **fields) -> str:
	"""A lot-traced item of its own group (bought or made)."""
	group = make_item_group(trace_type="Batch")
	item = make_item(item_group=group, **fields)
	if stock:
		receive(item, stock)
	return item


def purchase_receipt(
	item_code: str,
	qty: float,
	serials: list[str] | str | None = None,
	wh: str | None = None,
	supplier: str | None = None,
	submit: bool = True,
	doctype: str = "Purchase Receipt",
):
	"""Goods bought on a Purchase Receipt (or a Purchase Invoice with Update Stock), the supplier's serials or
	lot listed in the row's Traced Serials."""
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			"supplier": supplier or make_supplier(),
			"company": company(),
			"posting_date": nowdate(),
			**({"update_stock": 1} if doctype == "Purchase Invoice" else {}),
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": 5,
					"warehouse": wh or warehouse("Stores"),
					"trace_serials": serials
					if isinstance(serials, str) or serials is None
					else "\n".join(serials),
				}
			],
		}
	)
	doc.insert()
	if submit:
		doc.submit()
	return doc


def purchase_return(receipt, qty: float, serials: list[str] | None = None, submit: bool = True):
	"""ERPNext's own return mapping (Purchase Receipt / Invoice → Create → Return)."""
	if receipt.doctype == "Purchase Receipt":
		from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_return
	else:
		from erpnext.accounts.doctype.purchase_invoice.purchase_invoice import (
			make_debit_note as make_purchase_return,
		)

	ret = make_purchase_return(receipt.name)
	ret.items[0].qty = -abs(qty)
	if ret.items[0].get("received_qty") is not None:
		ret.items[0].received_qty = -abs(qty)
	ret.items[0].trace_serials = "\n".join(serials or [])
	ret.insert()
	if submit:
		ret.submit()
	return ret


def internal_customer() -> str:
	"""The company's own customer, for transfers between its warehouses (ERPNext's internal customer)."""
	name = frappe.db.get_value(
		"Customer", {"is_internal_customer": 1, "represents_company": company()}, "name"
	)
	if name:
		return name
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": uid("INTERNAL"),
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}) or "All Customer Groups",
			"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			"is_internal_customer": 1,
			"represents_company": company(),
			"companies": [{"company": company()}],
		}
	)
	doc.insert()
	return doc.name


VOUCHER = "AssetBlaze Test Voucher"


def unknown_voucher_doctype() -> str:
	"""A submittable DocType no part of the app knows, standing for another app's document that posts stock. Its
	rows follow ERPNext's convention for stock vouchers (a child table "<voucher> Item" with a Serial and Batch
	Bundle field, which ERPNext's ledger writes to on cancel). Made once per test site: creating a table commits."""
	child = f"{VOUCHER} Item"
	if not frappe.db.exists("DocType", child):
		frappe.get_doc(
			{
				"doctype": "DocType",
				"name": child,
				"module": "Traceability",
				"custom": 1,
				"istable": 1,
				"fields": [
					{"fieldname": "item_code", "fieldtype": "Link", "options": "Item", "label": "Item"},
					{
						"fieldname": "warehouse",
						"fieldtype": "Link",
						"options": "Warehouse",
						"label": "Warehouse",
					},
					{"fieldname": "qty", "fieldtype": "Float", "label": "Qty"},
					{
						"fieldname": "serial_and_batch_bundle",
						"fieldtype": "Link",
						"options": "Serial and Batch Bundle",
						"label": "Bundle",
					},
				],
			}
		).insert()
	if frappe.db.exists("DocType", VOUCHER) and not frappe.db.exists(
		"DocField", {"parent": VOUCHER, "fieldname": "items"}
	):
		frappe.delete_doc("DocType", VOUCHER, force=True)  # an earlier shape of it
	if not frappe.db.exists("DocType", VOUCHER):
		frappe.get_doc(
			{
				"doctype": "DocType",
				"name": VOUCHER,
				"module": "Traceability",
				"custom": 1,
				"is_submittable": 1,
				"autoname": "hash",
				"fields": [{"fieldname": "items", "fieldtype": "Table", "options": child, "label": "Items"}],
				"permissions": [
					{"role": "System Manager", "read": 1, "write": 1, "create": 1, "submit": 1, "cancel": 1}
				],
			}
		).insert()
	frappe.db.commit()
	return VOUCHER


def unknown_voucher(item: str, wh: str, qty: float):
	"""A draft of the unknown voucher moving ``qty`` (negative: out) of ``item`` in warehouse kind ``wh``."""
	return frappe.get_doc(
		{"doctype": VOUCHER, "items": [{"item_code": item, "warehouse": warehouse(wh), "qty": qty}]}
	).insert()


def post_stock(doc, cancel: bool = False) -> None:
	"""What another app's controller does in its on_submit / on_cancel: ERPNext's make_sl_entries for its rows
	(on cancel, the entries flagged cancelled, which ERPNext reverses)."""
	from erpnext.stock.stock_ledger import make_sl_entries

	entries = [
		frappe._dict(
			item_code=row.item_code,
			warehouse=row.warehouse,
			actual_qty=row.qty,
			posting_date=nowdate(),
			posting_time=frappe.utils.nowtime(),
			voucher_type=doc.doctype,
			voucher_no=doc.name,
			voucher_detail_no=row.name,
			company=company(),
			incoming_rate=10 if row.qty > 0 else 0,
			is_cancelled=1 if cancel else 0,
			stock_uom="Nos",
		)
		for row in doc.items
	]
	make_sl_entries(entries)


def internal_supplier(represents: str, for_company: str) -> str:
	"""A supplier that is another company of the group (ERPNext's internal supplier)."""
	name = frappe.db.get_value(
		"Supplier",
		{"is_internal_supplier": 1, "represents_company": represents, "supplier_name": ("like", "INTERNAL%")},
	)
	if name and frappe.db.exists("Allowed To Transact With", {"parent": name, "company": for_company}):
		return name
	doc = frappe.get_doc(
		{
			"doctype": "Supplier",
			"supplier_name": uid("INTERNAL-SUP"),
			"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
			"is_internal_supplier": 1,
			"represents_company": represents,
			"companies": [{"company": for_company}],
		}
	)
	doc.insert()
	return doc.name


def sister_company() -> str:
	"""A second company of the group (its warehouses and accounts made by ERPNext), with the internal customer and
	supplier each side needs."""
	abbr_ = uid("")[1:6]
	doc = frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": f"Sister {abbr_}",
			"abbr": abbr_,
			"default_currency": frappe.get_cached_value("Company", company(), "default_currency"),
			"country": frappe.get_cached_value("Company", company(), "country"),
			"chart_of_accounts": "Standard",
		}
	).insert()
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": uid("SISTER"),
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}) or "All Customer Groups",
			"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			"is_internal_customer": 1,
			"represents_company": doc.name,
			"companies": [{"company": company()}],
		}
	).insert()
	internal_supplier(company(), doc.name)
	return frappe._dict(name=doc.name, abbr=abbr_, customer=customer.name)
