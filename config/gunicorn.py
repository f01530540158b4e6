"""gunicorn's settings for partez (``gunicorn -c python:config.gunicorn config.wsgi:application``):
the access log without personal data or secrets — query values and the tokens of the links
(survey, RSVP, invitations) are scrubbed (``partez/core/logscrub.py``), and so is the Referer."""

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

logger_class = "config.gunicorn.ScrubbingLogger"


class ScrubbingLogger(Logger):
    URL_ATOMS = ("f", "{referer}i", "{raw_uri}e", "{request_uri}e")

    def atoms(self, resp, req, environ, request_time):
        from partez.core.logscrub import scrub_path, scrub_query, scrub_url

        atoms = super().atoms(resp, req, environ, request_time)
        raw = scrub_url(environ.get("RAW_URI", ""))
        atoms["r"] = f"{environ['REQUEST_METHOD']} {raw} {environ['SERVER_PROTOCOL']}"
        atoms["U"] = scrub_path(atoms.get("U") or "")
        atoms["q"] = scrub_query(atoms.get("q") or "")
        atoms["{path_info}e"] = atoms["U"]
        atoms["{query_string}e"] = atoms["q"]
        for key in self.URL_ATOMS:
            if atoms.get(key):
                atoms[key] = scrub_url(atoms[key])
        return atoms
