"""Permissions over HTTP, against the site's real web server on 127.0.0.1 (PRODUCT.md §10): a Stock Manager limited
by User Permission to *Stores*, logged in by session or by API key and secret, calls the app's methods and
Frappe's REST API. Refused calls answer 403 and change nothing; Guests get nothing; ``status`` cannot be written
through the REST API by anyone. Data is made through ERPNext's documents and committed (the server is another
process)."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request

import frappe
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def http_data(site_connection):
	from tests.integration.factories import produce, serial_item, settings, uid, warehouse
	from tests.integration.test_stock_movements import stock_entry

	settings(enabled=1)
	item = serial_item()
	units = produce(item, 4)  # Finished Goods
	stock_entry(
		"Material Transfer",
		[{"item_code": item, "qty": 2, "s": "Finished Goods", "t": "Stores", "serials": units[2:]}],
	)
	email = f"{uid('http').lower()}@example.com"
	user = frappe.get_doc({"doctype": "User", "email": email, "first_name": "Http", "send_welcome_email": 0})
	user.insert(ignore_permissions=True)
	user.add_roles("Stock Manager", "Stock User")
	user.new_password = "Reach-2026!pw"
	user.save(ignore_permissions=True)
	frappe.get_doc(
		{"doctype": "User Permission", "user": email, "allow": "Warehouse", "for_value": warehouse("Stores")}
	).insert(ignore_permissions=True)
	key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
	frappe.db.set_value("User", email, "api_key", key)
	from frappe.utils.password import set_encrypted_password

	set_encrypted_password("User", email, secret, "api_secret")
	frappe.db.commit()
	return frappe._dict(
		item=item,
		fg=units[:2],
		stores=units[2:],
		user=email,
		password="Reach-2026!pw",
		token=f"{key}:{secret}",
	)


class Client:
	"""A minimal HTTP client: a cookie session, or an API token."""

	def __init__(self, base: str, token: str | None = None):
		self.base = base
		self.token = token
		self.opener = urllib.request.build_opener(
			urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
		)

	def call(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict]:
		body = urllib.parse.urlencode(
			{k: v if isinstance(v, str) else json.dumps(v) for k, v in (data or {}).items()}
		).encode()
		request = urllib.request.Request(
			self.base + path, data=body if method != "GET" else None, method=method
		)
		request.add_header("Accept", "application/json")
		if self.token:
			request.add_header("Authorization", f"token {self.token}")
		try:
			with self.opener.open(request, timeout=60) as response:
				return response.status, json.loads(response.read() or b"{}")
		except urllib.error.HTTPError as error:
			raw = error.read()
			try:
				return error.code, json.loads(raw or b"{}")
			except ValueError:
				return error.code, {"raw": raw[:300].decode(errors="replace")}

	def login(self, user: str, password: str) -> None:
		status, _body = self.call("POST", "/api/method/login", {"usr": user, "pwd": password})
		assert status == 200, status


def held(name) -> int:
	frappe.db.rollback()  # read what the server committed, not this connection's snapshot
	return frappe.db.get_value("Serial Record", name, "on_hold")


@pytest.mark.parametrize("login", ["session", "api key"])
def test_a_user_limited_to_one_warehouse_is_refused_over_http_and_nothing_changes(server, http_data, login):
	client = Client(server, http_data.token if login == "api key" else None)
	if login == "session":
		client.login(http_data.user, http_data.password)
	hold = "/api/method/assetblaze_trace.api.hold_units"
	status, body = client.call("POST", hold, {"units": [http_data.fg[0]], "reason": "http"})
	assert status == 403, (status, body)
	assert http_data.fg[0] not in json.dumps(body)
	assert held(http_data.fg[0]) == 0
	status, body = client.call("POST", hold, {"units": [http_data.stores[0]], "reason": "http"})
	assert (status, body.get("message")) == (200, 1)
	assert held(http_data.stores[0]) == 1
	status, _ = client.call(
		"POST", "/api/method/assetblaze_trace.api.release_units", {"units": [http_data.stores[0]]}
	)
	assert status == 200 and held(http_data.stores[0]) == 0
	# scanning a unit of another warehouse answers as for an unknown code
	status, body = client.call(
		"POST", "/api/method/erpnext.stock.utils.scan_barcode", {"search_value": http_data.fg[1]}
	)
	assert status == 200 and not (body.get("message") or {}).get("trace_serial")
	# Frappe's REST list shows only Stores' units
	status, body = client.call(
		"GET",
		"/api/resource/Serial%20Record?"
		+ urllib.parse.urlencode(
			{"filters": json.dumps([["item_code", "=", http_data.item]]), "limit_page_length": 50}
		),
	)
	assert status == 200 and {r["name"] for r in body["data"]} == set(http_data.stores)
	status, _ = client.call("GET", f"/api/resource/Serial%20Record/{http_data.fg[0]}")
	assert status == 403


def test_guests_get_nothing_over_http(server, http_data):
	guest = Client(server)
	for path, data in (
		("/api/method/assetblaze_trace.api.get_units", {"filters": {"item_code": http_data.item}}),
		("/api/method/assetblaze_trace.api.hold_units", {"units": [http_data.stores[1]], "reason": "x"}),
		("/api/method/assetblaze_trace.api.genealogy", {"identifier": http_data.stores[1]}),
	):
		status, body = guest.call("POST", path, data)
		assert status == 403, (path, status)
		assert http_data.stores[1] not in json.dumps(body)
	status, _ = guest.call("GET", "/api/resource/Serial%20Record")
	assert status == 403
	assert held(http_data.stores[1]) == 0


def test_status_cannot_be_written_through_the_rest_api(server, http_data):
	admin = Client(server)
	admin.login("Administrator", "admin")
	unit = http_data.stores[1]
	status, body = admin.call(
		"PUT", f"/api/resource/Serial%20Record/{unit}", {"data": {"status": "Shipped", "warehouse": "x"}}
	)
	assert status >= 400, (status, body)
	frappe.db.rollback()
	assert frappe.db.get_value("Serial Record", unit, ["status", "on_hold"]) == ("Available", 0)
