"""The public pages and endpoints refuse oversized input (413) and too many requests from one
address (429 with Retry-After, naming the limit): the counter, the client address behind
trusted proxies, and the middleware on every public route."""

import threading

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from django.urls import reverse

from partez.core import ratelimit
from partez.core.ratelimit import Rate
from partez.www.limits import client_address

pytestmark = pytest.mark.django_db

PUBLIC = {
    "simulator": "/simulateur/",
    "api-v1:simulate": "/api/v1/simulate",
    "survey": "/enquete/jeton-inconnu/",
    "fete_rsvp": "/fete/r/CODEINCONNU/",
    "login": "/connexion/",
    "password_reset": "/mot-de-passe-oublie/",
    "invitation_accept": "/invitations/jeton-inconnu/",
    "bilan_public": "/bilan-public/2025/",
    "bilan_public_current": "/operation/",
    "network_event_public": "/evenements/colloque-inconnu/",
    "network_resources": "/ressources/",
    "network_resource_download": "/ressources/999999/v1/",
}


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    """The middleware's counters see one instant: no test crosses a window's end by chance."""
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_000_040.0)


def limits(rate="2/m", max_body=1024):
    return override_settings(PUBLIC_LIMITS={name: {"rate": rate, "max_body": max_body} for name in PUBLIC})


# --- the counter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate", "french"),
    [
        ("30/m", Rate(30, 60), "30 requêtes par minute"),
        ("1/h", Rate(1, 3600), "1 requête par heure"),
        ("10/30s", Rate(10, 30), "10 requêtes par 30 secondes"),
        (" 500 / d ", Rate(500, 86400), "500 requêtes par jour"),
    ],
)
def test_rates_are_read_and_said_in_french(text, rate, french):
    assert Rate.parse(text) == rate and str(rate) == french


@pytest.mark.parametrize("text", ["", "30", "30/x", "0/m", "-1/m", "a/m"])
def test_an_unreadable_rate_is_refused(text):
    with pytest.raises(ValueError, match="Limite illisible"):
        Rate.parse(text)


def test_the_counter_allows_the_rate_then_says_how_long_to_wait():
    rate = Rate(3, 60)
    start = 1_000_040.0  # 20 s into a window (they start at multiples of 60 s)
    assert [ratelimit.hit("t", "a", rate, now=start) for _ in range(3)] == [0, 0, 0]
    assert ratelimit.hit("t", "a", rate, now=start) == 40
    assert ratelimit.hit("t", "a", rate, now=start + 39.5) == 1  # never « retry in 0 s »
    assert ratelimit.hit("t", "b", rate, now=start) == 0  # another client
    assert ratelimit.hit("u", "a", rate, now=start) == 0  # another scope
    assert ratelimit.hit("t", "a", rate, now=start + 40) == 0  # the next window


def test_the_cache_never_holds_the_address_in_clear():
    ratelimit.hit("t", "203.0.113.7", Rate(3, 60), now=1_000_000.0)
    keys = list(caches["default"]._cache)
    assert keys and not any("203.0.113.7" in k for k in keys)


def _race(cache_alias):
    rate, allowed, lock = Rate(10, 3600), [], threading.Lock()
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        for _ in range(5):
            ok = ratelimit.hit("race", "a", rate, now=7_200.0, cache_alias=cache_alias) == 0
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return allowed


def test_concurrent_requests_never_pass_beyond_the_rate():
    allowed = _race("default")
    assert len(allowed) == 40 and sum(allowed) == 10


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _redis_available(), reason="no Redis server on 127.0.0.1:6379")
def test_concurrent_requests_on_redis_never_pass_beyond_the_rate():
    backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "partez-tests",
    }
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "redis": backend}
    ):
        caches["redis"].clear()
        try:
            allowed = _race("redis")
        finally:
            caches["redis"].clear()
    assert len(allowed) == 40 and sum(allowed) == 10


# --- the client address --------------------------------------------------------------------------


