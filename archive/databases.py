"""Django's DATABASES from the settings' values: the primary and its streaming replicas, each
PostgreSQL, with JIT off and a connection timeout."""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def databases(
    primary: str, *, replicas: list[str], conn_max_age: int, connect_timeout: int
) -> dict[str, dict]:
    found = {"default": dj_database_url.parse(primary)}
    for number, url in enumerate(replicas, start=1):
        # In tests a replica is the test database itself.
        found[f"replica{number}"] = {**dj_database_url.parse(url), "TEST": {"MIRROR": "default"}}
    for alias, database in found.items():
        if not database["ENGINE"].endswith("postgresql"):
            which = "DATABASE_URL" if alias == "default" else "DATABASE_REPLICA_URLS"
            raise ImproperlyConfigured(
                f"The archive runs on PostgreSQL only: {which} must be postgres://"
            )
        database["CONN_MAX_AGE"] = conn_max_age
        database["CONN_HEALTH_CHECKS"] = True
        options = database.setdefault("OPTIONS", {})
        # No JIT compilation: every query here is short, and the search's dearer operator cost
        # lifts their estimates past jit_above_cost, where compiling took 13 ms to save nothing
        # (a tag browse at 100,000 statements ran 6 ms of work in 19). The URL's options first.
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        options.setdefault("connect_timeout", connect_timeout)
    return found
