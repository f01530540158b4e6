"""Every write of the network: :mod:`.trainings` (trainings, sessions, registrations and their
waitlist, the door's hook, evaluations, reminders, events) and :mod:`.library` (resources,
profiles, announcements and the digest). Imported as one module: ``services.registration_create``."""

from .library import *  # noqa: F403
from .library import __all__ as _library
from .trainings import *  # noqa: F403
from .trainings import __all__ as _trainings

__all__ = [*_trainings, *_library]
