"""Dates between Python and Qt, and the date field every form uses (calendar pop-up, yyyy-MM-dd)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date) -> QDateEdit:
    e = QDateEdit(qdate(d))
    e.setCalendarPopup(True)
    e.setDisplayFormat("yyyy-MM-dd")
    return e
