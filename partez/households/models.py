from django.conf import settings
from django.db import models
from django.db.models import Q

from partez.core.text import normalise
from partez.organisations.models import Organisation


class Relation(models.TextChoices):
    HEAD = "head", "Demandeur·se"
    SPOUSE = "spouse", "Conjoint·e"
    CHILD = "child", "Enfant"
    OTHER = "other", "Autre personne du foyer"


class EmploymentSituation(models.TextChoices):
    EMPLOYEE = "employee", "Salarié·e"
    RETIRED = "retired", "Retraité·e"
    INACTIVE = "inactive", "Sans activité"
    JOBSEEKER = "jobseeker", "Demandeur·se d'emploi"
    STUDENT = "student", "Étudiant·e boursier·e"
    APPRENTICE = "apprentice", "Apprenti·e, alternant·e"
    CIVIC_SERVICE = "civic_service", "Service civique, contrat d'engagement jeune"
    OTHER = "other", "Autre"


class Schooling(models.TextChoices):
    """A person's schooling, apart from their work: a 9-year-old is « à l'école », not a student."""

    NOT_AT_SCHOOL = "not_at_school", "Non scolarisé·e"
    AT_SCHOOL = "at_school", "À l'école, au collège ou au lycée"
    STUDENT = "student", "Étudiant·e (enseignement supérieur)"


class MinimumBenefit(models.TextChoices):
    RSA = "rsa", "RSA (revenu de solidarité active)"
    AAH = "aah", "AAH (allocation aux adultes handicapés)"
    ASS = "ass", "ASS (allocation de solidarité spécifique)"
    ASPA = "aspa", "ASPA (minimum vieillesse)"
    OTHER = "other", "Autre minimum social"


class Mobility(models.TextChoices):
    CAR = "car", "Une voiture dans le foyer"
    LICENCE_NO_CAR = "licence_no_car", "Le permis, mais pas de voiture"
    NONE = "none", "Ni voiture ni permis"


class SchemeCode(models.TextChoices):
    """The schemes a past departure can have used (the rules engine owns their rules)."""

    INDIVIDUAL = "individual", "Séjour individuel"
    CAMPING = "camping", "Séjour commun (camping)"
    SAC_ADOS = "sac_ados", "Sac Ados"
    SENIORS = "seniors", "Seniors en Vacances"
    BSV = "bsv", "Bourse Solidarité Vacances"
    HOSTING = "hosting", "Je pars, tu pars, il part"
    APV = "apv", "ANCV – Aide aux projets vacances"
    DEPART1825 = "depart1825", "Départ 18:25"
    CAF = "caf", "Aide aux vacances de la CAF"
    OTHER = "other", "Autre départ"


