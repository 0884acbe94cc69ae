"""Expiry and GS1 arrive: the standard *GS1 Label* template (GS1-128, GS1 DataMatrix, the dates), for Items and
Item Groups with a GTIN to choose."""

from assetblaze_trace.floor.labels import ensure_gs1_template


def execute():
	ensure_gs1_template()
