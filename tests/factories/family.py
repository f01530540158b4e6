"""Families' space test data: a household's access, and a client that came in by its link."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from partez.family import services
from partez.family.models import Channel

BASE = "http://testserver"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


def grant(actor, household, channel=Channel.LETTER, **kwargs) -> services.Granted:
    kwargs.setdefault("consent", True)
    return services.access_grant(actor=actor, household=household, channel=channel, base_url=BASE, **kwargs)


def family_client(granted: services.Granted) -> Client:
    """A browser that opened the access's link (its session holds the access)."""
    client = Client()
    response = client.get(granted.link.removeprefix(BASE))
    assert response.status_code == 302, response.status_code
    return client


def jpeg(name="photo.jpg", content=JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def png(name="photo.png") -> SimpleUploadedFile:
    import segno

    out = io.BytesIO()
    segno.make("photo").save(out, kind="png", scale=4)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def space_of(actor, household, project):
    """An access of ``household`` given by ``actor``, a document it sent for ``project``, a
    proposal and a photo of its story: (access, document, proposal, photo)."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from partez.family.models import ProposalKind, Story, StoryPhoto

    access = grant(actor, household).access
    document = services.document_upload(access=access, project=project, upload=jpeg())
    proposal = services.proposal_create(
        actor=actor,
        project=project,
        kind=ProposalKind.DATES,
        text="Du 6 au 13 juillet",
        answer_by=timezone.localdate() + dt.timedelta(days=10),
    )
    story = Story.objects.create(project=project, text="La mer", share_agreed_at=timezone.now())
    photo = StoryPhoto(story=story, content_type="image/jpeg", size=len(JPEG))
    photo.file.save("photo.jpg", ContentFile(JPEG), save=False)
    photo.save()
    return access, document, proposal, photo
