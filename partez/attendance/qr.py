"""A ticket's QR code (segno): inline SVG for pages, PNG for e-mails and PDFs."""

from __future__ import annotations

import io

import segno

from .models import Ticket


def ticket_svg(ticket: Ticket, scale: int = 6) -> str:
    qr = segno.make(ticket.code, error="m")
    return qr.svg_inline(scale=scale, title=f"Code {ticket.code}")


def ticket_png(ticket: Ticket, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(ticket.code, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
