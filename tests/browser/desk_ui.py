"""Where the Desk's screen differs between Frappe 15 and Frappe 16, in one place.

The browser tests ask this module for "the title of the page on show", "the user menu", "the awesome bar's
input", "the rows of the list"... and check on what it returns, the same way on both majors. Each function
says what the user sees on each major; the choice is made once, here, from ``frappe_major()``.

What Frappe 16 (and ERPNext 16) changed on screen, as met by these tests:

- **Page title.** 15 shows it in the page head (``.title-text``). 16 has no title there: the page head holds
  a breadcrumb trail (``/ Stock / Item / ITEM-0001``) whose last crumb is the page's title: the document's
  title on a form, the DocType on a list, the report's name on a report.
- **User menu.** 15: the avatar at the right of the top navbar opens ``#toolbar-user`` (My Settings ...
  Log out). 16 lands on a *desktop* of app icons: its avatar (top right) opens a context menu
  (Edit Profile ... Logout).
- **Awesome bar.** 15: the search input ``#navbar-search`` sits in the navbar. 16: a "Search Ctrl+K" button
  (on the desktop, or in the workspace sidebar) opens a modal holding that input.
- **ERPNext's serial / batch fields in item rows.** 16 hides them (Serial and Batch Bundle, "Use Serial No /
  Batch Fields", Serial No, Batch No) unless the default ``enable_serial_and_batch_no_for_item`` (Stock
  Settings → "Enable Serial / Batch No for Item") is on; 15 always shows them.

Written once for both (the same selector finds the same thing on each):

- List rows: 16 wraps the list's header in a ``.list-row-container`` too, so the rows are the containers that
  hold a ``.list-row``.
- Form tabs: an ``<a href="#pane">`` on 15, a ``<button>`` on 16; both carry ``data-fieldname``,
  ``role="tab"`` and ``aria-controls="<pane id>"``.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from assetblaze_trace.compat import frappe_major

V16 = frappe_major() >= 16


# ------------------------------------------------------------------------------------- the same on both


def list_rows(page):
	"""The rows of the list on show, one per document (not its header)."""
	return page.locator(".frappe-list:visible .result .list-row-container:has(> .list-row)")


def form_tab(page, fieldname: str):
	"""The form's tab link for the Tab Break ``fieldname``, on the form on show."""
	return page.locator(f'.form-tabs:visible .nav-link[role="tab"][data-fieldname="{fieldname}"]')


def form_tab_of_pane(page, pane_id: str):
	"""The form's tab link that shows the tab pane ``#pane_id``."""
	return page.locator(f'.form-tabs:visible .nav-link[role="tab"][aria-controls="{pane_id}"]')


def wait_until_settled(page, quiet_ms: int = 250, timeout: int = 30000):
	"""Wait until the page has made no server call for ``quiet_ms``: Frappe counts the calls in flight in
	``frappe.request.ajax_count``. A form keeps working after it is drawn: ERPNext's Sales Order (and others)
	call the server from ``refresh`` and, on the answer, ``frm.refresh_fields()`` -> ``layout.refresh()`` ->
	``refresh_section_collapse()``, which shuts every collapsible section again. A section opened before those
	answers is shut under the user's (and a test's) eyes."""
	page.wait_for_function(
		"""(quiet) => {
			const busy = !window.frappe || !frappe.request || frappe.request.ajax_count > 0
				|| document.querySelector('#freeze.in');
			const now = Date.now();
			if (busy || window.__trace_quiet_since === undefined) { window.__trace_quiet_since = busy ? undefined : now; return false; }
			return now - window.__trace_quiet_since >= quiet;
		}""",
		arg=quiet_ms,
		polling=50,
		timeout=timeout,
	)
	page.evaluate("() => { window.__trace_quiet_since = undefined; }")


def record_alerts(page) -> None:
	"""Keep every alert the page shows: an alert fades out after a few seconds, and a slow machine can look for
	it after it has gone."""
	page.evaluate(
		"""() => { window.__alerts = []; const show = frappe.show_alert;
		frappe.show_alert = function (message) {
			window.__alerts.push(typeof message === 'string' ? message : (message && message.message) || '');
			return show.apply(this, arguments);
		}; }"""
	)


