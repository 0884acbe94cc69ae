"""Shared pytest setup. Integration tests need a bench: tools/run_tests.py provides one (it sets
ASSETBLAZE_TEST_SITE and runs pytest from the bench's sites/ folder with the bench's Python)."""

import importlib.util
import os

collect_ignore = []
if not (os.environ.get("ASSETBLAZE_TEST_SITE") and importlib.util.find_spec("frappe")):
	collect_ignore += ["integration", "browser"]
	print(
		"\n*** integration and browser tests not collected: no bench site "
		"(run them with `python3 tools/run_tests.py`) ***"
	)
