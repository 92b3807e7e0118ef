"""Tests of statements/search."""