def scan(page, value: str, alert: str) -> None:
	"""Scan ``value`` into the form's Scan Barcode field and wait for the alert holding ``alert`` (``record_alerts``
	first), then until the form has finished with it: a scan read while ERPNext is still setting the row from the
	previous answer (item details, rate, quantity) is dropped or overwritten by it — the flake seen under load:
	an alert never shown, or the first serial lost from the row."""
	field = page.locator('.frappe-control[data-fieldname="scan_barcode"]:visible input').first
	field.scroll_into_view_if_needed()
	field.fill(value)
	field.press("Enter")
	page.wait_for_function(
		"(a) => window.__alerts.some(m => $('<div>').html(m).text().includes(a))", arg=alert
	)
	wait_until_settled(page)


def show_section(page, expect, fieldname: str):
	"""Bring the form's field ``fieldname`` on screen as a user does: its tab clicked when another tab is on
	show, its collapsible section opened when it is shut; returns the field's section. Checks the section's
	state before each click (a blind toggle can shut a section Frappe has just opened), and waits for it."""
	pane_id = page.evaluate(
		"(f) => { const field = cur_frm.get_field(f); const pane = field && $(field.wrapper).closest('.tab-pane');"
		" return pane && pane.length ? pane.attr('id') : null; }",
		fieldname,
	)
	if pane_id:
		pane = page.locator(f"#{pane_id}")
		if not pane.is_visible():
			form_tab_of_pane(page, pane_id).click()
		expect(pane).to_be_visible()
	# open it only once the form has stopped refreshing itself (see wait_until_settled), and look again after
	wait_until_settled(page)
	section_name = page.evaluate(
		"(f) => $(cur_frm.get_field(f).wrapper).closest('.form-section').attr('data-fieldname')", fieldname
	)
	section = page.locator(f'.form-section[data-fieldname="{section_name}"]:visible')
	expect(section).to_have_count(1)
	head = section.locator(".section-head")
	# a click can land while the form is still refreshing, which draws the section shut again: look, click
	# only when shut, give it a moment, look again (a few times; never a blind toggle)
	for _attempt in range(5):
		if "collapsed" not in (head.get_attribute("class") or ""):
			break
		head.click()
		try:
			expect(head).not_to_have_class(re.compile(r"\bcollapsed\b"), timeout=3000)
			break
		except AssertionError:
			continue
	expect(head).not_to_have_class(re.compile(r"\bcollapsed\b"))
	wait_until_settled(page)
	if "collapsed" in (head.get_attribute("class") or ""):  # a late answer refreshed the form: open it again
		head.click()
	expect(head).not_to_have_class(re.compile(r"\bcollapsed\b"))
	expect(section.locator(".section-body")).to_be_visible()
	return section


def booted_workspaces(page) -> list[str]:
	"""The workspaces (and, on 16, desktop icons) the Desk booted with: 15 lists them in
	``allowed_workspaces``, 16 in ``workspaces.pages`` and ``desktop_icons``. One expression reads either."""
	return page.evaluate(
		"""() => [
			...(frappe.boot.allowed_workspaces || []).map((w) => w.name),
			...((frappe.boot.workspaces || {}).pages || []).map((w) => w.name),
			...(frappe.boot.desktop_icons || []).map((i) => i.label),
		]"""
	)


# ------------------------------------------------------------------------------------ what differs


