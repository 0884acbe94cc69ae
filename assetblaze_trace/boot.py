import frappe

from assetblaze_trace.compat import hide_workspace
from assetblaze_trace.services.settings import get_settings


def boot_session(bootinfo):
	"""What the Desk needs to show or hide traceability everywhere without a round trip."""
	if frappe.session.user == "Guest":
		return
	settings = get_settings()
	if not settings.enabled:
		# Master toggle off: no Traceability workspace in the sidebar (nor, on 16, its desktop icon) either.
		hide_workspace(bootinfo, "Traceability")
	bootinfo.assetblaze_trace = {
		"enabled": settings.enabled,
		"scope": settings.config_scope,
		"prompt_label_print": bool(settings.prompt_label_print),
	}
