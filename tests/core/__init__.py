"""Tests of statements/core."""
