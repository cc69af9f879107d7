"""The books for an auditor: the ledger and the action record, written out together as CSV files."""
import csv
import hashlib
from pathlib import Path

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import JournalEntry, LedgerAccount, Posting
from marketplace.services import audit


def _accounts():
    stmt = sa.select(LedgerAccount.id, LedgerAccount.kind, LedgerAccount.owner_id, LedgerAccount.balance_fen) \
        .order_by(LedgerAccount.id)
    yield from db.session.execute(stmt.execution_options(yield_per=1000))


def _entries():
    stmt = sa.select(JournalEntry.id, JournalEntry.key, JournalEntry.kind, JournalEntry.memo, JournalEntry.digest,
                     JournalEntry.reverses_id, JournalEntry.created_by_id, JournalEntry.created_at) \
        .order_by(JournalEntry.id)
    for row in db.session.execute(stmt.execution_options(yield_per=1000)):
        yield [*row[:7], row[7].isoformat(timespec="seconds")]


def _postings():
    stmt = sa.select(Posting.id, Posting.entry_id, Posting.account_id, Posting.amount_fen).order_by(Posting.id)
    yield from db.session.execute(stmt.execution_options(yield_per=5000))


#: file name -> (header, rows); amounts are integer fen.
TABLES = {
    "ledger_accounts.csv": (["id", "kind", "owner_id", "balance_fen"], _accounts),
    "journal_entries.csv": (["id", "key", "kind", "memo", "digest", "reverses_id", "created_by_id", "at_utc"],
                            _entries),
    "postings.csv": (["id", "entry_id", "account_id", "amount_fen"], _postings),
    "action_record.csv": (audit.EXPORT_HEADER, audit.export_rows),
}


def export_books(directory: Path) -> dict[str, tuple[int, str]]:
    """Write every table; return file name -> (rows, sha256). A manifest.csv lists the same."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (header, rows) in TABLES.items():
        path = directory / name
        count = 0
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows():
                writer.writerow(["" if v is None else v for v in row])
                count += 1
        manifest[name] = (count, hashlib.sha256(path.read_bytes()).hexdigest())
    with (directory / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "rows", "sha256"])
        for name, (count, digest) in manifest.items():
            writer.writerow([name, count, digest])
    return manifest
