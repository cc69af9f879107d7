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
    """Every catalog complete and sound, and using the glossary's terms (translations/glossary.json)."""
    import json

    template_ids = {e.msgid for e in polib.pofile(str(pot))} if pot.exists() else set()
    glossary_file = root / "glossary.json"
    glossary = json.loads(glossary_file.read_text(encoding="utf-8")) if glossary_file.exists() else {}
    problems = []
    for loc in locales:
        path = root / loc / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            problems.append(f"{loc}: catalog missing ({path})")
            continue
        po = polib.pofile(str(path))
        problems.extend(check_catalog(po, loc, template_ids))
        problems.extend(glossary_problems(po, loc, glossary))
    return problems


def not_in_template(fresh_pot: Path, pot: Path) -> list[str]:
    """Messages in the code that the committed template does not have yet (never extracted)."""
    known = {e.msgid for e in polib.pofile(str(pot))} if pot.exists() else set()
    return [f"template: not extracted (run flask translate update): {e.msgid!r}"
            for e in polib.pofile(str(fresh_pot)) if e.msgid not in known]


#: Arabic-script Kazakh writes the front-vowel hamza as U+0621 or U+0674: the two are one letter here.
_HAMZA = str.maketrans({"\u0621": "", "\u0674": ""})


def _comparable(text: str) -> str:
    return (text or "").translate(_HAMZA).casefold()


def glossary_problems(po: polib.POFile, name: str, glossary: dict) -> list[str]:
    """Messages whose English has a glossary term and whose translation uses none of the glossary's forms."""
    problems = []
    for term in glossary.get("terms", []):
        forms = [_comparable(f) for f in term["forms"].get(name, [])]
        if not forms:
            continue
        pattern = re.compile(r"(?<![\w-])(?:" + term["en"] + ")", re.IGNORECASE)
        for entry in po:
            if entry.obsolete or not pattern.search(PLACEHOLDER.sub(" ", entry.msgid)):
                continue
            texts = [v for _k, v in sorted(entry.msgstr_plural.items())] if entry.msgid_plural else [entry.msgstr]
            for text in texts:
                if text and not any(form in _comparable(text) for form in forms):
                    problems.append(f"{name}:{entry.linenum}: glossary: {term['forms'][name][0]!r} expected for "
                                    f"{entry.msgid!r}")
    return problems
