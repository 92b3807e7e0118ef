"""Tests of statements/interop."""
