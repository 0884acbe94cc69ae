"""Benchmark: the labels of 1,000 and 10,000 units as one PDF (the app's path: read the units, draw every label
of their Trace Label Template in one pass; and the background job, which also saves the File), beside Frappe's
per-document path — download_multi_pdf of the *Serial Label* print format — for 100 units. Prints seconds and pages.

Side by side in one run (issue 18): 10,000 labels of a designed template (text, Code 128, QR and an image) against
the fixed-layout writer the templates replaced (``label_pdf.render``, kept as the reference), alternated run by run
so both meet the same machine; the median ratio is printed.
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
f.settings(
	enabled=1, labels_at_once=500, label_font="", trace_label_template=labels.ensure_default_template()
)
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

# the designed template against the fixed layout, 10,000 labels each, alternated
from PIL import Image

from assetblaze_trace.floor import label_pdf

buffer = io.BytesIO()
Image.new("RGBA", (240, 80), (20, 60, 160, 255)).save(buffer, format="PNG")
logo = frappe.get_doc(
	{"doctype": "File", "file_name": "bench-logo.png", "content": buffer.getvalue(), "is_private": 1}
).insert()
designed = frappe.get_doc(
	{
		**labels.default_template(),
		"template_name": "Bench " + frappe.generate_hash(length=6),
	}
)
designed.elements[0].width_mm = 40  # room for the logo beside the serial
designed.append(
	"elements",
	{"element_type": "Image", "image": logo.file_url, "x_mm": 45, "y_mm": 20, "width_mm": 20, "height_mm": 8},
)
designed.insert()
rows = labels.units(frappe._dict(filters={"work_order": wo}))


def fixed_labels(rows):
	"""What the fixed writer was given (the service's old label_of): serial, item title, lot and Work Order lines."""
	dates = {}
	for row in rows:
		lines = []
		if row.get("trace_type") == "Batch":
			lines.append(f"Lot · Qty {row.get('qty'):g}")
		made = row.get("manufactured_on")
		day = made.date() if hasattr(made, "date") else made
		if day not in dates:
			dates[day] = frappe.utils.formatdate(day)
		lines.append(f"{row['work_order']} · {dates[day]}")
		title = row["item_code"] + (f" · {row['item_name']}" if row["item_name"] != row["item_code"] else "")
		yield {"serial": row["serial_no"], "title": title, "lines": lines}


fixed_times, designed_times = [], []
for _ in range(args.runs):
	fixed_times.append(timed(lambda: label_pdf.render(fixed_labels(rows), font=font, title="Labels")))
	designed_times.append(timed(lambda: labels.render(rows, template=designed.name)))
show(f"fixed layout (previous writer), {len(rows):,} labels", fixed_times)
show(f"designed template (text, Code 128, QR, image), {len(rows):,}", designed_times)
from _common import median

ratio = median(designed_times) / median(fixed_times)
print(f"{'designed / fixed (medians)':<58} {ratio:8.3f}   ({(ratio - 1) * 100:+.1f} %)", flush=True)

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
