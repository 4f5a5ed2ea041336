"""``verify``: the one entry point the CLI command and the GUI's 校验数据库 call — the file's checks, the audit
chain, every record against it, the attachments, and every anchor found outside the file (the journal, files
given, codes typed from paper)."""
