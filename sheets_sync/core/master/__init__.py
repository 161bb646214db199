"""The master list: stable identities, owners, the Review queue, and staff rows linked to alumni."""
