"""Every action within the user's permissions (PRODUCT.md §10). A Stock Manager limited by User Permission to
*Stores* may read, scan, print, hold, release and restock only Stores' units; asked for a unit of *Finished
Goods* a method refuses without naming it, or answers as if it did not exist; Guests and users without a role
get nothing.

The test cannot be escaped: it finds the app's whitelisted methods itself (every module of the package), and a
method without a case below fails it."""

from __future__ import annotations

import importlib
import pkgutil

import frappe
import pytest

import assetblaze_trace
from assetblaze_trace import api, permissions
from assetblaze_trace.rules import lifecycle as lc
from tests.integration.factories import (
	make_delivery_note,
	make_return,
	produce,
	serial_item,
	settings,
	status_of,
	uid,
	warehouse,
)

STORES, FG = "Stores", "Finished Goods"


def make_user(*roles: str, warehouse_limit: str | None = None) -> str:
	email = f"{uid('perm').lower()}@example.com"
	user = frappe.get_doc({"doctype": "User", "email": email, "first_name": "Reach", "send_welcome_email": 0})
	user.insert(ignore_permissions=True)
	if roles:
		user.add_roles(*roles)
	if warehouse_limit:
		frappe.get_doc(
			{"doctype": "User Permission", "user": email, "allow": "Warehouse", "for_value": warehouse_limit}
		).insert(ignore_permissions=True)
	return email


@pytest.fixture
def reach():
	"""An item with units in Finished Goods (one of them returned) and in Stores, and a Stock Manager (also a
	Stock User) limited to Stores."""
	from tests.integration.test_stock_movements import stock_entry

	settings()
	item = serial_item()
	units = produce(item, 5)  # in Finished Goods
	stock_entry(
		"Material Transfer", [{"item_code": item, "qty": 2, "s": FG, "t": STORES, "serials": units[3:]}]
	)
	dn = make_delivery_note(item, 1, serials=units[0])
	dn.submit()
	ret = make_return(dn.name, 1, [units[0]])
	ret.insert()
	ret.submit()  # units[0]: Returned, in Finished Goods
	user = make_user("Stock Manager", "Stock User", warehouse_limit=warehouse(STORES))
	return frappe._dict(item=item, fg=units[:3], stores=units[3:], returned=units[0], user=user)


def as_user(user):
	frappe.set_user(user)
	frappe.clear_cache(user=user)


def refused_quietly(fn, *args, **kwargs):
	"""Refused with a PermissionError whose message names no unit it was given."""
	frappe.db.savepoint("perm")
	with pytest.raises(frappe.PermissionError) as refusal:
		fn(*args, **kwargs)
	frappe.db.rollback(save_point="perm")
	return str(refusal.value)


# ---------------------------------------------------------------------------------- one case per method


def case_hold_units(r):
	message = refused_quietly(api.hold_units, [r.stores[0], r.fg[1]], "lab")
	assert r.fg[1] not in message and "1 of these 2" in message
	assert api.hold_units([r.stores[0]], "lab") == 1


def case_release_units(r):
	frappe.set_user("Administrator")
	api.hold_units([r.fg[1], r.stores[0]], "lab")
	as_user(r.user)
	refused_quietly(api.release_units, [r.fg[1]])
	assert api.release_units([r.stores[0]]) == 1
	assert frappe.db.get_value("Serial Record", r.fg[1], "on_hold") == 1


def case_restock(r):
	message = refused_quietly(api.restock, [r.returned])
	assert r.returned not in message
	assert status_of([r.returned]) == {r.returned: lc.RETURNED}


def case_scan_barcode(r):
	assert api.scan_barcode(r.stores[0]).get("trace_serial") == r.stores[0]
	assert not (api.scan_barcode(r.fg[1]) or {}).get("trace_serial")  # as if nobody knew it


def case_get_units(r):
	view = api.get_units({"item_code": r.item})
	assert {row.name for row in view["rows"]} == set(r.stores)
	assert view["total"] == 2


def case_suggest_units(r):
	refused_quietly(api.suggest_units, "Delivery Note", "new-x", "", r.item, warehouse(FG), 1)
	got = api.suggest_units("Delivery Note", "new-x", "", r.item, warehouse(STORES), 1)
	assert got["suggested"] == [r.stores[0]] and got["available"] == 2


