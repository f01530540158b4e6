"""No search term, survey token, RSVP code or invitation token in the logs: gunicorn's access
log (config/gunicorn.py) and Django's log handlers (the ScrubFilter) write them scrubbed."""

import datetime as dt
import io
import logging

import pytest
from django.conf import settings
from django.test import Client
from gunicorn.config import Config

from config.gunicorn import ScrubbingLogger
from partez.core.logscrub import ScrubFilter, scrub_text, scrub_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/foyers/?q=Martin&page=2", "/foyers/?q=…&page=…"),
        ("/foyers/?q=12%2F03%2F1980", "/foyers/?q=…"),
        ("/enquete/Zk3-9aQ_tok/", "/enquete/…/"),
        ("/fete/r/K7XM2P9Q/", "/fete/r/…/"),
        ("/invitations/abcDEF123/", "/invitations/…/"),
        ("https://partez.example/foyers/?q=Dupont", "https://partez.example/foyers/?q=…"),
        ("/foyers/42/", "/foyers/42/"),
        ("/nowhere/secret/", "/nowhere/secret/"),
    ],
)
def test_urls_are_scrubbed(url, expected):
    assert scrub_url(url) == expected


def test_a_django_log_message_is_scrubbed():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/enquete/tok123/",), None
    )
    assert ScrubFilter().filter(record) and record.getMessage() == "Not Found: /enquete/…/"
    assert scrub_text('"GET /foyers/?q=Martin HTTP/1.1" 200') == '"GET /foyers/?q=… HTTP/1.1" 200'


def test_every_django_handler_scrubs():
    handlers = settings.LOGGING["handlers"]
    assert all("scrub" in h.get("filters", []) for h in handlers.values()), handlers


def test_a_404_on_a_survey_link_logs_no_token(db, caplog):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubFilter())
    logging.getLogger("django.request").addHandler(handler)
    try:
        assert Client().get("/enquete/not-a-real-token-xyz/").status_code == 404
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert "not-a-real-token-xyz" not in stream.getvalue()


class Response:
    status = "200 OK"
    sent = 1234
    headers = [("Content-Type", "text/html")]


def access_line(raw_uri: str, referer: str = "-") -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = ScrubbingLogger(cfg)
    out = io.StringIO()
    for h in logger.access_log.handlers:
        h.setStream(out)
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Firefox",
    }
    logger.access(Response(), [("Referer", referer)], environ, dt.timedelta(milliseconds=12))
    return out.getvalue()


def test_gunicorn_access_log_has_no_search_term_nor_token():
    line = access_line("/foyers/?q=Martin", referer="https://partez.example/foyers/?q=Dupont")
    assert "GET /foyers/?q=… HTTP/1.1" in line and "Martin" not in line and "Dupont" not in line
    line = access_line("/enquete/secret-token-abc/")
    assert "/enquete/…/" in line and "secret-token-abc" not in line
    line = access_line("/fete/r/K7XM2P9Q/")
    assert "K7XM2P9Q" not in line and " 200 " in line


def test_gunicorn_is_configured_with_the_scrubbing_logger():
    from config import gunicorn

    assert gunicorn.logger_class == "config.gunicorn.ScrubbingLogger"
