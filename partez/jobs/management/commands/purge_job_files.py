"""``manage.py purge_job_files`` (run daily): deletes the result files of jobs past their expiry
(``file_retention_days``, a dated parameter), audited; the job rows stay, without their file."""

from django.core.management.base import BaseCommand

from partez.jobs.files import job_files_purge


class Command(BaseCommand):
    help = "Supprime les fichiers des traitements expirés (à lancer chaque jour)."

    def handle(self, *args, **options):
        self.stdout.write(f"{job_files_purge()} fichier(s) supprimé(s).")
