"""The demo's hosting offers: 220 donated weeks over 4 periods, 60 BSV stays, bookings in every
state that keep the social-mix rule, families waiting for an offer that the matcher can place."""

from collections import Counter

from partez.demo import generator
from partez.offers import matching, matching_jobs
from partez.offers.models import HOLDING, Booking, BookingStatus, Candidate, Offer, Period
from partez.offers.selectors import max_families
from partez.territory.models import Edition


def test_the_demo_has_a_catalogue_bookings_in_every_state_and_families_to_match(demo):
    edition = Edition.objects.get(year=generator.EDITION_YEAR)
    assert Counter(Offer.objects.values_list("kind", flat=True)) == {"donated": 220, "bsv": 60}
    assert Period.objects.filter(edition=edition, offers__kind="donated").distinct().count() == 4
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses == set(BookingStatus.values)
    holding = Counter(
        Booking.objects.filter(status__in=HOLDING).values_list("offer__site_id", "offer__period_id")
    )
    limit = max_families(Period.objects.order_by("start_date").first().start_date)
    assert max(holding.values()) <= limit
    assert len(set(Booking.objects.filter(status__in=HOLDING).values_list("offer_id", flat=True))) == sum(
        holding.values()
    )
    assert Candidate.objects.exists()
    problem, _rows = matching_jobs.problem_for(edition)
    result = matching.solve(problem)
    assert matching.check(problem, result) == [] and result.matched > 0
