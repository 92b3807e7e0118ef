"""The movement's shape: who signs with whom (``/network/`` and its downloads), drawn from
the catalog's network and read through the search for ``?q=``."""
