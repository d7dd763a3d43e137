"""A WSGI app that answers how many objects the collector has set aside (tests/player/test_serving.py)."""

import gc


def app(_environ, start_response):  # noqa: ANN001, ANN201 - WSGI
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(gc.get_freeze_count()).encode()]
