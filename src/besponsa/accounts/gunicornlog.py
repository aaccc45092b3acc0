"""gunicorn's access log without secrets or personal data (issue 17 item 5).

`logredact` redacts every log record made in a process where Django has started, but gunicorn's access
log is gunicorn's: its lines are built from "atoms" (the request line, path, query string, headers,
environ), and an operator's `--access-logformat` may ask for any of them, such as `%(q)s` or
`%({cookie}i)s`, which the record-level redaction cannot recognize. This logger class cleans each atom
itself as the format reads it, whether or not Django has been imported in the process:

- the query string (`%(q)s`, `QUERY_STRING`) is never written, only whether there was one;
- credentials (Authorization, Cookie, Set-Cookie, API-key and CSRF headers, and the Basic-auth user)
  are replaced by a placeholder;
- everything else (request line, path, referrer, Location, user agent, any header or environ value)
  goes through `logredact.redact`: emailed-link tokens, API tokens, email addresses and query strings.

Configured in `besponsa.project.gunicorn` (`logger_class`); `--logger-class` names it on a command line.
"""

from __future__ import annotations

from typing import Any

from gunicorn import glogging

from besponsa.accounts.logredact import redact

CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-csrftoken"}
)
QUERY_ATOMS = frozenset({"q", "{query_string}e"})


def _header_name(key: str) -> str:
    """The header an atom key names: `{cookie}i` and `{http_cookie}e` are both "cookie"."""
    if not (key.startswith("{") and key[-2:] in {"}i", "}o", "}e"}):
        return ""
    name = key[1:-2].lower()
    if key.endswith("}e"):
        name = name.removeprefix("http_").replace("_", "-")
    return name


def clean_atom(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in QUERY_ATOMS:
        return "[query]" if value else ""
    if key == "u" and value != "-":
        return "[user]"
    if _header_name(key) in CREDENTIAL_HEADERS:
        return "[redacted]"
    return redact(value)


class CleanAtoms(glogging.SafeAtoms):
    """gunicorn's atoms for the access-log format, each cleaned when the format asks for it, then quoted
    as gunicorn's `SafeAtoms` quotes it. A line names a handful of the atoms (every request and response
    header is one): cleaning all of them on every request was a third of a worker's CPU on the
    benchmark's floor view (bench/, py-spy)."""

    def __init__(self, atoms: dict[str, Any]) -> None:
        dict.__init__(self, atoms)  # raw: cleaned and quoted in __getitem__

    def __getitem__(self, key: str) -> Any:
        if key.startswith("{"):
            key = key.lower()
        if key not in self:
            return "-"
        value = clean_atom(key, dict.__getitem__(self, key))
        return value.replace('"', '\\"') if isinstance(value, str) else value


class RedactingLogger(glogging.Logger):
    atoms_wrapper_class = CleanAtoms
