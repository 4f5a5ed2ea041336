"""花名册: villages, people, the bodies that vote and their composition (C5, C6, C19)."""
