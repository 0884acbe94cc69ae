"""Expiry: the dates units and lots carry, the order pickers take them in, and the alerts before they expire."""
