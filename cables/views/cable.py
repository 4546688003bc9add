"""One cable, and one paragraph of it: HTML for readers, `format=json` for programs.

The JSON schema is documented in docs/json-cable.md; keep the two in step.
"""

import re
from itertools import pairwise
from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cables import citations, search
from cables.models import Cable, Mention, PortionLevel, Reference
from cables.parsing.stations import catalogue_years, known_stations
from cables.views.common import iso

FORMATS = ("html", "json")
# Every reference ID of the release is two digits of year, a station, a serial: 08BAKU64.
REFERENCE_ID_SHAPE = re.compile(r"^[0-9A-Za-z]{1,40}$")
REFERENCE_ID_PARTS = re.compile(r"^(?P<year>\d{2})(?P<station>[A-Z]+)(?P<serial>\d{1,7})$")
PARAGRAPH_NUMBER_SHAPE = re.compile(r"^[0-9A-Za-z]{1,16}$")
YEARS = [f"{year % 100:02d}" for year in range(1966, 2011)]
NEAR_MATCH_LIMIT = 12
INFO_SHOWN_UNFOLDED = 4

# What the cable-level caveats mean, for those the importer left without a meaning.
CABLE_CAVEAT_MEANINGS = {
    "SIPDIS": "for distribution on SIPRNet, the State and Defense secret network",
    "NOFORN": "not releasable to foreign nationals",
    "NODIS": "no distribution beyond the addressees without the originator's approval",
    "EXDIS": "exclusive distribution to officers with an essential need to know",
    "LIMDIS": "limited distribution",
    "EFTO": "encrypt for transmission only",
    "SBU": "sensitive but unclassified",
    "ORCON": "dissemination controlled by the originator",
}

# Caveats in a paragraph's portion marking, as the importer codes them.
CAVEAT_MEANINGS = {
    "NF": "NOFORN: not releasable to foreign nationals",
    "REL": "releasable only to the countries named",
    "OC": "ORCON: dissemination controlled by the originator",
}


# --- Views -------------------------------------------------------------------------------------


def cable_detail(request, reference_id):
    output = requested_format(request)
    if output is None:
        return bad_format(request)
    cable, response = find_cable(request, reference_id, "cables:detail")
    if response:
        return response

    paragraphs = list(cable.paragraphs.all())
    tags = list(cable.tags.order_by("cable_tags__position"))
    for tag in tags:
        tag.list_url = tag_list_url(tag.code)
    caveats = list(cable.caveats.all())
    for caveat in caveats:
        caveat.meaning = caveat.meaning or CABLE_CAVEAT_MEANINGS.get(caveat.code, "")
    references = list(
        cable.references.select_related("target").only(
            "position",
            "label",
            "printed",
            "target_reference_id",
            "from_cable_id",
            "target__reference_id",
            "target__subject",
        )
    )
    referenced_by = list(
        Cable.objects.filter(
            pk__in=Reference.objects.filter(target=cable).values("from_cable_id")
        ).only("reference_id", "subject", "created", "label", "classification")
    )
    accessed = timezone.localdate()
    cable_url = request.build_absolute_uri(cable.get_absolute_url())
    mentions = cable_mentions(cable)
    # Arriving from a search result (?highlight=…): the words searched for are marked.
    highlighted = search.highlight_terms(request.GET.get("highlight", "")[:500])
    for paragraph in paragraphs:
        decorate_paragraph(
            request, cable, paragraph, accessed, mentions.get(paragraph.pk, []), highlighted
        )

    if output == "json":
        return json_response(
            {
                **cable_json(request, cable, tags, caveats),
                "paragraphs": [paragraph_json(paragraph) for paragraph in paragraphs],
                "references": [reference_json(request, reference) for reference in references],
                "referenced_by": [citing_cable_json(request, citing) for citing in referenced_by],
                "citation": citation_json(cable, cable_url, accessed),
            }
        )

    recipients_to = [r for r in cable.recipients if r.get("kind") == "to"]
    recipients_info = [r for r in cable.recipients if r.get("kind") != "to"]
    context = {
        "cable": cable,
        "cable_url": cable_url,
        "paragraphs": paragraphs,
        "tags": tags,
        "caveats": [(caveat, caveat.get_absolute_url()) for caveat in caveats],
        "recipients_to": recipients_to,
        "recipients_info": recipients_info,
        "fold_info": len(recipients_info) > INFO_SHOWN_UNFOLDED,
        "references": references,
        "referenced_by": referenced_by,
        "levels_present": sorted({p.level for p in paragraphs if p.level}, key=level_order),
        "has_unmarked": any(not p.level for p in paragraphs),
        "legend": legend_entries(),
        "chicago": citations.chicago(cable, cable_url, accessed),
        "bibtex": citations.bibtex(cable, cable_url, accessed),
        "accessed": accessed,
    }
    return render(request, "cables/detail.html", context)


