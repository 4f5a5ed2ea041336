"""设置: rules, users, password, villages, backup and restore, printing."""
