#!/usr/bin/env python3
"""Run every AssetBlaze Trace test: the pure unit tests anywhere, and the integration (and browser)
tests against a test site of a Frappe/ERPNext bench when one is found.

    python3 tools/run_tests.py [extra pytest args]

It runs the whole suite once per bench it finds (ERPNext 15 and ERPNext 16 side by side), each on its own
test site, and prints one summary line per bench with its Frappe/ERPNext/Python versions, then a total.

Environment:
    ASSETBLAZE_BENCHES            the benches, separated by ":" (default ~/frappe-bench:~/frappe-bench-16);
                                  a bench in the list that is not there is reported loudly as missing
    ASSETBLAZE_BENCH              one bench only (overrides ASSETBLAZE_BENCHES; kept for old habits)
    ASSETBLAZE_TEST_SITE          the dedicated test site (default assetblaze-test.localhost); created if missing
    ASSETBLAZE_DB_ROOT_PASSWORD   MariaDB root password used only to create that site (default "root")
    ASSETBLAZE_SKIP_MIGRATE=1     do not migrate the test site before the run (faster when nothing changed)

For each bench, this links the bench's apps/assetblaze_trace to *this* checkout (so the tests run the
code you are looking at, not another copy), starts MariaDB and the bench's Redis if they are down,
creates and sets up the test site if it is missing, migrates it, and runs pytest with the bench's
Python from the bench's sites/ folder. It never builds Frappe or ERPNext.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
APP = "assetblaze_trace"
DEFAULT_BENCHES = "~/frappe-bench:~/frappe-bench-16"
BENCHES = [
	Path(b).expanduser()
	for b in (
		os.environ.get("ASSETBLAZE_BENCH") or os.environ.get("ASSETBLAZE_BENCHES") or DEFAULT_BENCHES
	).split(":")
	if b.strip()
]
BENCH = BENCHES[0]  # the bench being worked on; main() points it at each one in turn
SITE = os.environ.get("ASSETBLAZE_TEST_SITE", "assetblaze-test.localhost")
DB_ROOT_PASSWORD = os.environ.get("ASSETBLAZE_DB_ROOT_PASSWORD", "root")


def say(message: str) -> None:
	print(f"[run_tests] {message}", flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
	say("$ " + " ".join(map(str, cmd)))
	return subprocess.run(list(map(str, cmd)), check=True, **kw)


def bench_problem() -> str | None:
	if not BENCH.exists():
		return f"no bench at {BENCH}"
	for need in ("env/bin/python", "apps/frappe", "apps/erpnext", "sites/common_site_config.json"):
		if not (BENCH / need).exists():
			return f"{BENCH} has no {need}"
	return None


def port_open(host: str, port: int) -> bool:
	with socket.socket() as s:
		s.settimeout(0.5)
		return s.connect_ex((host, port)) == 0


def wait_for(host: str, port: int, what: str, seconds: int = 60) -> None:
	deadline = time.time() + seconds
	while time.time() < deadline:
		if port_open(host, port):
			return
		time.sleep(0.5)
	raise SystemExit(f"[run_tests] {what} did not come up on {host}:{port}")


def common_config() -> dict:
	return json.loads((BENCH / "sites/common_site_config.json").read_text())


def ensure_mariadb() -> None:
	config = common_config()
	host = config.get("db_host", "127.0.0.1")
	port = int(config.get("db_port", 3306))
	if host in ("localhost", "127.0.0.1") and not port_open("127.0.0.1", port):
		say("MariaDB is not running: starting it")
		if shutil.which("service"):
			subprocess.run(["service", "mariadb", "start"], check=False)
		if not port_open("127.0.0.1", port) and shutil.which("mysqld_safe"):
			subprocess.Popen(
				["mysqld_safe"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
			)
		wait_for("127.0.0.1", port, "MariaDB")


def ensure_redis() -> None:
	config = common_config()
	for key, conf in (("redis_cache", "redis_cache.conf"), ("redis_queue", "redis_queue.conf")):
		url = config.get(key)
		if not url:
			continue
		parsed = urlparse(url)
		host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
		if port_open(host, port):
			continue
		say(f"{key} is not running: starting redis-server on port {port}")
		conf_path = BENCH / "config" / conf
		cmd = (
			["redis-server", str(conf_path)] if conf_path.exists() else ["redis-server", "--port", str(port)]
		)
		subprocess.Popen(
			[*cmd, "--daemonize", "yes"], cwd=BENCH, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
		)
		wait_for(host, port, key)


def link_app() -> None:
	"""Make the bench's apps/assetblaze_trace this checkout, and the bench's Python import it."""
	target = BENCH / "apps" / APP
	if target.is_symlink():
		if target.resolve() != REPO:
			target.unlink()
	elif target.exists():
		aside = target.with_name(f"{APP}.aside-{int(time.time())}")
		say(f"{target} is another copy of the app: moving it to {aside} so the tests run this checkout")
		target.rename(aside)
	if not target.exists():
		target.symlink_to(REPO, target_is_directory=True)

	python = BENCH / "env/bin/python"
	probe = [python, "-c", f"import {APP}, os; print(os.path.realpath({APP}.__file__))"]
	sites = BENCH / "sites"
	where = subprocess.run(list(map(str, probe)), capture_output=True, text=True, cwd=sites).stdout.strip()
	if not where.startswith(str(REPO) + os.sep):
		site_packages = subprocess.run(
			[str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
			capture_output=True,
			text=True,
			check=True,
		).stdout.strip()
		Path(site_packages, f"_{APP}_bench.pth").write_text(str(BENCH / "apps" / APP) + "\n")
		where = subprocess.run(
			list(map(str, probe)), capture_output=True, text=True, cwd=sites
		).stdout.strip()
		if not where.startswith(str(REPO) + os.sep):
			raise SystemExit(
				f"[run_tests] the bench imports {APP} from {where or 'nowhere'}, not from {REPO}"
			)

	apps_txt = BENCH / "sites/apps.txt"
	apps = apps_txt.read_text().split()
	if APP not in apps:
		apps_txt.write_text("\n".join([*apps, APP]) + "\n")

	assets = BENCH / "sites/assets"
	assets.mkdir(exist_ok=True)
	public = assets / APP
	if public.is_symlink() or not public.exists():
		if public.is_symlink():
			public.unlink()
		public.symlink_to(BENCH / "apps" / APP / APP / "public", target_is_directory=True)
	say(f"bench app {APP} -> {REPO}")


def ensure_python_dependencies(python: str | None = None) -> None:
	"""The app's own PyPI dependencies (pyproject.toml), and its ``test`` extra, in the bench's env (or
	``python``'s, for the unit tests alone), as `bench get-app` would do."""
	import tomllib

	python = python or str(BENCH / "env/bin/python")
	project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
	wanted = project.get("dependencies", []) + project.get("optional-dependencies", {}).get("test", [])
	missing = []
	for requirement in wanted:
		name = requirement.split(";")[0].split("[")[0]
		for sep in ("~=", "==", ">=", "<=", "<", ">", "!="):
			name = name.split(sep)[0]
		probe = f"import importlib.metadata as m; m.distribution({name.strip()!r})"
		if subprocess.run([python, "-c", probe], capture_output=True).returncode:
			missing.append(requirement)
	if missing:
		say("installing the app's dependencies into the bench: " + ", ".join(missing))
		if shutil.which("uv"):
			run(["uv", "pip", "install", "--python", python, *missing])
		else:
			run([python, "-m", "pip", "install", *missing])


def frappe_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
	cmd = [str(BENCH / "env/bin/python"), "-m", "frappe.utils.bench_helper", "frappe", *args]
	say("$ frappe " + " ".join(args))
	return subprocess.run(cmd, cwd=BENCH / "sites", check=check, capture_output=not check, text=True)


def ensure_site() -> None:
	if not (BENCH / "sites" / SITE / "site_config.json").exists():
		say(f"test site {SITE} is missing: creating it with ERPNext (a few minutes, once)")
		frappe_cli(
			"new-site",
			SITE,
			"--db-root-username",
			"root",
			"--db-root-password",
			DB_ROOT_PASSWORD,
			"--admin-password",
			"admin",
			"--install-app",
			"erpnext",
		)
		# ERPNext's own test setup: completes the setup wizard with a test company.
		frappe_cli("--site", SITE, "execute", "erpnext.setup.utils.before_tests")
	installed = frappe_cli("--site", SITE, "list-apps", check=False).stdout or ""
	if APP not in installed:
		# the site's cache may predate the app's line in apps.txt (its module list would then miss the app,
		# and install-app would sync none of its DocTypes)
		frappe_cli("--site", SITE, "clear-cache")
		frappe_cli("--site", SITE, "install-app", APP)
	elif os.environ.get("ASSETBLAZE_SKIP_MIGRATE") != "1":
		frappe_cli("--site", SITE, "migrate", "--skip-search-index")
	# The site's encryption key, before any test starts a web server: Frappe 16's new-site writes none, and the
	# first process to need one (the test, the server) would write its own while the other keeps another in
	# memory (API secrets set by the test then fail to decrypt in the server).
	config = json.loads((BENCH / "sites" / SITE / "site_config.json").read_text())
	if not config.get("encryption_key"):
		frappe_cli("--site", SITE, "execute", "frappe.utils.password.get_encryption_key")


def pytest_cmd(python: str, paths: list[str], junit: Path | None = None) -> list[str]:
	# test files or folders given on the command line replace the default (the whole suite)
	# (made absolute: pytest runs in the bench's sites folder)
	args = [str(Path(a).resolve()) if not a.startswith("-") and Path(a).exists() else a for a in sys.argv[1:]]
	if any(not a.startswith("-") and Path(a).exists() for a in sys.argv[1:]):
		paths = []
	return [
		python,
		"-m",
		"pytest",
		"-p",
		"no:cacheprovider",
		"--rootdir",
		str(REPO),
		"-c",
		str(REPO / "pyproject.toml"),
		*([f"--junitxml={junit}"] if junit else []),
		*paths,
		*args,
	]


def versions() -> str:
	"""Frappe / ERPNext / Python versions of the current bench, as its own Python reports them."""
	probe = (
		"import sys, frappe, erpnext; "
		"print(f'Frappe {frappe.__version__}, ERPNext {erpnext.__version__}, Python {sys.version.split()[0]}')"
	)
	out = subprocess.run(
		[str(BENCH / "env/bin/python"), "-c", probe], capture_output=True, text=True, cwd=BENCH / "sites"
	)
	return out.stdout.strip() or "versions unknown: " + out.stderr.strip()[-200:]


def junit_counts(path: Path) -> dict[str, int]:
	"""passed / failed / skipped from pytest's JUnit XML (errors count as failed)."""
	counts = {"passed": 0, "failed": 0, "skipped": 0}
	if not path.exists():
		return counts
	root = ET.parse(path).getroot()
	for suite in root.iter("testsuite"):
		tests, failures = int(suite.get("tests", 0)), int(suite.get("failures", 0))
		errors, skipped = int(suite.get("errors", 0)), int(suite.get("skipped", 0))
		counts["failed"] += failures + errors
		counts["skipped"] += skipped
		counts["passed"] += tests - failures - errors - skipped
	return counts


def run_bench() -> tuple[int, dict[str, int]]:
	"""The whole suite (unit + integration + browser) against the current bench's test site."""
	ensure_mariadb()
	ensure_redis()
	link_app()
	ensure_python_dependencies()
	ensure_site()
	env = dict(os.environ, ASSETBLAZE_TEST_SITE=SITE, ASSETBLAZE_BENCH=str(BENCH))
	junit = BENCH / "sites" / f".{APP}-junit.xml"
	junit.unlink(missing_ok=True)
	say(f"running unit + integration + browser tests against site {SITE} of {BENCH}")
	code = subprocess.call(
		pytest_cmd(str(BENCH / "env/bin/python"), [str(REPO / "tests")], junit), cwd=BENCH / "sites", env=env
	)
	return code, junit_counts(junit)


def main() -> int:
	global BENCH
	present, missing = [], []
	for bench in BENCHES:
		BENCH = bench
		problem = bench_problem()
		(missing if problem else present).append((bench, problem))
	for _bench, problem in missing:
		print(
			f"\n*** BENCH MISSING: {problem}. The integration and browser suites do NOT run on it. "
			"(Build it as README.md says, or set ASSETBLAZE_BENCHES.) ***\n",
			flush=True,
		)
	if not present:
		print(
			"\n*** INTEGRATION SUITE SKIPPED: no bench found. Only the pure unit tests run. ***\n", flush=True
		)
		ensure_python_dependencies(sys.executable)  # the label tests draw real barcodes
		return subprocess.call(pytest_cmd(sys.executable, [str(REPO / "tests/unit")]), cwd=REPO)

	results = []
	for bench, _problem in present:
		BENCH = bench
		label = versions()
		started = time.time()
		try:
			code, counts = run_bench()
		except (subprocess.CalledProcessError, SystemExit) as error:
			say(f"{bench}: setting up the test site failed: {error}")
			code, counts = 1, junit_counts(Path("/nonexistent"))
			counts["failed"] += 1
		results.append((bench, label, code, counts, time.time() - started))

	print("\n[run_tests] summary, one line per bench:", flush=True)
	for bench, label, code, counts, seconds in results:
		verdict = "ok" if code == 0 else f"FAILED (pytest exit {code})"
		print(
			f"[run_tests]   {bench} ({label}): {counts['passed']} passed, {counts['failed']} failed, "
			f"{counts['skipped']} skipped in {seconds:.0f} s: {verdict}",
			flush=True,
		)
	for bench, problem in missing:
		print(f"[run_tests]   {bench}: MISSING ({problem})", flush=True)
	total = {k: sum(r[3][k] for r in results) for k in ("passed", "failed", "skipped")}
	print(
		f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped", flush=True
	)
	return 0 if all(r[2] == 0 for r in results) else 1


if __name__ == "__main__":
	sys.exit(main())
