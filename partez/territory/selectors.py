from django.core.cache import cache
from django.db.models import Prefetch

from partez.core.french import sort_key

from .models import Edition, Milestone

CACHE_KEY = "territory:current_edition"
CACHE_SECONDS = 60  # editions change a few times a year; every page reads the current one


NO_EDITION = "none"  # cached too: a database without editions asks nothing on every page


def current_edition() -> Edition | None:
    """The most recent edition (the one professionals work on), with its milestones prefetched.
    Cached for a minute in each process, « none » included: it is read by nearly every page.
    Saving an edition forgets it (:func:`forget_current_edition`)."""
    cached = cache.get(CACHE_KEY)
    if isinstance(cached, Edition):
        return cached
    if cached == NO_EDITION:
        return None
    edition = (
        Edition.objects.order_by("-year")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("planned_on", "id")))
        .first()
    )
    cache.set(CACHE_KEY, edition if edition is not None else NO_EDITION, CACHE_SECONDS)
    return edition


def forget_current_edition(**kwargs: object) -> None:
    """``post_save`` of an edition (services, admin, factories alike): read it again."""
    cache.delete(CACHE_KEY)


def commune_choices() -> list[tuple[str, str]]:
    """(INSEE code, name) of every commune, sorted by name; cached (the territory changes once a year)."""
    choices: list[tuple[str, str]] | None = cache.get("territory:commune_choices")
    if choices is None:
        from .models import Commune

        rows = Commune.objects.values_list("insee_code", "name")
        choices = sorted(rows, key=lambda row: sort_key(row[1]))  # « Éleu » with the E's, not after Z
        cache.set("territory:commune_choices", choices, 300)
    return choices