if V16:

	def page_title(page):
		"""The title of the page on show: the last crumb of the page head's breadcrumbs (the Desk keeps
		earlier pages in the DOM, hidden; every page head carries the current trail)."""
		return page.locator(".page-head:visible .navbar-breadcrumbs > li:last-child > a")

	USER_MENU_PROFILE, USER_MENU_LOGOUT = "Edit Profile", "Logout"

	def open_user_menu(page, expect):
		"""Click the user's avatar on the desktop (where the Desk lands after login); return the menu it
		opened (visible)."""
		avatar = page.locator(".desktop-navbar:visible .desktop-avatar")
		expect(avatar).to_be_visible()
		expect(avatar.locator(".avatar")).to_have_attribute(
			"title", page.evaluate("frappe.session.user_fullname")
		)
		avatar.click()
		menu = page.locator(".frappe-menu.context-menu:visible")
		expect(menu).to_have_count(1)
		return menu

	def open_awesome_bar(page, expect):
		"""Click "Search" (the desktop's bar, or the workspace sidebar's item); return the search input of
		the modal it opened."""
		button = page.locator("#desktop-navbar-modal-search:visible, #navbar-modal-search:visible").first
		expect(button).to_be_visible()
		expect(button).to_contain_text("Search")
		button.click()
		search = page.locator(".modal.show #navbar-search")
		expect(search).to_be_visible()
		expect(search).to_be_focused()
		return search

	@contextmanager
	def erpnext_serial_batch_fields_shown():
		"""ERPNext 16 shows the item rows' serial / batch fields (among them "Use Serial No / Batch Fields")
		only when the default ``enable_serial_and_batch_no_for_item`` is on (Stock Settings saves it from
		"Enable Serial / Batch No for Item"); a site whose setting was set without saving the form keeps the
		default off. Turn both on for the duration (committed: the web server reads them), then put them
		back. The Desk reads the default at boot: open the page after entering."""
		import frappe

		before = (
			frappe.db.get_single_value("Stock Settings", "enable_serial_and_batch_no_for_item"),
			frappe.db.get_default("enable_serial_and_batch_no_for_item"),
		)

		def put(single, default):
			frappe.db.set_single_value("Stock Settings", "enable_serial_and_batch_no_for_item", single)
			frappe.db.set_default("enable_serial_and_batch_no_for_item", default)
			frappe.db.commit()
			frappe.cache.delete_key("bootinfo")  # the Desk's boot info (user defaults in it) is cached

		put(1, 1)
		try:
			yield
		finally:
			frappe.db.rollback()
			put(before[0] or 0, 0 if before[1] is None else before[1])

else:

	def page_title(page):
		"""The title of the page on show, in its page head (the Desk keeps earlier pages in the DOM, hidden)."""
		return page.locator(".page-head:visible .title-text")

	USER_MENU_PROFILE, USER_MENU_LOGOUT = "My Settings", "Log out"

	def open_user_menu(page, expect):
		"""Click the user's avatar (the navbar's "User Menu" button); return the dropdown it opened (visible)."""
		avatar = page.locator(".navbar .dropdown-navbar-user").get_by_role("button", name="User Menu")
		expect(avatar).to_be_visible()
		expect(avatar.locator(".avatar")).to_have_attribute(
			"title", page.evaluate("frappe.session.user_fullname")
		)
		avatar.click()
		menu = page.locator("#toolbar-user.show")
		expect(menu).to_have_count(1)
		return menu

	def open_awesome_bar(page, expect):
		"""Click the navbar's search input; return it."""
		search = page.locator("#navbar-search")
		expect(search).to_be_visible()
		search.click()
		expect(search).to_be_focused()
		return search

	@contextmanager
	def erpnext_serial_batch_fields_shown():
		"""ERPNext 15 always shows the item rows' serial / batch fields: nothing to do."""
		yield


def save_and_wait_for_reload(page, timeout: int = 30000) -> None:
	"""Save the form on show and wait for the reload ERPNext schedules after it.

	ERPNext's Pick List form reloads itself 500 ms after every save (``after_save`` → ``setTimeout(() =>
	frm.reload_doc(), 500)``, "to fix the issue of locations table not getting updated after save"). The reload
	draws the form again: a row form opened in those 500 ms is torn down with it (what made the Pick List
	browser test fail at random on Frappe 16, leaving the page dimmed by the closed row form's backdrop). So the
	test waits for that reload to have drawn the form, not only for the save."""
	page.evaluate(
		"""() => {
			const frm = cur_frm;
			window.__assetblaze_reloaded = false;
			const reload = frm.reload_doc.bind(frm);
			frm.reload_doc = (...args) =>
				Promise.resolve(reload(...args)).then((result) => {
					frm.reload_doc = reload;
					window.__assetblaze_reloaded = true;
					return result;
				});
			frm.save();
		}"""
	)
	page.wait_for_function(
		"() => window.__assetblaze_reloaded && window.cur_frm && !cur_frm.doc.__islocal && !cur_frm.is_dirty()"
		" && !document.querySelector('#freeze.in')",
		timeout=timeout,
	)
