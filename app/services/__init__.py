"""One module per area. Every write takes the acting user, checks permission and writes audit.
Each function opens its own unit of work (``db.write()`` / ``db.read()``) and returns frozen
dataclasses; nothing returned is bound to a Session."""
