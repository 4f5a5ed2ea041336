"""Printable notices (PDF) after GB/T 9704-2012: fonts, layout, verification codes. Qt-free."""

from __future__ import annotations
