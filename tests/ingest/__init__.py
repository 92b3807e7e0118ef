"""Tests of statements/ingest."""
