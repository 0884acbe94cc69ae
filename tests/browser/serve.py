"""Serve one site of the bench on 127.0.0.1 only, for the browser tests (``bench serve`` binds 0.0.0.0).

Run from the bench's ``sites/`` folder with the bench's Python:

    ../env/bin/python /path/to/tests/browser/serve.py PORT SITE

It does what ``frappe.app.serve()`` does: pins the site, serves /assets and /files too, and runs werkzeug
threaded (Frappe calls back into its own server, e.g. for print CSS).
"""

import sys

import frappe.app
import werkzeug.serving


def main(port: int, site: str) -> None:
	frappe.app._site = site
	frappe.app._sites_path = "."
	app = frappe.app.application_with_statics()
	werkzeug.serving.run_simple("127.0.0.1", port, app, use_reloader=False, use_debugger=False, threaded=True)


if __name__ == "__main__":
	if len(sys.argv) != 3:
		raise SystemExit("usage: serve.py PORT SITE  (run from the bench's sites/ folder)")
	main(int(sys.argv[1]), sys.argv[2])
