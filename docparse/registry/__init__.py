"""The registry: every ingested document stored, linked and findable (SQLite through sqlite-utils).

One module per concern: :mod:`.db` (schema, opening), :mod:`.keys` (matching
forms of numbers and names), :mod:`.ingest` (files in, one transaction
each; re-parse), :mod:`.store` (rows of one document), :mod:`.corrections`
(the audit trail), :mod:`.search` (FTS5), :mod:`.links` (references
resolved, chains between plans and decisions), :mod:`.tracker` (tasks by
unit, plan, due date and status; exports).
"""
