"""fake_freshsales."""
