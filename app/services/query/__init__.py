"""Generic list machinery used by every ledger's lists: keyset paging, the filter registry, saved
filters and export (DESIGN §2)."""
