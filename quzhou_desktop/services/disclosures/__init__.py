"""三务公开: the catalogue, disclosures and their review and posting, cadence, feedback, 财务公开 and the
register."""
