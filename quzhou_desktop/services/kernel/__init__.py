"""The kernel every domain uses: the acting user and context, roles and permissions, login and passwords,
users, township settings, maintenance, field validation and stored attachments."""
