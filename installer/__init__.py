"""Build tooling for the Windows installer and the Debian package (not shipped inside the app)."""