def paragraph_detail(request, reference_id, number):
    output = requested_format(request)
    if output is None:
        return bad_format(request)
    cable, response = find_cable(request, reference_id, "cables:paragraph", number)
    if response:
        return response
    paragraph = None
    if PARAGRAPH_NUMBER_SHAPE.match(number):
        paragraph = cable.paragraphs.filter(anchor=f"p{number}").first()
        if paragraph is None:
            # ¶04 and ¶a are ¶4 and ¶A: send them to the spelling the cable prints.
            spelling = number.lstrip("0").upper() if number.isdigit() else number.upper()
            if (
                spelling
                and spelling != number
                and cable.paragraphs.filter(anchor=f"p{spelling}").exists()
            ):
                url = reverse("cables:paragraph", args=[cable.reference_id, spelling])
                return redirect_keeping_query(request, url)
    if paragraph is None:
        return paragraph_not_found(request, cable, number)

    accessed = timezone.localdate()
    decorate_paragraph(request, cable, paragraph, accessed)
    if output == "json":
        return json_response(
            {
                "cable": cable_summary_json(request, cable),
                "paragraph": paragraph_json(paragraph),
                "citation": citation_json(
                    cable, paragraph.permalink_absolute, accessed, paragraph.number
                ),
            }
        )
    context = {
        "cable": cable,
        "paragraph": paragraph,
        "cable_url": request.build_absolute_uri(cable.get_absolute_url()),
        "legend": legend_entries(),
        "accessed": accessed,
    }
    return render(request, "cables/paragraph.html", context)


# --- Finding the cable, and saying so when it is not here ----------------------------------------


def find_cable(request, reference_id, view_name, *extra_args):
    """(cable, None), or (None, response): a redirect to the canonical spelling of the ID, or a
    helpful 404 page with near matches."""
    if REFERENCE_ID_SHAPE.match(reference_id):
        cable = Cable.objects.filter(reference_id=reference_id).first()
        if cable is not None:
            return cable, None
        canonical = canonical_spelling(reference_id)
        if canonical != reference_id and Cable.objects.filter(reference_id=canonical).exists():
            url = reverse(view_name, args=[canonical, *extra_args])
            return None, redirect_keeping_query(request, url)
    return None, cable_not_found(request, reference_id)


def canonical_spelling(reference_id):
    """08baku064 -> 08BAKU64: upper case, serial without leading zeros."""
    upper = reference_id.upper()
    parts = REFERENCE_ID_PARTS.match(upper)
    if parts and parts["serial"].lstrip("0"):
        return f"{parts['year']}{parts['station']}{int(parts['serial'])}"
    return upper


def cable_not_found(request, reference_id):
    shown = printable(reference_id)
    context = {"query": shown, "near_matches": [], "in_release": False}
    if not REFERENCE_ID_SHAPE.match(reference_id):
        context["message"] = (
            f"“{shown}” is not a reference ID. Reference IDs are a two-digit year, a station and "
            "a serial number, such as 08BAKU64."
        )
    else:
        canonical = canonical_spelling(reference_id)
        context["near_matches"] = near_matches(canonical)
        context["in_release"] = in_release(canonical)
        context["message"] = f"There is no cable {canonical} in this archive."
    return render(request, "404.html", context, status=404)


