"""Findings written under RESULTS.md (filled in from the profiles of the latest full run)."""

from __future__ import annotations

NOTES: list[str] = []
