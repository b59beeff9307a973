"""The mutual-aid ledger 职工互助保障 (DESIGN §4): plans, enrollment (roster import), claims and the
fund. ``cover`` reads a plan's rule and a member's cover for the claim computation
(``app.domain.mutual_aid.compute``); ``plans``, ``claims``, ``fund`` and ``lists`` are the services."""
