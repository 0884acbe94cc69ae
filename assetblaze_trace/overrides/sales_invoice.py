"""Sales Invoice events: with Update Stock it is a shipment, exactly like a Delivery Note."""

from assetblaze_trace.overrides.delivery_note import before_cancel, on_cancel, on_submit, on_trash, validate

__all__ = ["before_cancel", "on_cancel", "on_submit", "on_trash", "validate"]
