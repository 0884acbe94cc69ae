"""Labels are designed now: the fixed label becomes the template *Serial Label* (at the size the site had set
in Traceability Settings), and the settings name it, so every unit prints as it did until someone changes it."""

from assetblaze_trace.floor.labels import ensure_default_template


def execute():
	ensure_default_template()
