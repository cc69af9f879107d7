"""Catalog checks: complete, not fuzzy, placeholders intact, in step with the template."""
import re
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]|%[sdf]|\{(\w*)\}")


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text or ""))


def check_catalog(po: polib.POFile, name: str, template_ids: set) -> list[str]:
    problems = []
    ids = {e.msgid for e in po if not e.obsolete}
    for missing in sorted(template_ids - ids):
        problems.append(f"{name}: not in catalog (run flask translate update): {missing!r}")
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{name}:{entry.linenum}: fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            forms = [v for _k, v in sorted(entry.msgstr_plural.items())]
            if not forms or not all(forms):
                problems.append(f"{name}:{entry.linenum}: untranslated plural: {entry.msgid!r}")
            for form in forms:
                if form and set(placeholders(form)) != set(placeholders(entry.msgid_plural)):
                    problems.append(f"{name}:{entry.linenum}: placeholders differ: {entry.msgid!r}")
            continue
        if not entry.msgstr:
            problems.append(f"{name}:{entry.linenum}: untranslated: {entry.msgid!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(
                f"{name}:{entry.linenum}: placeholders differ: {entry.msgid!r} "
                f"{placeholders(entry.msgid)} != {placeholders(entry.msgstr)}"
            )
    if not problems and po.percent_translated() != 100:
        problems.append(f"{name}: {po.percent_translated()} % translated")
    return problems


def check_catalogs(root: Path, pot: Path, locales) -> list[str]:
    template_ids = {e.msgid for e in polib.pofile(str(pot))} if pot.exists() else set()
    problems = []
    for loc in locales:
        path = root / loc / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            problems.append(f"{loc}: catalog missing ({path})")
            continue
        problems.extend(check_catalog(polib.pofile(str(path)), loc, template_ids))
    return problems


def not_in_template(fresh_pot: Path, pot: Path) -> list[str]:
    """Messages in the code that the committed template does not have yet (never extracted)."""
    known = {e.msgid for e in polib.pofile(str(pot))} if pot.exists() else set()
    return [f"template: not extracted (run flask translate update): {e.msgid!r}"
            for e in polib.pofile(str(fresh_pot)) if e.msgid not in known]
