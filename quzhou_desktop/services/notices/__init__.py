"""Printed notices: documents built from the database, 核验码, print records, fonts and the batch of due notices."""
