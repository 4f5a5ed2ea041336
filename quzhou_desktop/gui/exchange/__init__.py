"""The 数据交换 section: packages, receipts, enrolment, the per-village table, conflicts and fork alarms."""
