"""gunicorn settings, read automatically when gunicorn starts in this folder.

Access logs must not hold the private manage and cancel links (anyone reading the logs
could cancel a citizen's booking), nor the query strings of the admin and staff pages
(what staff searched for: phone numbers, names). The logger masks both in every atom
of the log line: the request line, the path, the query string, the referer, and the
request's headers and environment.
"""

from gunicorn.glogging import Logger

from kela_service.redact import mask_query, mask_secrets

QUERY_ATOMS = ("q", "{query_string}e")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = mask_secrets(value)
        path = environ.get("PATH_INFO", "")
        for key in QUERY_ATOMS:
            if key in atoms:
                atoms[key] = mask_query(path, atoms[key])
        atoms["f"] = atoms.get("f", "-")  # the referer
        return atoms


logger_class = RedactingLogger
accesslog = "-"
