"""What a bulk import reports: each bad row (section, row, column, reason), or what it did."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from audio.messages import N_, Joined, Lines, Message, TranslatableError, message
from scheduler.errors import Invalid

MAX_LISTED = 200


@dataclass(frozen=True)
class RowError:
    """One problem in one row of the file; `reason` is a catalogue message or a refusal."""

    section: str
    row: int
    column: str
    reason: Message | TranslatableError

    @property
    def message(self) -> Message:
        """The row's problem as one line."""
        if self.column:
            return message(
                N_("%(section)s row %(row)s, column '%(column)s': %(reason)s"),
                section=self.section,
                row=self.row,
                column=self.column,
                reason=self.reason,
            )
        return message(
            N_("%(section)s row %(row)s: %(reason)s"),
            section=self.section,
            row=self.row,
            reason=self.reason,
        )

    def __str__(self) -> str:
        return str(self.message)


class BulkImportError(Invalid):
    """The file has bad rows; nothing was written."""

    code = "bad_rows"

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        rows = Lines(e.message for e in errors[:MAX_LISTED])
        if len(errors) > MAX_LISTED:
            rows = Lines([*rows, message(N_("... and %(n)s more"), n=len(errors) - MAX_LISTED)])
        super().__init__(
            N_("%(count)s bad row(s), nothing was imported:%(rows)s"),
            count=len(errors),
            rows=rows,
        )


OUTCOMES = {
    "new": N_("%(n)s new"),
    "changed": N_("%(n)s changed"),
    "unchanged": N_("%(n)s unchanged"),
    "existing": N_("%(n)s already there"),
}


@dataclass
class ImportSummary:
    """What an import did, per section."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, section: str, outcome: str) -> None:
        self.counts.setdefault(section, Counter())[outcome] += 1

    @property
    def message(self) -> Message:
        """'channels: 2 new, 1 unchanged; programmes: ...' in the reader's language."""
        if not self.counts:
            return message(N_("nothing to import"))
        parts = [
            message(
                N_("%(section)s: %(outcomes)s"),
                section=section,
                outcomes=[message(OUTCOMES[k], n=n) for k, n in sorted(c.items())],
            )
            for section, c in self.counts.items()
        ]
        return message(N_("Imported: %(parts)s"), parts=Joined(parts))

    def __str__(self) -> str:
        return str(self.message)
