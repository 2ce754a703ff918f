"""The personal-data notice, by version: the text a person accepts is the one recorded.

A new text gets a new version here and a new template ``privacy/notice_<version>.html``;
every older version stays readable at its own address, so a consent on file can always be
read in the words that were accepted.
"""

from __future__ import annotations

import datetime as dt

NOTICE_VERSIONS: dict[str, dt.date] = {
    "2025-07": dt.date(2025, 7, 1),
    # Law 91/2025/QH15 and Decree 356/2025/NĐ-CP; volunteers, donors, the outbox, print-outs.
    "2026-01": dt.date(2026, 1, 1),
}
NOTICE_CURRENT = "2026-01"
# Under this age a parent or guardian consents too (see SECURITY.md, children).
GUARDIAN_AGE = 16


def notice_template(version: str) -> str:
    return f"privacy/notice_{version.replace('-', '_')}.html"
