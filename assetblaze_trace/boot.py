import frappe

from assetblaze_trace.services.settings import get_settings


def boot_session(bootinfo):
	"""What the Desk needs to show or hide traceability everywhere without a round trip."""
	if frappe.session.user == "Guest":
		return
	settings = get_settings()
	if not settings.enabled and bootinfo.get("allowed_workspaces"):
		# Master toggle off: no Traceability workspace in the sidebar either.
		bootinfo.allowed_workspaces = [
			w for w in bootinfo.allowed_workspaces if w.get("name") != "Traceability"
		]
	bootinfo.assetblaze_trace = {
		"enabled": settings.enabled,
		"scope": settings.config_scope,
		"prompt_label_print": bool(settings.prompt_label_print),
	}
