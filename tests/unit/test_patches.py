"""Every line of patches.txt names a module that exists and has execute()."""

import ast
import pathlib

APP = pathlib.Path(__file__).resolve().parents[2] / "assetblaze_trace"


def test_every_patch_line_resolves():
	lines = [
		line.strip()
		for line in (APP / "patches.txt").read_text().splitlines()
		if line.strip() and not line.startswith(("#", "["))
	]
	assert lines
	for line in lines:
		module = line.split()[0]
		assert module.startswith("assetblaze_trace.patches."), line
		path = APP.parent / (module.replace(".", "/") + ".py")
		assert path.exists(), line
		functions = {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}
		assert "execute" in functions, line
