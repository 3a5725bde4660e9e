"""HTTP for the remote stores: one request with a deadline, its answer, what came back in words.

Plain ``urllib`` is enough for the SPARQL and Graph Store protocols, so no HTTP client is
added. Redirects are not followed: a query goes to the URL the user named and nowhere else
(a redirect is reported with its target, to be given as the URL instead).
"""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from genai_kg.errors import EndpointError, EndpointTimeout

USER_AGENT = "genai-kg (+https://w3id.org/genai-kg)"


@dataclass(frozen=True)
class Answer:
    """What an endpoint sent back: HTTP status, body, media type (lower case, no parameters)."""

    status: int
    body: bytes
    media_type: str
    location: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        """Say in one line what came back, for an error message.

        >>> Answer(501, b"<html><title>Unsupported method</title></html>", "text/html").describe()
        'HTTP 501 text/html (Unsupported method)'
        >>> Answer(200, b"", "").describe()
        'HTTP 200 with no content type (empty body)'
        """
        kind = self.media_type or "with no content type"
        return f"HTTP {self.status} {kind} ({gist(self.body, self.media_type)})"


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>|<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def gist(body: bytes, media_type: str = "") -> str:
    """Return the gist of a body in at most 120 characters: an HTML page's title, a first line.

    >>> gist(b"\\n  Virtuoso 37000 Error SP030: SPARQL compiler\\nmore")
    'Virtuoso 37000 Error SP030: SPARQL compiler'
    """
    if not body.strip():
        return "empty body"
    if "html" in media_type or body.lstrip()[:1] == b"<":
        found = _TITLE.search(body)
        if found:
            title = (found.group(1) or found.group(2)).decode("utf-8", "replace")
            text = " ".join(html.unescape(_TAG.sub(" ", title)).split())
            if text:
                return _cut(text)
    lines = (line.strip() for line in body.decode("utf-8", "replace").splitlines())
    return _cut(next((line for line in lines if line), "unreadable body"))


def _cut(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer comes back as an HTTPError, reported to the user


_OPENER = urllib.request.build_opener(_NoRedirect)


def check_url(endpoint: str) -> None:
    """Refuse anything but an http(s) URL (``file:``, ``ftp:``, a bare host:port).

    >>> check_url("ftp://127.0.0.1/query")
    Traceback (most recent call last):
    genai_kg.errors.EndpointError: 'ftp://127.0.0.1/query' is not an http(s) URL
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{endpoint!r} is not an http(s) URL")


def send(request: urllib.request.Request, endpoint: str, timeout: float) -> Answer:
    """Send ``request``; return the answer (any status) within ``timeout`` s in all.

    A socket timeout bounds each read, not the whole answer (an endpoint that trickles a
    byte at a time would never time out), so the exchange runs in a helper thread that is
    abandoned at the deadline.

    Raises:
        EndpointError: no connection or a redirect; EndpointTimeout: no complete answer in
            time (the deadline, or a read or connection that timed out).
    """
    outcome: dict[str, Any] = {}

    def exchange() -> None:
        try:
            outcome["answer"] = _exchange(request, endpoint, timeout)
        except BaseException as exc:  # noqa: BLE001 -- handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=exchange, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise EndpointTimeout(f"{endpoint}: no complete answer within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    answer: Answer = outcome["answer"]
    if 300 <= answer.status < 400:
        target = answer.location or "no Location given"
        raise EndpointError(
            f"{endpoint} redirects (HTTP {answer.status}) to {target}; "
            "genai-kg does not follow redirects\nYou can fix this by giving that URL instead."
        )
    return answer


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _exchange(request: urllib.request.Request, endpoint: str, timeout: float) -> Answer:
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read()
            return Answer(response.status, body, _media_type(response.headers["Content-Type"]))
    except urllib.error.HTTPError as exc:
        body = exc.read(64 * 1024)
        kind = _media_type(exc.headers["Content-Type"])
        return Answer(exc.code, body, kind, exc.headers["Location"] or "")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):  # the connection itself timed out
            raise EndpointTimeout(f"{endpoint}: no answer within {timeout:g} s") from None
        raise EndpointError(f"{endpoint}: cannot connect: {exc.reason}") from None
    except TimeoutError:  # a read timed out: as late as the deadline in ``send``
        raise EndpointTimeout(f"{endpoint}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise EndpointError(f"{endpoint}: {exc}") from None
