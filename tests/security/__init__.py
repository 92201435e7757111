"""Security tests: sessions, roles, CSRF, keys kept secret, headers (issue 4, ASVS 5.0 L2)."""
