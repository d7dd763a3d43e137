"""The web layer: the application factory's pieces, views, templates, access and interface language."""