def case_units_of_stock_entry(r):
	# the completion made units into Finished Goods: a user limited to Stores may not read it (Frappe's own rule)
	entry = frappe.db.get_value("Serial Record", r.stores[0], "stock_entry")
	refused_quietly(api.units_of_stock_entry, entry)
	refused_quietly(api.units_of_stock_entry, entry, 1)


def case_print_labels(r):
	refused_quietly(api.print_labels, names=[r.stores[0], r.fg[1]])
	assert api.print_labels(names=[r.stores[0]])


def case_label_job_status(r):
	# a job is answered only to the user who started it
	from assetblaze_trace.floor import labels

	frappe.set_user("Administrator")
	labels._set_status("test-job", {"user": "Administrator", "status": "Done", "done": 1, "total": 1})
	as_user(r.user)
	with pytest.raises(frappe.ValidationError):
		api.label_job_status("test-job")


def case_work_order_lot(r):
	work_order = frappe.db.get_value("Serial Record", r.stores[0], "work_order")
	refused_quietly(api.work_order_lot, work_order)  # a Work Order finishing into Finished Goods


def case_register_existing_stock(r):
	refused_quietly(api.register_existing_stock, r.item, warehouse(FG), 1)


def case_release_cancelled_shipment(r):
	frappe.set_user("Administrator")
	dn = make_delivery_note(r.item, 1, serials=r.fg[1])
	dn.submit()
	dn.cancel()
	as_user(r.user)
	with pytest.raises(frappe.PermissionError):
		api.release_cancelled_shipment("Delivery Note", dn.name)  # a Finished Goods shipment


def case_untraced_stock(r):
	refused_quietly(api.untraced_stock, r.item, warehouse(FG))
	assert api.untraced_stock(r.item, warehouse(STORES)) == 0


def case_item_stock_check(r):
	assert {row.warehouse for row in api.item_stock_check(r.item)} == {warehouse(STORES)}


def refused_as_unknown(fn, *args):
	"""A trace asked to start from a unit outside the user's reach answers as for an identifier nobody knows."""
	from assetblaze_trace.services.genealogy import UnknownIdentifierError

	frappe.db.savepoint("unknown")
	with pytest.raises(UnknownIdentifierError):
		fn(*args)
	frappe.db.rollback(save_point="unknown")


def case_genealogy(r):
	refused_as_unknown(api.genealogy, r.fg[1], "backward")
	assert isinstance(api.genealogy(r.stores[0], "backward"), list)


def case_recall_customers(r):
	refused_as_unknown(api.recall_customers, r.returned)  # it was shipped to a customer: not named here
	assert api.recall_customers(r.stores[0]) == []


def case_hold_recall(r):
	refused_as_unknown(api.hold_recall, r.fg[1], "recall")
	assert api.hold_recall(r.stores[0], "recall") == 0  # (nothing was made from it)
	assert frappe.db.get_value("Serial Record", r.fg[1], "on_hold") == 0


def case_release_recall(r):
	refused_as_unknown(api.release_recall, r.fg[1])
	assert api.release_recall(r.stores[0]) == 0


def case_search_serial_records(r):
	found = {
		row[0] for row in api.search_serial_records("Serial Record", "", "name", 0, 50, {"item_code": r.item})
	}
	assert found == set(r.stores)


def case_global_search(r):
	assert not {row.name for row in api.global_search(r.fg[1]) if row.doctype == "Serial Record"}
	assert {row.name for row in api.global_search(r.stores[0]) if row.doctype == "Serial Record"} == {
		r.stores[0]
	}


def case_get_item_trace_config(r):
	from assetblaze_trace.services.config import get_item_trace_config

	assert get_item_trace_config(r.item)["trace_type"] == "Serial"  # configuration, no units


def case_label_zpl(r):
	refused_quietly(api.label_zpl, names=[r.stores[0], r.fg[1]])
	zpl = api.label_zpl(names=[r.stores[0]])
	assert zpl.count("^XA") == 1 and r.stores[0] in zpl


def case_label_preview(r):
	from assetblaze_trace.floor.labels import ensure_default_template

	template = ensure_default_template()
	refused_quietly(api.label_preview, template, r.fg[0])
	assert api.label_preview(template, r.stores[0])["unit"] == r.stores[0]
	shown = api.label_preview(template)["unit"]  # no unit named: the newest the user may read
	assert shown not in r.fg and permissions.readable([shown]) == [shown]


