"""manage.py import_households --organisation SLUG --file FILE [--dry-run] [--as EMAIL]

The web import's work from a shell: the same reading, checks and services. Prints what it did
(or would do) and, as its last line, one JSON object:
{"rows", "households_created", "households_updated", "persons_created", "rows_in_error",
"errors": [{"row", "field", "message"}]}."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from partez.core.errors import DomainError
from partez.households.models import ConsentScope
from partez.imports import perms, services
from partez.organisations.models import Membership, Organisation


class Command(BaseCommand):
    help = "Importe un fichier de foyers (XLSX ou CSV) pour une organisation."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="slug de l'organisation")
        parser.add_argument("--file", required=True)
        parser.add_argument(
            "--dry-run", action="store_true", help="montre ce qui serait fait, sans rien enregistrer"
        )
        parser.add_argument("--as", dest="email", help="e-mail du membre au nom duquel importer")
        parser.add_argument(
            "--consent",
            default=ConsentScope.CASEWORK,
            help="finalités recueillies, séparées par des virgules (casework obligatoire)",
        )
        parser.add_argument("--consent-date", help="date du recueil (AAAA-MM-JJ), aujourd'hui par défaut")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Organisation inconnue : {options['organisation']}")
        members = (
            Membership.objects.active()
            .select_related("organisation", "user")
            .filter(organisation=organisation)
        )
        if options["email"]:
            members = members.filter(user__email=options["email"])
        actor = next((m for m in members.order_by("pk") if perms.can_import_households(m)), None)
        if actor is None:
            raise CommandError("Aucun membre de cette organisation ne peut importer de foyers.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        consent_on = (
            dt.date.fromisoformat(options["consent_date"])
            if options["consent_date"]
            else timezone.localdate()
        )
        try:
            with transaction.atomic():
                batch = services.batch_read(
                    actor=actor,
                    name=path.name,
                    content=path.read_bytes(),
                    consent_scopes=[s.strip() for s in options["consent"].split(",") if s.strip()],
                    consent_collected_on=consent_on,
                )
                if options["dry_run"]:
                    result = services.report(services.preview(batch, actor))
                    transaction.set_rollback(True)
                else:
                    result = None
            if result is None:
                result = services.batch_apply(batch, actor)
        except DomainError as exc:
            raise CommandError(" ".join(exc.errors.values())) from exc
        verb = "seraient créés" if options["dry_run"] else "créés"
        self.stdout.write(
            f"{result['rows']} lignes : {result['households_created']} foyers {verb}, "
            f"{result['households_updated']} mis à jour, {result['rows_in_error']} lignes en erreur."
        )
        for error in result["errors"][:50]:
            self.stdout.write(f"  ligne {error['row']} · {error['field']} : {error['message']}")
        self.stdout.write(json.dumps(result, ensure_ascii=False))
