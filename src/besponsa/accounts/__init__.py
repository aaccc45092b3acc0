"""HCP and staff accounts (/accounts/): registration, sign-in, roles, audit."""
