"""Printable outputs made from the content model: trainer and participant packs (`exporter.pack`), certificates."""
