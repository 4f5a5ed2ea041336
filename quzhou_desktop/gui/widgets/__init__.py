"""Reusable widgets and models shared by every section."""
