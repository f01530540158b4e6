"""What every request of a logged-in person goes through (after authentication):

- **idle timeout**: a session unused for ``SESSION_IDLE_TIMEOUT`` seconds is ended (the last
  activity is written at most once a minute, so a page does not cost a session write);
- **second factor**: a session whose state (``accounts.services.SESSION_STATE``, set at login)
  is not ``ok`` reaches only the verification or enrolment pages and the logout — fail closed:
  a session without a state gets one computed;
- **never cache** a page served to a logged-in person (browsers and proxies keep no copy);
- the **Permissions-Policy** header on every response.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from partez.accounts import services as accounts

LAST_SEEN = "partez_last_seen"
WRITE_EVERY = 60  # seconds between two writes of the last activity

# What a session that still owes its second factor may open.
SECOND_FACTOR_OPEN = {"logout", "second_factor_verify", "second_factor_enrol", "health"}
SECOND_FACTOR_PAGE = {accounts.VERIFY: "second_factor_verify", accounts.ENROL: "second_factor_enrol"}


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._gate(request) if request.user.is_authenticated else None
        if response is None:
            response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def _gate(self, request):
        session = request.session
        now = int(time.time())
        seen = session.get(LAST_SEEN)
        if seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(
                request, "Votre session a pris fin après une période d'inactivité : reconnectez-vous."
            )
            return redirect(f"{reverse('login')}?next={request.path}")
        if seen is None or now - seen >= WRITE_EVERY:
            session[LAST_SEEN] = now
        if request.path.startswith(("/api/", settings.STATIC_URL)):
            return None  # the API authenticates by token; static files need nothing
        state = session.get(accounts.SESSION_STATE)
        if state is None:
            state = session[accounts.SESSION_STATE] = accounts.login_state(request.user)
        if state == accounts.OK:
            return None
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name in SECOND_FACTOR_OPEN:
            return None
        page = SECOND_FACTOR_PAGE.get(state, "second_factor_verify")
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