def case_label_bindings(r):
	assert {"serial", "lot", "work_order", "manufacturing_date"} <= {b["value"] for b in api.label_bindings()}


def case_inspection_defaults(r):
	# a unit outside the user's reach answers as a code nobody knows (as scanning does), naming nothing of it
	frappe.db.savepoint("unknown")
	with pytest.raises(frappe.DoesNotExistError) as refusal:
		api.inspection_defaults(r.fg[0])
	frappe.db.rollback(save_point="unknown")
	assert frappe.db.get_value("Serial Record", r.fg[0], "item_code") not in str(refusal.value)
	assert api.inspection_defaults(r.stores[0])["trace_serial"] == r.stores[0]


def case_expiring_count(r):
	from assetblaze_trace.expiry.expiring import expiring_count

	def counts():  # (the limited user's, Administrator's): the site may hold other expiring units too
		mine = expiring_count()["value"]
		frappe.set_user("Administrator")
		everything = expiring_count()["value"]
		as_user(r.user)
		return mine, everything

	before = counts()
	frappe.db.sql(
		"UPDATE `tabSerial Record` SET expiry_date = CURDATE() + INTERVAL 3 DAY WHERE item_code = %s", r.item
	)
	after = counts()
	# the limited user counts only the two of Stores; the three of Finished Goods (one of them returned) are
	# counted for Administrator alone
	assert (after[0] - before[0], after[1] - before[1]) == (2, 5)


def case_get_preview(r):
	from assetblaze_trace.traceability.doctype.traceability_settings.traceability_settings import get_preview

	assert get_preview("X-{0000}")  # configuration, no units


CASES = {name.removeprefix("case_"): fn for name, fn in list(globals().items()) if name.startswith("case_")}


def whitelisted_methods() -> dict[str, object]:
	"""Every whitelisted function defined in the app's package (imported module by module)."""
	for module in pkgutil.walk_packages(assetblaze_trace.__path__, "assetblaze_trace."):
		if ".patches." in module.name or module.name.endswith(".hooks"):
			continue
		try:
			importlib.import_module(module.name)
		except Exception:
			continue  # (a module that needs a request context: none defines whitelisted methods)
	return {
		fn.__name__: fn
		for fn in frappe.whitelisted
		if getattr(fn, "__module__", "").startswith("assetblaze_trace.")
	}


def test_every_whitelisted_method_has_a_case():
	methods = whitelisted_methods()
	missing = sorted(set(methods) - set(CASES))
	assert not missing, f"whitelisted methods without a permission case: {missing}"
	assert not sorted(set(CASES) - set(methods)), "cases for methods that are no longer whitelisted"


@pytest.mark.parametrize("method", sorted(CASES))
def test_a_user_limited_to_one_warehouse_reaches_only_its_units(reach, method):
	as_user(reach.user)
	CASES[method](reach)


