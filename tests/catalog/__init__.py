"""Tests of statements/catalog."""
