"""A learning platform for the LTI tests: its own RSA key, its JWKS, token and score endpoints
served over HTTP on loopback, and id_tokens signed as an LMS signs them.

It checks what the tool sends as a platform must: the client assertion of a token request
against the tool's published key set, the bearer token of a score, the score's media type.
"""

from __future__ import annotations

import json
from html import escape
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"
ISSUER = "https://lms.example.org"
CLIENT_ID = "coursepack-client"
DEPLOYMENT = "deployment-1"


class Platform:
    """`host`: how the platform's pages are addressed (a browser test uses another site than the tool's)."""

    def __init__(self, host: str = "127.0.0.1", issuer: str = ISSUER) -> None:
        self.issuer = issuer
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.tool_jwks: dict[str, Any] = {}
        self.tokens: set[str] = set()
        self.scores: list[dict[str, Any]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.lineitem = f"{self.url}/lineitems/7/lineitem?type_id=3"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def cli_args(self, *extra: str) -> list[str]:
        return ["lti", "add-platform", "--name", "Test LMS", "--issuer", ISSUER, "--client-id", CLIENT_ID,
                "--auth-url", f"{self.url}/auth", "--token-url", f"{self.url}/token", "--jwks-url", f"{self.url}/jwks",
                "--deployment", DEPLOYMENT, *extra]

    def id_token(self, nonce: str, *, sub: str = "lms-user-42", roles: tuple[str, ...] = (f"{LIS}#Learner",),
                 custom: dict[str, str] | None = None, message_type: str = "LtiResourceLinkRequest", **claims: Any) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer, "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            "name": "Lena Learner", "email": "lena@lms.example.org",
            CLAIM + "message_type": message_type, CLAIM + "version": "1.3.0", CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "target_link_uri": "https://tool.example.org/lti/launch", CLAIM + "roles": list(roles),
            CLAIM + "resource_link": {"id": "link-1", "title": "Every construct"},
            CLAIM + "context": {"id": "course-101", "label": "SW101", "title": "Social work 101"},
            CLAIM + "custom": custom if custom is not None else {"course": "sample", "block": "every-construct"},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitems": f"{self.url}/lineitems", "lineitem": self.lineitem},
        }
        body.update(claims)
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": self.kid})

    def issue_token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """Client credentials with a JWT assertion that the tool's published key must check."""
        assertion = form.get("client_assertion", [""])[0]
        try:
            kid = jwt.get_unverified_header(assertion)["kid"]
            key = jwt.PyJWK(next(k for k in self.tool_jwks["keys"] if k["kid"] == kid)).key
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=f"{self.url}/token")
        except (jwt.PyJWTError, StopIteration, KeyError):
            return 401, {"error": "invalid_client"}
        if claims["iss"] != CLIENT_ID or claims["sub"] != CLIENT_ID or form.get("grant_type") != ["client_credentials"]:
            return 400, {"error": "invalid_request"}
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": form["scope"][0]}


def _handler(platform: Platform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _page(self, html: str) -> None:
            data = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path, _, query = self.path.partition("?")
            params = {k: v[0] for k, v in parse_qs(query).items()}
            if path == "/jwks":
                self._answer(200, platform.jwks)
            elif path == "/course":  # the LMS's course page, the tool in an iframe
                self._page(f'<!doctype html><title>LMS</title><h1>Social work 101</h1>'
                           f'<iframe title="tool" width="1000" height="700" src="{escape(params["login"])}"></iframe>')
            elif path == "/auth":  # the OIDC auth endpoint: posts the id_token to the tool, as an LMS does
                token = platform.id_token(params["nonce"])
                self._page(f'<!doctype html><form method="post" action="{escape(params["redirect_uri"])}">'
                           f'<input type="hidden" name="id_token" value="{token}">'
                           f'<input type="hidden" name="state" value="{escape(params["state"])}"></form>'
                           "<script>document.forms[0].submit()</script>")
            else:
                self._answer(404)

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/token":
                self._answer(*platform.issue_token(parse_qs(body.decode())))
            elif self.path == "/lineitems/7/lineitem/scores?type_id=3":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in platform.tokens or self.headers["Content-Type"] != "application/vnd.ims.lis.v1.score+json":
                    self._answer(401)
                    return
                platform.scores.append(json.loads(body))
                self._answer(200)
            else:
                self._answer(404)
    return Handler


def login_query(platform: Platform) -> str:
    return urlencode({"iss": ISSUER, "login_hint": "hint-42", "target_link_uri": "https://tool.example.org/lti/launch",
                      "client_id": CLIENT_ID, "lti_message_hint": "message-hint"})
