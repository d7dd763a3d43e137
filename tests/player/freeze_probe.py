"""A WSGI app that answers how many objects the collector has set aside (tests/player/test_serving.py)."""

import gc


def app(_environ, start_response):  # noqa: ANN001, ANN201 - WSGI
    body = str(gc.get_freeze_count()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
