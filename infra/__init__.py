"""What runs the site without being the archive: request ids and access logs, health and
metrics, reads from streaming replicas, load shedding, the hand-over to the task queue, a
Redis cache that may be away, and compression on the wire.

It knows neither the archive (``statements``) nor the project's wiring (``archive``): the
settings name its middleware and backends, and the archive calls it.
"""
