import frappe

from assetblaze_trace.services.settings import get_settings


def boot_session(bootinfo):
	"""What the Desk needs to show or hide traceability everywhere without a round trip."""
	if frappe.session.user == "Guest":
		return
	settings = get_settings()
	bootinfo.assetblaze_trace = {
		"enabled": settings.enabled,
		"scope": settings.config_scope,
		"prompt_label_print": bool(settings.prompt_label_print),
	}
