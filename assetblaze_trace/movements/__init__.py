"""Every ERPNext document that moves stock, and what it does to the traced units: the table (``table.py``), the
shared rows and stock helpers (``rows.py``), and one executor per kind of document (``stock``, ``shipments``,
``receipts``, ``intercompany``, ``ledger``). Each executor asks the lifecycle service (services/lifecycle.py) for
the moves; none writes a status itself."""