@pytest.mark.parametrize("who", ["Guest", "no role"])
@pytest.mark.parametrize("method", sorted(set(CASES) - {"get_preview"}))
def test_guests_and_users_without_a_role_get_nothing(reach, method, who):
	user = "Guest" if who == "Guest" else make_user()
	fn = whitelisted_methods()[method]
	args = {
		"hold_units": ([reach.stores[0]], "x"),
		"release_units": ([reach.stores[0]],),
		"restock": ([reach.returned],),
		"scan_barcode": (reach.stores[0],),
		"get_units": ({"item_code": reach.item},),
		"suggest_units": ("Delivery Note", "new-x", "", reach.item, warehouse(STORES), 1),
		"units_of_stock_entry": (frappe.db.get_value("Serial Record", reach.stores[0], "stock_entry"),),
		"print_labels": (None, None, [reach.stores[0]]),
		"label_job_status": ("no-such-job",),
		"label_zpl": ([reach.stores[0]],),
		"label_preview": ("Serial Label", reach.stores[0]),
		"label_bindings": (),
		"inspection_defaults": (reach.stores[0],),
		"work_order_lot": (frappe.db.get_value("Serial Record", reach.stores[0], "work_order"),),
		"register_existing_stock": (reach.item, warehouse(STORES), 1),
		"release_cancelled_shipment": (
			"Delivery Note",
			frappe.db.get_value("Delivery Note", {"docstatus": 1}),
		),
		"untraced_stock": (reach.item, warehouse(STORES)),
		"item_stock_check": (reach.item,),
		"genealogy": (reach.stores[0],),
		"recall_customers": (reach.stores[0],),
		"hold_recall": (reach.stores[0], "x"),
		"release_recall": (reach.stores[0],),
		"search_serial_records": ("Serial Record", reach.stores[0], "name", 0, 20, {}),
		"global_search": (reach.stores[0],),
		"get_item_trace_config": (reach.item,),
		"expiring_count": (),
	}[method]
	frappe.set_user(user)
	frappe.db.savepoint("guest")
	try:
		result = fn(*args)
	except (frappe.PermissionError, frappe.ValidationError):
		result = None
	frappe.db.rollback(save_point="guest")
	frappe.set_user("Administrator")
	# nothing that names a unit comes back, and nothing changed
	text = frappe.as_json(result) if result is not None else ""
	assert reach.stores[0] not in text and reach.returned not in text, (method, who, text[:200])
	assert frappe.db.get_value("Serial Record", reach.stores[0], "on_hold") == 0
	assert status_of([reach.returned]) == {reach.returned: lc.RETURNED}


# ---------------------------------------------------------------------------------- roles and companies

ROLES = ("System Manager", "Stock Manager", "Stock User", "Sales User", "Manufacturing User")
# who may change units (PRODUCT.md §7, §10): holds and their release are the Stock Manager's; a restock is
# a stock person's; registration the Stock Manager's
CHANGES = {
	"hold_units": ({"System Manager", "Stock Manager"}, lambda r: api.hold_units([r.stores[0]], "x")),
	"release_units": ({"System Manager", "Stock Manager"}, lambda r: api.release_units([r.stores[0]])),
	"restock": ({"System Manager", "Stock Manager", "Stock User"}, lambda r: api.restock([r.returned])),
	"hold_recall": ({"System Manager", "Stock Manager"}, lambda r: api.hold_recall(r.stores[0], "x")),
	"register_existing_stock": (
		{"Stock Manager"},  # (a System Manager alone may not read Items in ERPNext)
		lambda r: api.register_existing_stock(r.item, warehouse(STORES), 1),
	),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", sorted(CHANGES))
def test_who_may_change_units_is_decided_by_role(reach, role, method):
	allowed, call = CHANGES[method]
	if method == "register_existing_stock":
		from tests.integration.factories import receive

		receive(reach.item, 1, warehouse(STORES))  # untraced stock to register
	as_user(make_user(role))
	frappe.db.savepoint("role")
	try:
		call(reach)
		refused = False
	except frappe.PermissionError:
		refused = True
	frappe.db.rollback(save_point="role")
	assert refused == (role not in allowed), (method, role)


@pytest.mark.parametrize(
	"role", [r for r in ROLES if r != "System Manager"]
)  # (ERPNext gives it no Item read)
def test_every_role_that_reads_units_reads_them(reach, role):
	as_user(make_user(role))
	assert api.get_units({"item_code": reach.item})["total"] == 5
	assert api.scan_barcode(reach.stores[0]).get("trace_serial") == reach.stores[0]


def test_a_user_limited_to_another_company_reaches_none_of_these_units(reach):
	other = frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": f"Other {uid('')[1:6]}",
			"abbr": uid("")[1:6],
			"default_currency": frappe.get_cached_value("Company", reach_company(), "default_currency"),
			"country": frappe.get_cached_value("Company", reach_company(), "country"),
			"chart_of_accounts": "Standard",
		}
	).insert()
	user = make_user("Stock Manager", "Stock User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": other.name}
	).insert(ignore_permissions=True)
	as_user(user)
	assert api.get_units({"item_code": reach.item})["rows"] == []
	assert not (api.scan_barcode(reach.stores[0]) or {}).get("trace_serial")
	refused_quietly(api.hold_units, [reach.stores[0]], "x")
	refused_as_unknown(api.genealogy, reach.stores[0])
	assert api.search_serial_records("Serial Record", "", "name", 0, 20, {"item_code": reach.item}) == []


def reach_company():
	from tests.integration.factories import company

	return company()
