"""The send ledger of a month (``sent.json``): which pack went to whom, so each goes once.

Decision taken where SPEC leaves room:

* **The ledger** (``sent.json`` in the month's folder) lists every delivery: the pack, the
  recipients the server accepted, the attachment's SHA-256, the time. It is rewritten
  atomically after every message, so a failure part-way leaves it true. A message is
  "already sent" to the recipients the ledger lists for that pack; a rerun sends only to the
  others (new or previously refused addresses), and ``--resend`` sends to everyone again.
  A pack that changed after it was sent is not sent again by itself: the user is told and
  can ``--resend``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import DataError

__all__ = ["LEDGER_NAME", "Ledger", "read_ledger"]

#: The ledger of sent messages, in the month's output folder.
LEDGER_NAME = "sent.json"
#: The manifest/ledger key of the all-regions pack.
ALL_KEY = ""


@dataclass
class Ledger:
    """Every delivery made for the month, as stored in ``sent.json``."""

    path: Path
    month: str
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def delivered(self, key: str) -> list[str]:
        """Every address the pack ``key`` was delivered to, in the order first delivered."""
        out: list[str] = []
        for entry in self.deliveries:
            if entry.get("key") == key:
                out.extend(a for a in entry.get("recipients", []) if a not in out)
        return out

    def last(self, key: str) -> dict[str, Any] | None:
        """The latest delivery of the pack ``key``."""
        found = [e for e in self.deliveries if e.get("key") == key]
        return found[-1] if found else None

    def record(self, entry: dict[str, Any]) -> None:
        """Add a delivery and write the ledger at once (atomically)."""
        from reportgen.outputs.write import write_text_atomic

        self.deliveries.append(entry)
        data = {"month": self.month, "deliveries": self.deliveries}
        write_text_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def read_ledger(folder: Path, month: str) -> Ledger:
    """The month's ledger (empty when nothing was sent yet); DataError when it is unreadable."""
    path = folder / LEDGER_NAME
    if not path.exists():
        return Ledger(path, month)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        deliveries = data["deliveries"]
        if not isinstance(deliveries, list) or not all(isinstance(e, dict) for e in deliveries):
            raise ValueError("deliveries is not a list of records")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"the send ledger {path} cannot be read ({exc}); it records what was already "
            "sent, so nothing was sent. Restore it from a backup, or delete it if you are sure "
            "nothing of this month was sent") from None
    return Ledger(path, month, deliveries)
