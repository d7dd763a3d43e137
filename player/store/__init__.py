"""The store layer: the database (engine, models, migrations) and the content on disk.

Nothing here knows about requests: the web layer opens sessions, the domain layer takes them.
"""
