"""Pure rules of AssetBlaze Trace: no Frappe import anywhere in this package.

These modules hold the decisions that need no database (serial formats, the resolution order of
configuration tiers, the lifecycle's allowed moves, FIFO ordering) so they can be tested on their own.
"""
