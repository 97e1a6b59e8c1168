"""gunicorn settings, read automatically when gunicorn starts in this folder.

Access logs must not hold the private manage and cancel links: anyone reading the logs
could cancel a citizen's booking. The logger masks those path segments.
"""

from gunicorn.glogging import Logger

from kela_service.redact import mask_secrets


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if key in atoms and isinstance(atoms[key], str):
                atoms[key] = mask_secrets(atoms[key])
        atoms["f"] = mask_secrets(atoms.get("f", "-"))  # the referer
        return atoms


logger_class = RedactingLogger
accesslog = "-"