def request(remote="198.51.100.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_x_forwarded_for_is_ignored():
    assert client_address(request(forwarded="203.0.113.1")) == "198.51.100.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_address_it_saw_counts_not_what_the_client_wrote():
    # nginx appends the address it saw; anything on its left was sent by the client
    assert client_address(request("10.0.0.2", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    assert client_address(request("10.0.0.2", "203.0.113.5")) == "203.0.113.5"
    assert client_address(request("10.0.0.2", "")) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_trusted_proxies():
    assert client_address(request("10.0.0.2", "1.2.3.4, 203.0.113.5, 192.0.2.8")) == "203.0.113.5"
    assert client_address(request("10.0.0.2", "203.0.113.5")) == "10.0.0.2"  # fewer hops than proxies


def test_ipv6_counts_per_64_and_mapped_ipv4_as_ipv4():
    a = client_address(request("2001:db8:1:2::10"))
    b = client_address(request("2001:db8:1:2:ffff::1"))
    assert a == b == "2001:db8:1:2::/64"
    assert client_address(request("2001:db8:1:3::10")) != a
    assert client_address(request("::ffff:192.0.2.1")) == "192.0.2.1"


# --- the middleware on the public routes ---------------------------------------------------------


def test_every_public_route_is_limited_in_the_settings():
    from django.conf import settings
    from django.urls import resolve

    for name, path in PUBLIC.items():
        assert resolve(path).view_name == name
        rule = settings.PUBLIC_LIMITS[name]
        Rate.parse(rule["rate"])
        assert rule["max_body"] <= 64 * 1024


@limits()
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_third_request_in_a_minute_is_refused_with_429_naming_the_limit(client, name):
    path = PUBLIC[name]
    for _ in range(2):
        assert client.get(path).status_code != 429
    response = client.get(path)
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    text = response.content.decode()
    if name.startswith("api-v1:"):
        body = response.json()
        assert body["detail"].startswith(
            "Trop de requêtes depuis votre adresse : 2 requêtes par minute au plus"
        )
        assert body["errors"] == {}
    else:
        assert "Trop de requêtes" in text and "2 requêtes par minute au plus" in text
        assert f"Réessayez dans {wait} seconde" in text
    # another address is not held back
    assert client.get(path, REMOTE_ADDR="203.0.113.99").status_code != 429


@limits(rate="100/m", max_body=1024)
@pytest.mark.parametrize("name", sorted(n for n in PUBLIC if not n.startswith("bilan_public")))
def test_an_oversized_body_is_refused_with_413_before_anything_reads_it(client, name):
    path = PUBLIC[name]
    big = "x" * 2000
    if name.startswith("api-v1:"):
        response = client.post(path, '{"date": "' + big + '"}', content_type="application/json")
        assert response.status_code == 413
        assert response.json()["detail"] == "Requête trop volumineuse : 1 Kio au plus pour cette page."
    else:
        response = client.post(path, {"commentaire": big})
        assert response.status_code == 413
        assert "Requête trop volumineuse : 1 Kio au plus pour cette page." in response.content.decode()
    assert client.post(path, {"a": "b"}).status_code != 413


@limits(rate="100/m", max_body=0)
def test_the_public_bilan_takes_no_body(client):
    assert client.post(PUBLIC["bilan_public"], {"a": "b"}).status_code == 413


def test_a_page_with_an_account_is_not_limited(client, members):
    with limits(rate="1/m"):
        client.force_login(members["coordinator"].user)
        for _ in range(3):
            assert client.get(reverse("dashboard")).status_code == 200


def test_the_real_simulator_limit_lets_a_family_try_and_stops_a_script(client):
    """The shipped setting: 30 a minute on the simulator page."""
    statuses = [client.get("/simulateur/").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_the_simulate_operation_documents_413_and_429(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/simulate"]["post"]
    assert {"200", "413", "422", "429"} <= set(operation["responses"])