def paragraph_not_found(request, cable, number):
    numbered = list(
        cable.paragraphs.exclude(number="")
        .filter(anchor__startswith="p")
        .values_list("number", flat=True)
    )
    numbered = [n for n in numbered if n]
    context = {
        "message": f"{cable.reference_id} has no paragraph numbered “{printable(number)}”.",
        "query": cable.reference_id,
        "cable": cable,
        "paragraph_links": [
            (n, reverse("cables:paragraph", args=[cable.reference_id, n])) for n in numbered
        ],
    }
    return render(request, "404.html", context, status=404)


def near_matches(reference_id):
    """Cables whose IDs are near this one, in two indexed queries and never a scan: the same
    station and serial in another year, serials one edit away, stations one or two edits away,
    and IDs beginning like this one."""
    parts = REFERENCE_ID_PARTS.match(reference_id)
    candidates = []
    if parts:
        year, station, serial = parts["year"], parts["station"], parts["serial"]
        candidates += [f"{other}{station}{serial}" for other in YEARS if other != year]
        candidates += [f"{year}{station}{edit}" for edit in serial_edits(serial)]
        candidates += [f"{year}{other}{serial}" for other in similar_stations(station)]
    else:
        # No year (BAKU64) or no serial: try the station in every year.
        bare = re.match(r"^(?P<station>[A-Z]+)(?P<serial>\d{1,7})$", reference_id)
        if bare:
            candidates += [f"{year}{bare['station']}{bare['serial']}" for year in YEARS]
    candidates = list(dict.fromkeys(c for c in candidates if c != reference_id))
    fields = ("reference_id", "subject", "created", "label", "classification", "origin_name")
    found = {
        cable.reference_id: cable
        for cable in Cable.objects.filter(reference_id__in=candidates).only(*fields)
    }
    matches = [found[c] for c in candidates if c in found][:NEAR_MATCH_LIMIT]
    prefix = reference_id[:-1] if len(reference_id) > 3 else reference_id
    if len(matches) < NEAR_MATCH_LIMIT and prefix:
        # A range on the unique index (exact for these ASCII IDs under SQLite's binary order and
        # PostgreSQL's C collation), with startswith as the guarantee.
        upper_bound = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        seen = {cable.reference_id for cable in matches} | {reference_id}
        same_prefix = (
            Cable.objects.filter(reference_id__gte=prefix, reference_id__lt=upper_bound)
            .filter(reference_id__startswith=prefix)
            .exclude(reference_id__in=seen)
            .order_by("reference_id")
            .only(*fields)[: NEAR_MATCH_LIMIT - len(matches)]
        )
        matches += list(same_prefix)
    return matches


def serial_edits(serial):
    """Serials one keystroke away: a digit dropped, added, changed, or two swapped."""
    digits = "0123456789"
    edits = set()
    for i in range(len(serial) + 1):
        if i < len(serial):
            edits.add(serial[:i] + serial[i + 1 :])
            edits.update(serial[:i] + d + serial[i + 1 :] for d in digits)
        if i < len(serial) - 1:
            edits.add(serial[:i] + serial[i + 1] + serial[i] + serial[i + 2 :])
        if len(serial) < 7:
            edits.update(serial[:i] + d + serial[i:] for d in digits)
    # Reference IDs print serials without leading zeros.
    canonical = {str(int(edit)) for edit in edits if edit and int(edit) > 0}
    canonical.discard(serial)
    return sorted(canonical, key=lambda edit: (abs(int(edit) - int(serial)), edit))


def similar_stations(station, limit=5):
    """Known stations one or two edits from a station that is not one (BAKUU -> BAKU)."""
    stations = known_stations()
    if station in stations:
        return []
    scored = sorted(
        (distance, code)
        for code in stations
        if abs(len(code) - len(station)) <= 2
        and (distance := edit_distance(station, code, ceiling=2)) <= 2
    )
    return [code for _, code in scored[:limit]]


