"""Savings & Support: the materials library and print orders (more services join this app)."""
