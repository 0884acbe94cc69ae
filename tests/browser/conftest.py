"""Browser tests: a real web server for the test site, and headless Chromium driven by Playwright.

The web server is another process, so the data these tests look at is COMMITTED (with unique names, so
reruns do not collide); nothing here rolls back. Run them from the bench's sites/ folder with the bench's
Python, e.g.

    cd ~/frappe-bench/sites && ASSETBLAZE_TEST_SITE=assetblaze-test.localhost ../env/bin/python -m pytest \
        -p no:cacheprovider --rootdir /work/main -c /work/main/pyproject.toml /work/main/tests/browser

Environment:
    ASSETBLAZE_TEST_SITE            the site (set by tools/run_tests.py)
    ASSETBLAZE_CHROMIUM             the Chromium binary (default /usr/bin/chromium)
    ASSETBLAZE_BROWSER_NO_INSTALL=1 do not install Playwright / Chromium when missing (just fail)
    ASSETBLAZE_BROWSER_TIMEOUT      seconds Playwright waits for a page or an element (default 30)
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import frappe
import pytest

from assetblaze_trace.compat import frappe_major
from tests.browser.routes import DESK

SITE = os.environ.get("ASSETBLAZE_TEST_SITE", "")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("ASSETBLAZE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
TIMEOUT_MS = int(float(os.environ.get("ASSETBLAZE_BROWSER_TIMEOUT", "30")) * 1000)
USER, PASSWORD = "Administrator", "admin"


# --------------------------------------------------------------------------------------------- tools


def _say(message: str) -> None:
	print(f"[browser] {message}", file=sys.stderr, flush=True)


def _has_playwright() -> bool:
	importlib.invalidate_caches()
	return importlib.util.find_spec("playwright") is not None


def ensure_browser_tools(install: bool = True) -> list[str]:
	"""Make sure Playwright (in this Python's environment) and Chromium are there; install them when missing
	(``uv pip install playwright``, else pip; ``apt-get install -y chromium``). Never runs ``playwright
	install``: Playwright drives the system Chromium. Returns what is still missing (empty when all is well)."""
	problems: list[str] = []

	if not _has_playwright() and install:
		if shutil.which("uv"):
			cmd = ["uv", "pip", "install", "playwright", "--python", sys.executable]
		else:
			cmd = [sys.executable, "-m", "pip", "install", "playwright"]
		_say("Playwright is missing: $ " + " ".join(cmd))
		subprocess.run(cmd, check=False)
	if not _has_playwright():
		problems.append(
			f"the Python package 'playwright' is not installed in {sys.executable}'s environment "
			f"(install it with: uv pip install playwright --python {sys.executable})"
		)

	if not os.path.exists(CHROMIUM) and install and shutil.which("apt-get"):
		env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
		_say(f"{CHROMIUM} is missing: $ apt-get install -y chromium")
		if subprocess.run(["apt-get", "install", "-y", "chromium"], check=False, env=env).returncode != 0:
			subprocess.run(["apt-get", "update"], check=False, env=env)
			subprocess.run(["apt-get", "install", "-y", "chromium"], check=False, env=env)
	if not os.path.exists(CHROMIUM):
		problems.append(f"no Chromium at {CHROMIUM} (install it with: apt-get install -y chromium)")
	return problems


@pytest.fixture(scope="session")
def browser_tools():
	problems = ensure_browser_tools(install=os.environ.get("ASSETBLAZE_BROWSER_NO_INSTALL") != "1")
	if problems:
		pytest.fail("browser tests cannot run: " + "; ".join(problems), pytrace=False)


# ---------------------------------------------------------------------------------------------- site


@pytest.fixture(scope="session")
def site_connection():
	"""A database connection to the test site, for making (and committing) the data the browser looks at."""
	if not SITE:
		pytest.fail("ASSETBLAZE_TEST_SITE is not set (run through tools/run_tests.py)", pytrace=False)
	ours = not getattr(frappe.local, "initialised", False)
	if ours:
		frappe.init(site=SITE, sites_path=os.getcwd())
		frappe.connect()
	from tests.integration.factories import enter_test_mode

	enter_test_mode()
	frappe.set_user("Administrator")
	from tests.integration.factories import ensure_fiscal_year

	ensure_fiscal_year()
	yield
	if ours and getattr(frappe.local, "initialised", False):
		frappe.db.rollback()
		frappe.destroy()


@pytest.fixture(scope="session")
def trace_data(site_connection):
	"""Traceability on; a Serial-traced item (own Item Group and format); a Sales Order for 3; a completed
	Work Order for 3 reserved to it. Committed, because the web server reads it from another process."""
	from tests.integration.factories import make_sales_order, produce, records, serial_item, settings

	settings(enabled=1)
	item = serial_item()
	so = make_sales_order(item, 3)
	units = produce(item, 3, sales_order=so.name)
	frappe.db.commit()
	rows = records(item_code=item)
	assert [r.name for r in rows] == units and len(units) == 3, (units, rows)
	return frappe._dict(
		item=item,
		item_group=frappe.db.get_value("Item", item, "item_group"),
		sales_order=so.name,
		customer=so.customer,
		units=units,
		work_order=rows[0].work_order,
		stock_entry=rows[0].stock_entry,
		records={r.name: r for r in rows},
	)


@pytest.fixture(scope="session")
def allocated_data(site_connection):
	"""Like trace_data, plus a draft Delivery Note from the Sales Order for 1 unit: one unit Allocated
	(it keeps its Sales Order), two still Available and reserved. Committed."""
	from tests.integration.factories import (
		delivery_note_from_sales_order,
		make_sales_order,
		produce,
		serial_item,
		settings,
		status_of,
	)

	settings(enabled=1)
	item = serial_item()
	so = make_sales_order(item, 3)
	units = produce(item, 3, sales_order=so.name)
	dn = delivery_note_from_sales_order(so.name, insert=False)
	dn.items[0].qty = 1
	dn.insert()
	frappe.db.commit()
	statuses = status_of(units)
	allocated = [u for u in units if statuses[u] == "Allocated"]
	reserved = [u for u in units if statuses[u] == "Available"]
	assert len(allocated) == 1 and len(reserved) == 2, statuses
	return frappe._dict(
		item=item,
		sales_order=so.name,
		delivery_note=dn.name,
		units=units,
		allocated=allocated,
		reserved=reserved,
	)


# -------------------------------------------------------------------------------------------- server


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _get(url: str, timeout: float = 2) -> tuple[int, str]:
	with urllib.request.urlopen(url, timeout=timeout) as response:
		return response.status, response.read().decode(errors="replace")


@pytest.fixture(scope="session")
def server():
	"""tests/browser/serve.py on a free port of 127.0.0.1, run from the bench's sites/ folder; killed at the end."""
	if not SITE:
		pytest.fail("ASSETBLAZE_TEST_SITE is not set (run through tools/run_tests.py)", pytrace=False)
	ARTIFACTS.mkdir(parents=True, exist_ok=True)
	port = _free_port()
	log_path = ARTIFACTS / "browser-server.log"
	log = open(log_path, "w")
	proc = subprocess.Popen(
		[sys.executable, str(Path(__file__).with_name("serve.py")), str(port), SITE],
		cwd=os.getcwd(),
		stdout=log,
		stderr=subprocess.STDOUT,
	)
	base = f"http://127.0.0.1:{port}"
	deadline = time.time() + 90
	ready = False
	while time.time() < deadline and proc.poll() is None:
		try:
			status, body = _get(base + "/api/method/ping")
			if status == 200 and "pong" in body:
				ready = True
				break
		except OSError:
			pass
		time.sleep(0.5)
	if not ready:
		proc.kill()
		proc.wait()
		log.close()
		pytest.fail(
			f"the web server did not answer {base}/api/method/ping:\n{log_path.read_text()[-3000:]}",
			pytrace=False,
		)
	_say(f"serving {SITE} at {base} (pid {proc.pid}, log {log_path})")
	yield base
	_stop(proc, log, 10)


def _stop(proc, log, seconds: int) -> None:
	proc.terminate()
	try:
		proc.wait(timeout=seconds)
	except subprocess.TimeoutExpired:
		proc.kill()
		proc.wait()
	log.close()


@pytest.fixture(scope="session")
def worker(server):
	"""A Frappe background worker of this bench (``frappe worker --queue long,default,short``), for what the
	web server enqueues (label printing); killed at the end."""
	log_path = ARTIFACTS / "browser-worker.log"
	log = open(log_path, "w")
	proc = subprocess.Popen(
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"worker",
			"--queue",
			"long,default,short",
		],
		cwd=os.getcwd(),
		stdout=log,
		stderr=subprocess.STDOUT,
	)
	time.sleep(2)
	if proc.poll() is not None:
		log.close()
		pytest.fail(f"the background worker stopped at once:\n{log_path.read_text()[-3000:]}", pytrace=False)
	_say(f"background worker running (pid {proc.pid}, log {log_path})")
	yield proc
	_stop(proc, log, 15)


