"""`make simulate-round`: a whole round of the 197 countries over HTTP, then checks that nothing
was lost, that every state change is recorded once, and that the published figures are right.

A package of its own beside ``loadtest/`` (whose browser, form reader and server helpers it reuses)
because it is another kind of run: a scripted story with roles, a ledger of what each virtual user
was told, end checks against the database and injected faults (a refusing mail server, a database
restarted mid-run), where the load test times one cycle for a fixed duration.
"""
