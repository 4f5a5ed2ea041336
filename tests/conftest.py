from __future__ import annotations

import os

# Qt must run offscreen in tests; pytest-qt aborts without a display otherwise.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
