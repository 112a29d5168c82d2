"""Fill English msgstrs in app/translations/en/LC_MESSAGES/messages.po from a JSON dictionary.

Usage: python scripts/fill_translations.py TRANSLATIONS.json
Only empty or fuzzy msgstrs are filled; prints the msgids still untranslated so none is missed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"


def main() -> int:
    mapping = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in mapping and (not message.string or "fuzzy" in message.flags):
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
        if not message.string or "fuzzy" in message.flags:
            missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
