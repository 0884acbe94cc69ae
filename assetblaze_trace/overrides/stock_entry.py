"""Stock Entry events: Manufacture makes units; cancelling it takes them back."""

from assetblaze_trace.services import generation, transfer
from assetblaze_trace.services.settings import is_enabled


def validate(doc, method=None):
	if is_enabled() and doc.purpose == "Manufacture":
		generation.validate_completion(doc)


def before_submit(doc, method=None):
	if is_enabled() and doc.purpose == "Manufacture":
		generation.validate_completion(doc)


def on_submit(doc, method=None):
	if not is_enabled():
		return
	if doc.purpose == "Manufacture":
		generation.generate(doc)
	else:
		transfer.transfer(doc)


def before_cancel(doc, method=None):
	if doc.purpose == "Manufacture":
		generation.check_take_back(doc)


def on_cancel(doc, method=None):
	if doc.purpose == "Manufacture":
		generation.take_back_entry(doc)
	elif is_enabled():
		transfer.undo_transfer(doc)
