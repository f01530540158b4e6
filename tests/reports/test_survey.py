"""The satisfaction survey: invited by e-mail with a token link, answered once without login,
an opt-out, and the answers in the bilan."""

import re
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from partez.core.errors import DomainError
from partez.households.models import ConsentScope
from partez.reports import selectors, surveys
from partez.reports.models import SurveyInvitation, SurveyResponse
from partez.reports.selectors import Filters
from tests.factories.bilan import small_edition

BASE = "https://partez.example"


def allow_contact(household, email="famille@example.org"):
    household.email = email
    household.save(update_fields=["email"])
    household.consents.update(scopes=[ConsentScope.CASEWORK, ConsentScope.CONTACT, ConsentScope.STATISTICS])


@pytest.fixture
def data(db):
    e = small_edition()
    allow_contact(e.households["h1"])  # p1 is evaluated (returned)
    allow_contact(e.households["h2"])  # p2 departed: not back yet
    return e


def token_from_mail(message) -> str:
    return re.search(r"/enquete/([^/]+)/", message.body).group(1)


def test_only_returned_projects_whose_household_may_be_contacted_are_invited(data):
    h4 = data.households["h4"]
    h4.email = "refus@example.org"  # an e-mail but no contact consent
    h4.save(update_fields=["email"])
    sent = surveys.surveys_send(edition=data.edition, base_url=BASE)
    assert [i.project for i in sent] == [data.projects["p1"]]
    assert mail.outbox[0].to == ["famille@example.org"] and BASE + "/enquete/" in mail.outbox[0].body
    invitation = SurveyInvitation.objects.get()
    assert invitation.token_hash != sent[0].token  # only the hash is stored
    assert surveys.surveys_send(edition=data.edition, base_url=BASE) == []  # never twice
    out = __import__("io").StringIO()
    call_command("send_surveys", "--edition", "2025", "--base-url", BASE, stdout=out)
    assert "0 invitation(s)" in out.getvalue()


def test_answer_once_without_login_and_counted_in_the_bilan(client, data):
    surveys.surveys_send(edition=data.edition, base_url=BASE)
    url = reverse("survey", args=[token_from_mail(mail.outbox[0])])
    page = client.get(url)
    assert page.status_code == 200 and "Vos vacances, en quatre questions" in page.content.decode()
    bad = client.post(url, {"action": "answer", "again": "yes"})
    assert "Ce champ est obligatoire" in bad.content.decode() and not SurveyResponse.objects.exists()
    done = client.post(url, {"action": "answer", "satisfaction": "4", "again": "yes", "first_holiday": "oui"})
    assert "Vos réponses sont enregistrées" in done.content.decode()
    response = SurveyResponse.objects.get()
    assert response.project == data.projects["p1"] and response.first_holiday is True
    again = client.post(url, {"action": "answer", "satisfaction": "1", "again": "no"})
    assert "Merci" in again.content.decode() and SurveyResponse.objects.count() == 1
    b = selectors.bilan(Filters(data.edition))
    assert b.satisfaction["responses"] == 1 and b.satisfaction["satisfied_percent"] == 100
    assert {r.key: r.values["responses"] for r in b.tables["satisfaction"].rows}["4"] == 1
    assert selectors.published(b).satisfaction["responses"] == "masqué"


def test_contact_without_statistics_consent_is_not_surveyed(data):
    h1 = data.households["h1"]
    h1.consents.update(scopes=[ConsentScope.CASEWORK, ConsentScope.CONTACT])
    assert surveys.surveys_send(edition=data.edition, base_url=BASE) == [] and not mail.outbox


def test_a_withdrawn_contact_consent_stops_the_survey(data):
    data.households["h1"].consents.update(revoked_at=timezone.now())
    assert surveys.surveys_send(edition=data.edition, base_url=BASE) == [] and not mail.outbox
    # the service that sends checks it too, whoever calls it
    assert surveys.survey_invite(project=data.projects["p1"], base_url=BASE) is None and not mail.outbox


def test_an_answer_stops_counting_when_the_statistics_consent_is_withdrawn(client, data):
    surveys.surveys_send(edition=data.edition, base_url=BASE)
    url = reverse("survey", args=[token_from_mail(mail.outbox[0])])
    client.post(url, {"action": "answer", "satisfaction": "4", "again": "yes"})
    assert selectors.bilan(Filters(data.edition)).satisfaction["responses"] == 1
    h1 = data.households["h1"]
    h1.consents.update(revoked_at=timezone.now())
    h1.consents.create(
        scopes=[ConsentScope.CASEWORK, ConsentScope.CONTACT],
        collected_by=h1.consents.first().collected_by,
        organisation=h1.created_by_organisation,
        collected_at=timezone.now(),
    )
    b = selectors.bilan(Filters(data.edition))
    assert b.satisfaction["responses"] == 0 and b.tables["satisfaction"].total["responses"] == 0
    assert SurveyResponse.objects.count() == 1  # kept, not counted


def test_opt_out_and_invalid_links(client, data):
    surveys.surveys_send(edition=data.edition, base_url=BASE)
    token = token_from_mail(mail.outbox[0])
    response = client.post(reverse("survey", args=[token]), {"action": "opt_out"})
    assert "nous ne vous écrirons plus" in response.content.decode()
    assert SurveyInvitation.objects.get().opted_out_at is not None
    with pytest.raises(DomainError, match="déjà reçu une réponse"):
        surveys.survey_answer(token=token, answers=surveys.Answers(satisfaction=4, again="yes"))
    assert client.get(reverse("survey", args=["nimporte-quoi"])).status_code == 404
    assert selectors.bilan(Filters(data.edition)).satisfaction["opted_out"] == 1


def test_answers_are_validated(data):
    surveys.surveys_send(edition=data.edition, base_url=BASE)
    token = token_from_mail(mail.outbox[0])
    with pytest.raises(DomainError) as exc:
        surveys.survey_answer(token=token, answers=surveys.Answers(satisfaction=9, again="peut-être"))
    assert set(exc.value.errors) == {"satisfaction", "again"}


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="concurrency is tested on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_answers_record_one():
    from partez.schemes.services import catalogue_sync

    catalogue_sync()
    e = small_edition()
    allow_contact(e.households["h1"])
    token = surveys.surveys_send(edition=e.edition, base_url=BASE)[0].token
    barrier = threading.Barrier(4)
    outcomes = []

    def answer(level):
        try:
            barrier.wait()
            surveys.survey_answer(token=token, answers=surveys.Answers(satisfaction=level, again="yes"))
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(level,)) for level in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert SurveyResponse.objects.count() == 1
    assert SurveyInvitation.objects.get().answered_at <= timezone.now()
