"""The one reader of the environment, for the settings (archive/settings/). It imports no
settings, so a script may use it before it chooses them.

django-environ's reader, strict where a mistyped value would silently weaken a deployment:
django-environ reads any word it does not know as False (a ``SECURE_SSL_REDIRECT=ture``
would turn the redirect off) and lets a bad number through as a ValueError with no name;
here a boolean must be a known word, a bad value names its variable, and an empty value is
the default, as if unset."""

import functools

from django.core.exceptions import ImproperlyConfigured
from environ import Env

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class Environment(Env):
    def get_value(self, var, cast=None, default=Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(var)
        if raw == "" and default is not Env.NOTSET:
            return default
        if cast is bool and raw is not None and raw.lower() not in TRUE | FALSE:
            raise ImproperlyConfigured(f"{var} must be a boolean (1/0, true/false), not {raw!r}.")
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError as error:
            raise ImproperlyConfigured(f"{var}: {error}") from error

    def choice(self, var: str, *, choices: tuple[str, ...], default: str) -> str:
        """One of ``choices``; any other value is a clear error."""
        value = self.str(var, default=default)
        if value not in choices:
            raise ImproperlyConfigured(f"{var} must be one of {', '.join(choices)}, not {value!r}.")
        return value


env = Environment()


@functools.cache
def variables_read() -> frozenset[str]:
    """The names of every environment variable the settings modules read (``env.int("X")``
    and the like), found in their source: what the operators' guide documents, and what a
    test strips from the environment it hands a server of its own."""
    import ast
    from pathlib import Path

    names = set()
    for path in (Path(__file__).parent / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and "env" in ast.unparse(node.func).split(".")[:1]
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return frozenset(names)


# Where a server of its own is started (tests, benchmarks), the database and the cache it is
# given stay; every other setting is the server's own.
KEPT_FOR_A_SERVER = {"DATABASE_URL", "DATABASE_REPLICA_URLS", "REDIS_URL"}


def environ_without_settings(environ) -> dict[str, str]:
    """``environ`` less every variable the settings read (but KEPT_FOR_A_SERVER) and any
    DJANGO_ one: the environment to start another server of the archive with."""
    names = variables_read() - KEPT_FOR_A_SERVER
    return {k: v for k, v in environ.items() if k not in names and not k.startswith("DJANGO_")}
