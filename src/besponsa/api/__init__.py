"""The JSON API (/api/v1/): django-ninja over the same operations as the CLI."""
