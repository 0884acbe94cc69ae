"""Quality: units released by their inspection (PRODUCT.md §13). ERPNext's own Quality Inspection names a unit
or a lot (``trace_serial``); with ``quarantine_new_units`` the units made and received start held until one is
Accepted."""
