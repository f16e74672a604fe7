"""The fake's own machinery, not Freshsales' behaviour: account registry, clock, journal, faults."""