# ------------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser(browser_tools):
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
		yield chromium
		chromium.close()


@pytest.fixture
def expect(browser_tools):
	"""Playwright's ``expect``, with the suite's timeout (imported late: Playwright may have just been installed)."""
	from playwright.sync_api import expect as playwright_expect

	playwright_expect.set_options(timeout=TIMEOUT_MS)
	return playwright_expect


class Desk:
	"""One browser tab on the Desk, with screenshots named after the test and the JavaScript errors it raised."""

	def __init__(self, page, base: str, test_name: str):
		self.page = page
		self.base = base
		self.test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
		self.js_errors: list[str] = []
		self.failed_requests: list[str] = []
		page.on("pageerror", lambda error: self.js_errors.append(str(error)))
		page.on("response", self._on_response)

	def _on_response(self, response):
		if response.status >= 500 or (response.status >= 400 and "/api/method/" in response.url):
			self.failed_requests.append(f"{response.status} {response.request.method} {response.url}")

	def url(self, path: str) -> str:
		"""A Desk path written as on Frappe 15 (``/app/...``) becomes this bench's (``/desk/...`` on 16)."""
		if path == "/app" or path.startswith(("/app/", "/app?")):
			path = DESK + path[len("/app") :]
		return self.base + path

	def goto(self, path: str):
		self.page.goto(self.url(path), wait_until="domcontentloaded")
		self.wait_for_desk()

	def wait_for_desk(self):
		"""The Desk has booted and its router has drawn the current route (no freeze overlay left)."""
		self.page.wait_for_function(
			"() => window.frappe && frappe.boot && frappe.boot.user && frappe.container && frappe.container.page"
			" && !document.querySelector('#freeze.in')",
			timeout=TIMEOUT_MS,
		)

	def wait_for_form(self, doctype: str, name: str):
		self.page.wait_for_function(
			"([dt, dn]) => window.cur_frm && cur_frm.doctype === dt && cur_frm.doc && cur_frm.doc.name === dn"
			" && cur_frm.layout && cur_frm.layout.wrapper && frappe.get_route_str().startsWith('Form/' + dt + '/')"
			" && !document.querySelector('#freeze.in')",
			arg=[doctype, name],
			timeout=TIMEOUT_MS,
		)

	def shot(self, step: str) -> Path:
		SCREENSHOTS.mkdir(parents=True, exist_ok=True)
		# named with the major: both benches' runs leave their pictures side by side
		path = SCREENSHOTS / f"v{frappe_major()}-{self.test_name}-{step}.png"
		self.page.wait_for_timeout(300)  # let the last transition settle so the picture matches the DOM
		self.page.screenshot(path=str(path), full_page=False)
		return path

	def assert_no_errors(self):
		assert not self.js_errors, f"JavaScript errors on the page: {self.js_errors}"
		assert not self.failed_requests, f"failed server calls: {self.failed_requests}"


def _login_by_api(context, base: str) -> None:
	response = context.request.post(base + "/api/method/login", form={"usr": USER, "pwd": PASSWORD})
	assert response.ok, f"POST /api/method/login answered {response.status}: {response.text()[:500]}"


@pytest.fixture
def anonymous_desk(browser, server, request):
	"""A fresh, logged-out browser context."""
	context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
	context.set_default_timeout(TIMEOUT_MS)
	page = context.new_page()
	yield Desk(page, server, request.node.name)
	context.close()


@pytest.fixture
def desk(browser, server, request):
	"""A browser context logged in as Administrator (POST /api/method/login; the cookies stay in the context)."""
	context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
	context.set_default_timeout(TIMEOUT_MS)
	_login_by_api(context, server)
	page = context.new_page()
	yield Desk(page, server, request.node.name)
	context.close()
