from .models import Edition


def current_edition() -> Edition | None:
    """The most recent edition (the one professionals work on)."""
    return Edition.objects.order_by("-year").first()
