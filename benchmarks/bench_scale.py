"""One command for the scale figures: for each size in --steps (default 1,000,000 then 10,000,000) seed the site
up to that many Serial Records (and their events, counts and suffix index), then print every Desk read with its
plan (bench_desk_queries.py) and the write paths (bench_generation.py: a 10,000-unit completion; bench_shipment.py:
a 5,000-unit Delivery Note; bench_write_paths.py: both interleaved, the app's share and InnoDB's work
counters). A site that already has more records than a step measures at its own size.

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/assetblaze_trace/benchmarks/bench_scale.py --site trace.localhost

MariaDB settings used for the figures in the notes: innodb_buffer_pool_size = 512 MB, 2 cores, defaults otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--site", default=os.environ.get("ASSETBLAZE_TEST_SITE", "trace.localhost"))
parser.add_argument("--steps", default="1000000,10000000")
parser.add_argument("--skip-writes", action="store_true")
parser.add_argument(
	"--db-root-password", default="", help="lets bench_write_paths.py flush InnoDB between steps"
)
args = parser.parse_args()


def run(script: str, *extra: str) -> str:
	cmd = [sys.executable, str(HERE / script), "--site", args.site, *extra]
	print(f"\n$ {' '.join(cmd)}", flush=True)
	out = subprocess.run(cmd, capture_output=True, text=True, cwd=os.getcwd())
	lines = [line for line in out.stdout.splitlines() if line.strip()]
	print("\n".join(lines), flush=True)
	if out.returncode:
		print(out.stderr[-3000:], flush=True)
		raise SystemExit(f"{script} failed")
	return out.stdout


for step in [int(s) for s in args.steps.split(",") if s]:
	print(f"\n==================== {step:,} records ====================", flush=True)
	run("seed_serial_records.py", "--count", str(step))
	run("bench_desk_queries.py")
	if not args.skip_writes:
		run("bench_generation.py", "--native-runs", "0", "--runs", "5")
		run("bench_shipment.py", "--native-runs", "0", "--runs", "5")
		run("bench_write_paths.py", "--rounds", "9", "--db-root-password", args.db_root_password)
