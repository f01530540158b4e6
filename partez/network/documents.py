"""The attendance certificate of a training (PDF, the house layout of :mod:`partez.core.pdf`)."""

from __future__ import annotations

from django.utils import timezone
from reportlab.platypus import Spacer

from partez.core import pdf

from .models import Registration


def certificate_pdf(registration: Registration) -> bytes:
    """« Attestation de présence » for a registration checked in at the door."""
    session = registration.session
    training = session.training
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    present = timezone.localtime(registration.present_at) if registration.present_at else None
    story = [
        pdf.para("Attestation de présence", "title"),
        Spacer(1, 6 * pdf.mm),
        pdf.para(
            f"La coordination de l'opération atteste que {registration.user.get_full_name() or registration.user}"
            f" ({registration.membership.organisation.name}) a suivi la formation :"
        ),
        Spacer(1, 3 * pdf.mm),
        pdf.para(f"« {training.title} »", "h2"),
        pdf.table(
            [
                ["Date", f"{pdf.french_date(start.date(), weekday=True)}, de {start:%H:%M} à {end:%H:%M}"],
                ["Durée", f"{training.duration_hours} heure{'s' if training.duration_hours > 1 else ''}"],
                ["Lieu", session.place or "en visioconférence"],
                ["Formateur·rice", session.trainer],
                ["Présence enregistrée", f"le {present:%d/%m/%Y à %H:%M}" if present else "—"],
            ],
            header=False,
            widths=[45 * pdf.mm, 120 * pdf.mm],
        ),
        Spacer(1, 8 * pdf.mm),
        pdf.para(
            f"Fait le {pdf.french_date(timezone.localdate())}, d'après le pointage à l'entrée (billet n° "
            f"{registration.pk}).",
            "small",
        ),
    ]
    out = pdf.build(story, title=f"Attestation de présence — {training.title}")
    assert out is not None
    return out
