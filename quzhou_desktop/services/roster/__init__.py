"""花名册: the township's first-run setup, villages, people, the bodies that vote and their composition (C5,
C6, C19)."""
