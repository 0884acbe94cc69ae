"""Benchmark: the labels of 1,000 and 10,000 units as one PDF (the app's path: read the units, draw every label
in one pass; and the background job, which also saves the File), beside today's per-document path — Frappe's
download_multi_pdf of the HTML *Serial Label* print format — for 100 units. Prints seconds and pages.
The units are inserted set-based for one Work Order name and rolled back at the end.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_labels.py --site trace.localhost
"""

from __future__ import annotations

import io
import time

from _common import connect, parse_args, show, timed

args = parse_args(__doc__, units=10_000, runs=3, per_document=100)
frappe = connect(args.site)
import pypdf

from assetblaze_trace.floor import labels
from tests.integration import factories as f

print(f"Serial Records in the table: {frappe.db.count('Serial Record'):,}", flush=True)
f.settings(enabled=1, labels_at_once=500, label_width=0, label_height=0, label_font="")
item = f.make_item(trace_type="Serial", item_name="Bench label item · Prüfgerät")
wo = f"BL-WO-{frappe.generate_hash(length=6).upper()}"
frappe.db.sql(
	f"""INSERT INTO `tabSerial Record` (name, serial_no, trace_type, item_code, item_name, qty, status, warehouse,
		company, work_order, manufactured_on, serial_sequence, creation, modified, owner, modified_by, docstatus)
	SELECT CONCAT(%(wo)s, '-', LPAD(seq, 6, '0')), CONCAT(%(wo)s, '-', LPAD(seq, 6, '0')), 'Serial', %(item)s,
		'Bench label item · Prüfgerät', 1, 'Available', %(wh)s, %(company)s, %(wo)s,
		NOW(6) - INTERVAL (%(n)s - seq) SECOND, seq, NOW(6), NOW(6), 'Administrator', 'Administrator', 0
	FROM seq_1_to_{int(args.units)}""",
	{"wo": wo, "item": item, "wh": f.warehouse("Finished Goods"), "company": f.company(), "n": args.units},
)
font = labels.font()
print(f"label font: {font.path if font else 'Helvetica (none found)'}", flush=True)


def pages(pdf: bytes) -> int:
	return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def app_path(n: int) -> dict:
	out = {}

	def run():
		start = time.perf_counter()
		rows = labels.units(frappe._dict(filters={"work_order": wo, "serial_sequence": ("<=", n)}))
		out["read"] = time.perf_counter() - start
		out["pdf"] = labels.render(rows)

	out["total"] = timed(run)
	return out


for n in (1_000, args.units):
	results = [app_path(n) for _ in range(args.runs)]
	count = pages(results[-1]["pdf"])
	show(
		f"app: {n:,} labels as one PDF ({count:,} pages, {len(results[-1]['pdf']) / 1e6:.1f} MB)",
		[r["total"] for r in results],
	)
	show("  of which reading the units", [r["read"] for r in results])
	assert count == n, (count, n)

# the background job as the worker runs it (reads, draws, saves the private File), for the large selection
job = "bench-" + frappe.generate_hash(length=8)
labels._set_status(job, {"user": frappe.session.user, "total": args.units, "done": 0, "status": "Queued"})
show(
	f"app: background job, {args.units:,} labels, File saved",
	[timed(lambda: labels.run_job(job=job, selection={"filters": {"work_order": wo}}))],
)
for saved in frappe.get_all(
	"File",
	filters={
		"file_name": ("like", "labels-%"),
		"creation": (">=", frappe.utils.add_to_date(None, minutes=-5)),
	},
	pluck="name",
):
	frappe.get_doc("File", saved).delete()  # the job's file, from disk too (the rollback keeps disks)

# today's path for comparison: one HTML render + wkhtmltopdf per document, merged. wkhtmltopdf fetches the print
# styles from the site's web server, so one is started here (tests/browser/serve.py) for the site.
import os
import socket
import subprocess
import sys

from frappe.utils.print_format import download_multi_pdf

with socket.socket() as s:
	s.bind(("127.0.0.1", 0))
	port = s.getsockname()[1]
server = subprocess.Popen(
	[
		sys.executable,
		str(f.__file__).replace("integration/factories.py", "browser/serve.py"),
		str(port),
		args.site,
	],
	cwd=os.getcwd(),
	stdout=subprocess.DEVNULL,
	stderr=subprocess.DEVNULL,
)
for _ in range(120):
	with socket.socket() as probe:
		if probe.connect_ex(("127.0.0.1", port)) == 0:
			break
	time.sleep(0.5)
frappe.local.conf.host_name = f"http://127.0.0.1:{port}"

names = frappe.get_all(
	"Serial Record",
	filters={"work_order": wo},
	pluck="name",
	order_by="serial_sequence",
	limit=args.per_document,
)
start = time.perf_counter()
download_multi_pdf("Serial Record", frappe.as_json(names), format="Serial Label", no_letterhead=1)
per_doc = time.perf_counter() - start
per_doc_pages = pages(frappe.local.response.filecontent)
print(
	f"{'Frappe per-document path (download_multi_pdf), ' + str(args.per_document) + ' labels':<58} "
	f"{per_doc:8.3f} s   ({per_doc_pages} pages, {per_doc / args.per_document:.3f} s a label)",
	flush=True,
)
server.terminate()
assert per_doc_pages == args.per_document, (
	f"the per-document path made {per_doc_pages} pages (wkhtmltopdf failed?)"
)
frappe.db.rollback()
f.settings(enabled=1)
frappe.db.commit()
