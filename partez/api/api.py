"""The public API (django-ninja): /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every operation but the public simulator (``POST /simulate``, see :mod:`.simulate`) authenticates
with a personal token (``Authorization: Bearer <token>``) bound to one membership; its
organisation scopes every read exactly as the web app does, and every write goes through the same
domain services. Errors share one JSON shape (see :mod:`.errors`).
"""

from ninja import NinjaAPI

from . import (
    accompaniment,
    attendance,
    bilan,
    cheques,
    errors,
    fete,
    funding,
    groups,
    households,
    network,
    offers,
    projects,
    simulate,
)
from .auth import BearerToken

api = NinjaAPI(
    title="partez API",
    version="1",
    urls_namespace="api-v1",
    auth=BearerToken(),
    description=(
        "API de partez pour les professionnel·les de l'opération. Authentification par jeton personnel "
        "(`manage.py create_api_token` ou l'interface) dans l'en-tête `Authorization: Bearer <jeton>`, "
        "sauf le simulateur public `POST /simulate` (sans authentification, rien n'est enregistré). "
        "Le périmètre est celui de l'organisation du jeton, comme dans l'application. Montants en centimes. "
        'Erreurs : `{"detail": "…", "errors": {"champ": "message"}}` (400 règle métier, '
        "401 jeton, 403 rôle, 404 introuvable ou hors périmètre, 422 requête mal formée)."
    ),
)
errors.install(api)
api.add_router("/households", households.router)
api.add_router("/projects", projects.router)
api.add_router("/simulate", simulate.router)
api.add_router("/envelopes", funding.router)
api.add_router("", fete.router)
api.add_router("/cheques", cheques.router)
api.add_router("/bilan", bilan.router)
api.add_router("/attendance", attendance.router)
api.add_router("/groups", groups.router)
api.add_router("", offers.router)
api.add_router("", accompaniment.router)
api.add_router("", network.router)
