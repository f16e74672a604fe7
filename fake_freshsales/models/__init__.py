"""Freshsales' behaviour only, free of HTTP and of the harness: what it stores, refuses, answers."""
