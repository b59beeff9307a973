"""The hardship-assistance ledger 困难职工帮扶 (DESIGN §4): household files (files.py), assistance
records (payments.py), funds and their ledger (funds.py), the windowed lists (lists.py)."""