class Household(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True)
    commune = models.ForeignKey(
        "territory.Commune", verbose_name="commune de résidence", on_delete=models.PROTECT
    )
    address = models.CharField("adresse", max_length=250, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    caf_number = models.CharField("n° allocataire CAF", max_length=20, blank=True)
    # The household's situation beyond its income: which minima sociaux it receives (a list of
    # MinimumBenefit values) and how it can travel (a car, a licence only, neither).
    minimum_benefits = models.JSONField("minima sociaux", default=list, blank=True)
    mobility = models.CharField("mobilité", max_length=14, choices=Mobility.choices, blank=True)
    mobility_note = models.CharField("précision sur la mobilité", max_length=200, blank=True)
    annual_taxable_income_cents = models.BigIntegerField("revenus imposables annuels (centimes)", default=0)
    monthly_family_benefits_cents = models.BigIntegerField(
        "prestations familiales mensuelles (centimes)", default=0
    )
    rfr_cents = models.BigIntegerField("revenu fiscal de référence (centimes)", null=True, blank=True)
    tax_parts = models.DecimalField("parts fiscales", max_digits=4, decimal_places=2, null=True, blank=True)
    is_taxable = models.BooleanField("imposable", null=True, blank=True)
    # Computed by the service from the composition and resources (see quotient.py).
    qf_cents = models.IntegerField("quotient familial (centimes)", null=True, blank=True, db_index=True)
    qf_parts = models.DecimalField("parts CAF", max_digits=4, decimal_places=1, null=True, blank=True)
    # The computation's explanation in French, stored with the figure so every page shows the
    # QF computed when its inputs last changed (never recomputed on a read).
    qf_lines = models.JSONField("calcul du quotient familial", default=list, blank=True, editable=False)
    # The head's « nom prénom », normalised: the list's sort key, kept by the services (an
    # indexed column, so a page of 25 does not sort every household on a subquery).
    sort_name = models.CharField(max_length=170, blank=True, editable=False)
    created_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="créé par"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Set by partez.privacy when the file is anonymised (retention or erasure): nothing personal
    # is left, only what the bilan counts; the services refuse to change it any more.
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "foyer"
        ordering = ["reference"]
        indexes = [models.Index(fields=["sort_name", "id"], name="household_sort_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_taxable_income_cents__gte=0), name="household_income_positive"
            ),
            models.CheckConstraint(
                condition=Q(monthly_family_benefits_cents__gte=0), name="household_benefits_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Foyer {self.reference}"

    @property
    def head(self):
        """The head among the (prefetched) persons."""
        return next((p for p in self.persons.all() if p.relation == Relation.HEAD), None)

    @property
    def qf_euros(self) -> int | None:
        """Whole euros, for the API's ``qf_euros``; pages show ``qf_cents|euros``, the very
        figure the explanation ends on (one rounding, in ``quotient.py``)."""
        return None if self.qf_cents is None else round(self.qf_cents / 100)

    @property
    def minimum_benefit_labels(self) -> list[str]:
        labels = dict(MinimumBenefit.choices)
        return [labels.get(b, b) for b in self.minimum_benefits or []]


class Person(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="persons")
    first_name = models.CharField("prénom", max_length=80)
    last_name = models.CharField("nom", max_length=80, db_index=True)
    birth_date = models.DateField("date de naissance", db_index=True)
    relation = models.CharField("lien", max_length=10, choices=Relation.choices)
    has_disability = models.BooleanField("situation de handicap", default=False)
    employment = models.CharField(
        "situation", max_length=14, choices=EmploymentSituation.choices, default=EmploymentSituation.OTHER
    )
    schooling = models.CharField(
        "scolarité", max_length=14, choices=Schooling.choices, default=Schooling.NOT_AT_SCHOOL
    )
    # « nom prénom » without accents, lower case: set by the services (see search_key).
    search_name = models.CharField(max_length=170, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = "personne"
        ordering = ["household_id", "birth_date", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @staticmethod
    def search_key(first_name: str, last_name: str) -> str:
        return normalise(f"{last_name} {first_name}")


class PastDeparture(models.Model):
    """A departure before (or through) partez: drives first-departure / once-a-year / once-ever rules."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="past_departures")
    year = models.PositiveSmallIntegerField("année")
    scheme = models.CharField("dispositif", max_length=12, choices=SchemeCode.choices)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "départ passé"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year", "scheme"], name="past_departure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_scheme_display()}"


class ConsentScope(models.TextChoices):
    CASEWORK = "casework", "Traitement du dossier et accompagnement"
    SHARING = "sharing", "Partage avec les autres structures qui suivent le foyer"
    CONTACT = "contact", "Être contacté·e par SMS ou e-mail (invitations, enquête)"
    # The bilan's counts (people, departures, money) are the operation's reporting duty and are
    # published as aggregates without consent; this scope covers the one optional use: the
    # satisfaction survey, whose answers count (without a name) only while it is active.
    STATISTICS = "statistics", "Répondre à l'enquête de satisfaction, comptée sans nom dans le bilan"
    # The family's own space (partez.family): without it, no link or code opens anything.
    FAMILY_SPACE = (
        "family_space",
        "Utiliser l'espace famille en ligne (suivre son projet, envoyer ses papiers)",
    )


class Consent(models.Model):
    """Consent recorded when the household is created: who collected it, when, for what."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents")
    scopes = models.JSONField("finalités")
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    collected_at = models.DateTimeField("recueilli le")
    revoked_at = models.DateTimeField("retiré le", null=True, blank=True)

    class Meta:
        verbose_name = "consentement"
        ordering = ["-collected_at"]

    def __str__(self) -> str:
        return f"Consentement du {self.collected_at:%d/%m/%Y}"

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(ConsentScope.choices)
        return [labels.get(s, s) for s in self.scopes]


class FollowUp(models.Model):
    """An organisation following a household; exactly one open follow-up is the referent."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="followups")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="followups")
    is_referent = models.BooleanField("référent", default=False)
    started_on = models.DateField("début")
    ended_on = models.DateField("fin", null=True, blank=True)
    end_reason = models.CharField("motif de fin", max_length=200, blank=True)

    class Meta:
        verbose_name = "suivi"
        constraints = [
            models.UniqueConstraint(
                fields=["household", "organisation"],
                condition=Q(ended_on__isnull=True),
                name="followup_open_unique",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True, is_referent=True),
                name="followup_one_referent",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "household"], name="followup_org_idx")]

    def __str__(self) -> str:
        return f"Suivi par {self.organisation}"
