"""Tiny builders for tests that need a cable or two without running the importer."""

import datetime as dt

from cables.models import Cable, CableTag, Caveat, Paragraph, Tag


def make_cable(reference_id="06BAKU641", *, tags=(), caveats=(), paragraphs=(), **fields):
    created = fields.pop("created", dt.datetime(2006, 4, 27, 2, 23, tzinfo=dt.UTC))
    defaults = {
        "origin": "BAKU",
        "origin_name": "Embassy Baku",
        "classification": "CONFIDENTIAL",
        "label": "CONFIDENTIAL",
        "subject": "IRANIAN DEFENSE MINISTER VISITS BAKU",
        "created": created,
        "year": created.year if created else None,
        "month": created.month if created else None,
    }
    defaults.update(fields)
    cable = Cable.objects.create(reference_id=reference_id, **defaults)
    for position, code in enumerate(tags):
        tag, _ = Tag.objects.get_or_create(code=code)
        CableTag.objects.create(cable=cable, tag=tag, position=position)
    for code in caveats:
        cable.caveats.add(Caveat.objects.get_or_create(code=code)[0])
    for position, (number, marking, level, text) in enumerate(paragraphs):
        Paragraph.objects.create(
            cable=cable,
            position=position,
            number=number,
            anchor=f"p{number}" if number else f"pos{position}",
            marking=marking,
            level=level,
            text=text,
        )
    return cable
