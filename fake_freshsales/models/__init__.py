"""State and rules of the fake, free of HTTP: what Freshsales would store and refuse."""
