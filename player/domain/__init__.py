"""The domain layer: progress, cohorts, data rights and reports, as functions of a database
session and plain values. It imports no Flask: the web layer and the CLI pass the connection in.
"""
