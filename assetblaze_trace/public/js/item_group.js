// AssetBlaze Trace: traceability fields on Item Group are plain custom fields (see custom_fields.py).
frappe.ui.form.on("Item Group", {});