def edit_distance(a, b, ceiling=2):
    """Levenshtein distance, giving up at `ceiling + 1`."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > ceiling:
            return ceiling + 1
        previous = current
    return previous[-1]


def in_release(reference_id):
    """Whether this ID is one of the release's 251,287 cables (the parser's catalogue)."""
    parts = REFERENCE_ID_PARTS.match(reference_id)
    if not parts:
        return False
    return int(parts["year"]) in catalogue_years(parts["station"], int(parts["serial"]))


def printable(value, limit=60):
    """A user-typed value safe and short enough to show back: no control characters."""
    value = re.sub(r"[\x00-\x1f\x7f]", "", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- Formats ------------------------------------------------------------------------------------


def requested_format(request):
    """'html' or 'json'; None for anything else (the view answers 400)."""
    value = request.GET.get("format", "") or "html"
    return value if value in FORMATS else None


def bad_format(request):
    shown = printable(request.GET.get("format", ""), limit=30)
    message = (
        f"Unknown format “{shown}”. This page is available as format=json, "
        "or as a web page without a format parameter."
    )
    return render(request, "cables/bad_request.html", {"message": message}, status=400)


def redirect_keeping_query(request, url):
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url, permanent=True)


def json_response(data):
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


# --- Paragraphs ---------------------------------------------------------------------------------


def cable_mentions(cable):
    """{paragraph id: [(start, end, text, entity slug, entity name)]}, in one query."""
    by_paragraph = {}
    rows = (
        Mention.objects.filter(cable_id=cable.pk)
        .order_by("paragraph_id", "start")
        .values_list("paragraph_id", "start", "end", "text", "entity__slug", "entity__name")
    )
    for paragraph_id, *mention in rows:
        by_paragraph.setdefault(paragraph_id, []).append(tuple(mention))
    return by_paragraph


def decorate_paragraph(request, cable, paragraph, accessed, mentions=(), highlighted=()):
    """What the templates and the JSON need beyond the row: permalinks, display text with the
    mentions of entities as links and the words searched for (`highlighted`, from
    search.highlight_terms) marked, citation."""
    paragraph.cable = cable
    paragraph.permalink = paragraph.get_absolute_url()
    paragraph.permalink_absolute = request.build_absolute_uri(paragraph.permalink)
    paragraph.has_page = paragraph.number != "" and paragraph.anchor == f"p{paragraph.number}"
    paragraph.label = f"¶{paragraph.number}" if paragraph.number else "Unnumbered paragraph"
    edits, paragraph.preformatted = display_edits(paragraph.text)
    paragraph.display_text = apply_edits(paragraph.text, edits)
    paragraph.linked_mentions = [
        mention for mention in mentions if paragraph.text[mention[0] : mention[1]] == mention[2]
    ]
    paragraph.display_html = linked_html(
        paragraph.text,
        edits,
        [
            (start, end, *entity_link(slug, name))
            for start, end, _, slug, name in paragraph.linked_mentions
        ],
        marks=search.highlight_spans(paragraph.text, highlighted),
    )
    paragraph.level_name = level_name(paragraph.level, paragraph.caveats)
    paragraph.chicago = citations.chicago(
        cable, paragraph.permalink_absolute, accessed, paragraph.number
    )
    paragraph.bibtex = citations.bibtex(
        cable, paragraph.permalink_absolute, accessed, paragraph.number
    )


# A line that starts something: a dash or bullet, "(a)", "a)", "1.", "B.", or indentation.
LINE_STARTS_ITEM = re.compile(
    r"^(?:\s{2,}|\s*(?:[-–—*•]|\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{2,4})[.)](?:\s|$)))"
)
# Columns: a run of three or more spaces (or a tab) inside a line, not after a full stop or a
# colon, where typists put extra spaces in prose. Enough lines with them make a table.
COLUMN_GAP = re.compile(r"[^\s.!?:;] {3,}\S|\t")


TERMINAL = re.compile(r"[.!?:;\"”’)\]]$")


def display_text(text):
    """(text, preformatted): the paragraph with its hard-wrapped prose lines joined, and whether
    it is a table to show with every line and space as printed.

    The cables were typed for 69-column teleprinters, so most line breaks inside a paragraph are
    wrapping, not meaning; kept, they make ragged prose on any screen wider or narrower than a
    teleprinter. A break is kept when it carries meaning: before a list item (a dash, "(a)",
    "B."), an indented line or a blank line, and after a line that stops well short of the
    paragraph's width (a heading, an address line, a name in a list) unless the sentence goes on
    in lower case on the next line. Characters are never
    changed, only some newlines shown as spaces; the JSON keeps the text exactly as imported.
    """
    edits, preformatted = display_edits(text)
    return apply_edits(text, edits), preformatted


def display_edits(text):
    """(edits, preformatted) for display_text: each joined line break as (start, end,
    replacement) on the original text, so that links placed by offsets compose with it."""
    lines = text.split("\n")
    if len(lines) == 1:
        return [], False
    columned = sum(1 for line in lines if COLUMN_GAP.search(line))
    if columned >= 2 and columned * 3 >= len(lines):
        return [], True
    width = max(len(line.rstrip()) for line in lines)
    edits = []
    offset = 0  # where `before` starts in the text
    for before, line in pairwise(lines):
        line_start = offset + len(before) + 1
        previous = before.rstrip()  # the line as printed, not what it was joined into
        first_word = line.split(maxsplit=1)[0] if line.strip() else ""
        wrapped = (
            previous
            and first_word
            and not LINE_STARTS_ITEM.match(line)
            and (
                len(previous) + 1 + len(first_word) > 0.8 * width
                # A sentence broken in its middle, in a paragraph of uneven line lengths.
                or (
                    len(previous) >= 40
                    and first_word[0].islower()
                    and not TERMINAL.search(previous)
                )
            )
        )
        if wrapped:
            # A compound broken at its hyphen ("U.S.-\nIraq") joins with nothing between.
            hyphen = re.search(r"[^\s-]-$", previous) and line[:1].isalpha()
            edits.append((offset + len(previous), line_start, "" if hyphen else " "))
        offset = line_start
    return edits, False


def apply_edits(text, edits, start=0, end=None):
    """text[start:end] with the edits inside it applied (an edit cut by the range drops its
    replacement text unless the range holds its beginning)."""
    end = len(text) if end is None else end
    pieces, position = [], start
    for edit_start, edit_end, replacement in edits:
        if edit_end <= start or edit_start >= end:
            continue
        pieces.append(text[position : max(edit_start, start)])
        if edit_start >= start:
            pieces.append(replacement)
        position = min(edit_end, end)
    pieces.append(text[position:end])
    return "".join(pieces)


def linked_html(text, edits, spans, start=0, end=None, marks=()):
    """The paragraph as HTML: escaped segments of the text between the spans' offsets, each span
    wrapped in its tag ((start, end, opening tag, closing tag), sorted, not overlapping), the
    marks ((start, end) of searched words) in <mark> inside whatever segment holds them, and
    the display edits applied throughout. Nothing of the text is added, dropped or reordered."""
    end = len(text) if end is None else end
    pieces, position = [], start
    for span_start, span_end, opening, closing in spans:
        if span_start < position or span_end > end:
            continue
        pieces.append(marked_html(text, edits, position, span_start, marks))
        pieces.append(opening)
        pieces.append(marked_html(text, edits, span_start, span_end, marks))
        pieces.append(closing)
        position = span_end
    pieces.append(marked_html(text, edits, position, end, marks))
    return mark_safe("".join(pieces))  # every piece of text is escaped in marked_html


def marked_html(text, edits, start, end, marks):
    """text[start:end], escaped, with the parts of the marks inside that range in <mark>."""
    pieces, position = [], start
    for mark_start, mark_end in marks:
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        if mark_start >= mark_end:
            continue
        pieces.append(escape(apply_edits(text, edits, position, mark_start)))
        pieces.append(f"<mark>{escape(apply_edits(text, edits, mark_start, mark_end))}</mark>")
        position = mark_end
    pieces.append(escape(apply_edits(text, edits, position, end)))
    return "".join(pieces)


def entity_link(slug, name):
    url = reverse("cables:entity", args=[slug])
    return (f'<a class="mention" href="{escape(url)}" title="{escape(name)}">', "</a>")


LEVEL_ORDER = ["U", "SBU", "C", "S", "TS"]
LEVEL_NAMES = dict(PortionLevel.choices)


def level_order(level):
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def level_name(level, caveats=""):
    """Secret, NOFORN — for the badge's title (what a screen reader and a tooltip say)."""
    name = LEVEL_NAMES.get(level, "") if level else "No portion marking"
    extra = [CAVEAT_MEANINGS.get(code, code) for code in caveats.split() if code]
    return "; ".join([name, *extra])


