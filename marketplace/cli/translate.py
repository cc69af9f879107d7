"""`flask translate extract|update|compile|check`: the message catalogs."""
import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from marketplace.i18n import LOCALES

translate = AppGroup("translate", help="Extract, update, compile and check the message catalogs.")

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
SOURCE_LOCALE = "en"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def _extract(target: Path) -> None:
    _pybabel("-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2",
             "--add-comments=i18n:", "--sort-by-file", "--no-wrap", "--project=marketplace", "-o", str(target), ".")


@translate.command("extract")
def translate_extract():
    """Write translations/messages.pot from the code and templates."""
    _extract(POT)


@translate.command("update")
@click.option("--locale", "-l", "only", multiple=True, type=click.Choice(LOCALES),
              help="Merge into these catalogs only (repeatable); default: every catalog.")
def translate_update(only=()):
    """Extract, then merge the template into every catalog (or the ones named)."""
    translate_extract.callback()
    for loc in only or LOCALES:
        po = TRANSLATIONS / loc / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", loc, "--no-wrap", "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", loc, "--no-wrap")
    if not only or SOURCE_LOCALE in only:
        _fill_source_catalog(TRANSLATIONS / SOURCE_LOCALE / "LC_MESSAGES" / "messages.po")


def _fill_source_catalog(path: Path) -> None:
    """The messages are written in English, so the English catalog is the source text itself."""
    import polib

    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


@translate.command("compile")
def translate_compile():
    """Compile every catalog to .mo."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


@translate.command("check")
def translate_check():
    """Fail when a catalog is incomplete, fuzzy, or breaks a placeholder."""
    from marketplace.translation_check import check_catalogs

    import tempfile

    from marketplace.translation_check import not_in_template

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        _extract(fresh)
        problems = not_in_template(fresh, POT) + check_catalogs(TRANSLATIONS, POT, LOCALES)
    for line in problems:
        click.echo(line)
    if problems:
        raise SystemExit(1)
    click.echo(f"translations: {len(LOCALES)} catalogs complete")
