"""花名册: people, memberships in the bodies that vote, and kinship links."""