def legend_entries():
    """The badges a reader may meet, each with its printed form and meaning."""
    return [
        ("U", "(U)", "Unclassified"),
        ("SBU", "(SBU)", "Sensitive but unclassified"),
        ("C", "(C)", "Confidential"),
        ("S", "(S)", "Secret"),
        ("TS", "(TS)", "Top secret"),
    ]


# --- JSON ---------------------------------------------------------------------------------------


def cable_summary_json(request, cable):
    return {
        "reference_id": cable.reference_id,
        "url": request.build_absolute_uri(cable.get_absolute_url()),
        "created": iso(cable.created),
        "subject": cable.subject,
        "classification": cable.classification,
        "label": cable.label,
        "origin": cable.origin,
        "origin_name": cable.origin_name,
    }


def cable_json(request, cable, tags, caveats):
    return {
        **cable_summary_json(request, cable),
        "released": iso(cable.released),
        "caveats": [{"code": c.code, "meaning": c.meaning} for c in caveats],
        "precedence": cable.precedence,
        "tags": [
            {
                "code": tag.code,
                "kind": tag.kind,
                "meaning": tag.meaning,
                "url": request.build_absolute_uri(tag_list_url(tag.code)),
            }
            for tag in tags
        ],
        "summary": cable.summary,
        "eo": cable.eo,
        "declassify_on": iso(cable.declassify_on),
        "classified_by": cable.classified_by,
        "classification_reasons": cable.classification_reasons,
        "signer": cable.signer,
        "recipients": cable.recipients,
        "header": cable.header,
        "body": cable.body,
        "partial_extract": cable.partial_extract,
        "imported_at": iso(cable.imported_at),
        "updated_at": iso(cable.updated_at),
    }


def paragraph_json(paragraph):
    return {
        "position": paragraph.position,
        "number": paragraph.number,
        "anchor": paragraph.anchor,
        "marking": paragraph.marking,
        "level": paragraph.level,
        "caveats": paragraph.caveats.split(),
        "text": paragraph.text,
        "url": paragraph.permalink_absolute,
        "mentions": [
            {
                "start": start,
                "end": end,
                "text": text,
                "entity": slug,
                "url": reverse("cables:entity", args=[slug]),
            }
            for start, end, text, slug, _ in getattr(paragraph, "linked_mentions", [])
        ],
    }


def reference_json(request, reference):
    target = reference.target
    return {
        "position": reference.position,
        "label": reference.label,
        "printed": reference.printed,
        "target_reference_id": reference.target_reference_id or None,
        "in_archive": target is not None,
        "url": request.build_absolute_uri(target.get_absolute_url()) if target else None,
    }


def citing_cable_json(request, citing):
    return {
        "reference_id": citing.reference_id,
        "subject": citing.subject,
        "created": iso(citing.created),
        "url": request.build_absolute_uri(citing.get_absolute_url()),
    }


def citation_json(cable, url, accessed, paragraph_number=None):
    return {
        "url": url,
        "accessed": accessed.isoformat(),
        "chicago": citations.chicago(cable, url, accessed, paragraph_number),
        "bibtex": citations.bibtex(cable, url, accessed, paragraph_number),
    }


def tag_list_url(code):
    return f"{reverse('cables:list')}?{urlencode({'tag': code})}"
