"""Synthetic Cablegate corpora for benchmarks: real cables recombined under real reference IDs.

``generate_corpus(out_dir, cables=N, seed=S, formats=("html",))`` writes N cables in the forms
the importer reads: WikiLeaks pages (``cable/YYYY/MM/<ID>.html``), a ``cables.csv`` (MySQL-style
escapes, raw newlines) or plain text files (``cable/YYYY/MM/<ID>.txt``).

Where the pieces come from:

* reference IDs, posts and years: ``cable-ids.txt`` (all 251,287 IDs). N IDs are drawn with
  selection sampling (Knuth's algorithm S), so every ID is used once when N is the whole
  release, and a smaller N keeps the release's distribution of years and posts;
* the classification label: the release's six labels, scaled to N exactly (sequential
  sampling without replacement);
* the text: the 1,000 real pages of ``wikileaks-cables-1000.tar.gz``. Each cable takes the
  routing header, banner style, E.O./TAGS/SUBJECT/Classified By lines and signature of a real
  cable of the same label (of the same post when there is one), and paragraphs from that cable
  and from others of the same label, renumbered, until it has about the release's 1,040 words;
* what must agree with the new ID is rewritten: the banner's station and serial, the DE line
  (routing indicator, serial, julian day), the date-time group, the FM line, the DECL date and
  the page's metadata table. The date follows the serial through the year, so a post's lower
  serials are older;
* references point at cables of the same corpus (same post, State, or any post, earlier the
  same year or the year before), plus some to cables outside it, as real REF lists do.

Everything is a stream: the donors (a few MB) and small per-post samples of IDs are the only
things held in memory, whatever N is. The same seed gives the same bytes; the same cable is
identical in every format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import random
import re
import tarfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cables.parsing.stations import known_stations

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
CORPUS_DIR = PROJECT_DIR.parent / "shared" / "corpus"
DONOR_ARCHIVE = CORPUS_DIR / "wikileaks-cables-1000.tar.gz"
CABLE_IDS = CORPUS_DIR / "cable-ids.txt"

RELEASE_SIZE = 251_287
FORMATS = ("html", "csv", "text")
# The release's labels (they sum to 15,652 SECRET, 101,748 CONFIDENTIAL, 133,887 UNCLASSIFIED).
RELEASE_LABELS = {
    "SECRET": 11_322,
    "SECRET//NOFORN": 4_330,
    "CONFIDENTIAL": 97_070,
    "CONFIDENTIAL//NOFORN": 4_678,
    "UNCLASSIFIED": 75_792,
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": 58_095,
}
WORDS_PER_CABLE = 1_040
# Share of cables with a REF list, and cap of sampled IDs kept per (year, post) and per year.
REFERENCE_SHARE = 0.55
PER_POST_SAMPLE = 16
PER_YEAR_SAMPLE = 64
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
LAST_CABLE = dt.date(2010, 2, 28)  # the release ends in February 2010
RELEASED_FROM, RELEASED_DAYS = dt.date(2010, 11, 28), 277  # released Nov 2010 to Sep 2011

_ID = re.compile(r"^(\d\d)([A-Z][A-Z-]*?)(\d+)$")
# A few IDs of the release are garbled ("06SECTION01OF02HARARE628", "06ASTANA"): kept as they are.
_ANY_ID = re.compile(r"^(\d\d)(.+?)(\d*)$")
_UNANCHORED_PARAGRAPH = re.compile(r"^[^\S\n]*\d{1,3}\.(?:[^\S\n]*\(|[^\S\n]+[A-Z])", re.M)
_PRE = re.compile(r"<pre>(.*?)</pre>", re.S)
_CELL = re.compile(r"<td>\s*<a [^>]*>([^<]*)</a>\s*</td>", re.S)
_ANCHOR = re.compile(r"<a id='par\d+' href='#par\d+'>¶</a>")
_LINK = re.compile(r"</?a\b[^>]*>")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DE = re.compile(
    r"^(?P<lead>\s*DE\s+)(?P<ri>[A-Z]{4,7})\s+#(?P<ser>\d{1,6})(?P<sec>/\d+)?\s+\d{7}", re.M
)
_DTG = re.compile(
    r"^(?P<prec>[^\S\n]*(?:[ZOPR]{1,2}\s+){1,2})\d{6}Z\s*(?P<mon>[A-Z]{3})\s*\d{2}\b", re.M
)
_FM = re.compile(r"^(?P<lead>\s*FM\s+)(?P<name>[A-Z][A-Z0-9 /.'\-]{1,60}?)[^\S\n]*$", re.M)
_PARAGRAPH_NUMBER = re.compile(r"\A(\s*)\d{1,3}(\s*\.)")
_REF_START = re.compile(
    r"(?:^|(?<=\s))(?:REF(?:S|TEL|TELS|ERENCES?)?|Ref(?:s|tel)?)\b"
    r"(?=[^\S\n]*[A-Z]?[^\S\n]*[:.(]|[^\S\n]+(?:\d{2}\s)?[A-Z])",
    re.M,
)
_REF_LABEL_LINE = re.compile(r"^\s*(?:REF\s+)?\(?[A-Z][.):]\s")
_REF_STOP = re.compile(r"^\s*(?:Classified\s+By|CLASSIFIED\s+BY|SUMMARY|Summary|\(\w+\)|-{3,})")
_SUBJECT = re.compile(r"^\s*SUBJ(?:ECT)?\s*:\s*(?P<subject>[^\n]*)", re.M | re.I)
_TAGS_LINE = re.compile(r"^(?P<lead>\s*TAGS?\s*:?)(?P<codes>[^\n]*)$", re.M)
_TAG_CODE = re.compile(r"\b[A-Z][A-Z0-9-]{1,}\b")
_DECL = re.compile(r"(DECL(?:ASSIFY)?(?:\s+ON)?\s*:\s*)(\d{1,2})/(\d{1,2})/(\d{4})")
_SIGNATURE = re.compile(r"^[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*){0,2}$")
_PARTIAL = re.compile(r"partial\s+extract|^\s*PAGE\s+0\d\s", re.I | re.M)


@dataclass
class Donor:
    """One real cable, cut into the pieces a generated cable is built from."""

    reference_id: str
    station: str
    label: str
    origin_name: str
    fm_name: str
    routing_indicator: str
    header_parts: list  # text pieces around the DE, DTG and FM slots
    header_slots: list  # "de", "dtg", "fm" in the order they appear
    de_section: str
    dtg_precedence: str
    banner: tuple  # (text before station, serial width, text after serial)
    preamble: str  # after the banner up to the first paragraph, REF list cut out
    ref_at: int  # where in the preamble the REF list goes
    subject: str
    paragraphs: list  # (text, words), signature stripped
    signature: str


@dataclass
class Summary:
    cables: int = 0
    words: int = 0
    labels: Counter = field(default_factory=Counter)
    with_references: int = 0
    references_in_corpus: int = 0
    paths: list = field(default_factory=list)

    @property
    def words_per_cable(self):
        return self.words / self.cables if self.cables else 0.0


# --------------------------------------------------------------------------- donors


def _unescape(text):
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


def _undo_pre(block):
    return _unescape(_LINK.sub("", block.replace("&#x000A;", "\n")))


def _spaced_station(code):
    if code == "STATE":
        return "STATE"
    entry = known_stations().get(code)
    return entry[0] if entry else code


def _split_signature(text):
    lines = text.rstrip().split("\n")
    last = lines[-1].strip()
    if len(lines) > 1 and len(last) <= 30 and _SIGNATURE.match(last) and last.upper() == last:
        return "\n".join(lines[:-1]).rstrip() + "\n", last
    return text, ""


def _cut_references(preamble):
    """The preamble without its REF list, and where the list was (or where one would go)."""
    match = _REF_START.search(preamble)
    if match is None:
        subject = _SUBJECT.search(preamble)
        if subject is None:
            return preamble, len(preamble)
        # After the subject and its continuation lines.
        end = preamble.find("\n \n", subject.end())
        end = preamble.find("\n\n", subject.end()) if end == -1 else end
        return preamble, (end + 1 if end != -1 else len(preamble))
    lines = preamble[match.start() :].split("\n")
    kept = 1
    while kept < len(lines):
        line = lines[kept]
        if _REF_STOP.match(line):
            break
        if not line.strip():
            following = next((other for other in lines[kept + 1 :] if other.strip()), "")
            if not _REF_LABEL_LINE.match(following):
                break
        kept += 1
    removed = "\n".join(lines[:kept])
    start = match.start()
    return preamble[:start] + preamble[start + len(removed) + 1 :], start


def _donor(page):
    """A Donor from one real page, or None when the page is not a plain, complete telegram."""
    blocks = _PRE.findall(page)
    cells = _CELL.findall(page[: page.find("<pre>")])
    if len(blocks) != 2 or len(cells) < 5:
        return None
    reference_id, label, origin_name = cells[0].strip(), cells[3].strip(), cells[4].strip()
    match = _ID.match(reference_id)
    if match is None or label not in RELEASE_LABELS:
        return None
    station, serial = match.group(2), int(match.group(3))
    header = _undo_pre(blocks[0])
    # Page lines of multi-section cables ("ROME 00001048  002 OF 003") name the donor: dropped.
    raw_body = re.sub(
        rf"^[^\S\n]*[A-Z][A-Z .'\-]* 0*{serial}[^\S\n]+\d{{3}}(?:\.\d+)?[^\S\n]+OF[^\S\n]+"
        rf"\d{{3}}[^\S\n]*(?:&#x000A;|\n)",
        "",
        blocks[1].replace("&#x000A;", "\n"),
        flags=re.M,
    )
    if _PARTIAL.search(header) or _PARTIAL.search(_undo_pre(raw_body[:6000])):
        return None
    if re.search(rf"\b0*{serial}\s+\d{{3}}(?:\.\d+)?\s+OF\s+\d{{3}}\b", raw_body):
        return None  # page lines in a layout not recognised above

    slots = []
    for name, pattern in (("de", _DE), ("dtg", _DTG), ("fm", _FM)):
        found = pattern.search(header)
        if found is None:
            return None
        slots.append((found.start(), found.end(), name, found))
    slots.sort(key=lambda slot: slot[0])
    parts, names, position = [], [], 0
    for start, end, name, found in slots:
        if start < position:
            return None
        if name in ("de", "fm"):
            parts.append(header[position:start] + found.group("lead"))
        else:
            parts.append(header[position:start])
        names.append(name)
        position = end
    parts.append(header[position:])
    found = {name: found for _, _, name, found in slots}

    # The body: banner, preamble, then paragraphs at WikiLeaks' ¶ anchors.
    pieces = _ANCHOR.split(raw_body)
    preamble = _undo_pre(pieces[0])
    paragraphs = []
    for piece in pieces[1:]:
        text = _undo_pre(piece)
        if _PARAGRAPH_NUMBER.match(text):
            paragraphs.append(text)
        elif paragraphs:
            paragraphs[-1] += text
        else:
            preamble += text  # an anchor before a lettered REF line
    if not paragraphs:
        return None
    # A first paragraph WikiLeaks did not anchor ("1.(U) This cable has been coordinated").
    loose = _UNANCHORED_PARAGRAPH.search(preamble)
    if loose is not None:
        paragraphs.insert(0, preamble[loose.start() :])
        preamble = preamble[: loose.start()]
    paragraphs[-1], signature = _split_signature(paragraphs[-1])

    lines = preamble.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    banner_line = lines[first]
    spaced = re.escape(_spaced_station(station)).replace(r"\ ", r"\s+")
    printed = re.search(rf"({spaced})\s+(0*{serial})\b", banner_line, re.I)
    if printed is None:
        return None
    banner = (banner_line[: printed.start()], len(printed.group(2)), banner_line[printed.end() :])
    rest, ref_at = _cut_references("\n".join(lines[first + 1 :]))
    subject = _SUBJECT.search(rest)
    return Donor(
        reference_id=reference_id,
        station=station,
        label=label,
        origin_name=origin_name,
        fm_name=found["fm"].group("name").strip(),
        routing_indicator=found["de"].group("ri"),
        header_parts=parts,
        header_slots=names,
        de_section=found["de"].group("sec") or "",
        dtg_precedence=found["dtg"].group("prec"),
        banner=banner,
        preamble=rest,
        ref_at=ref_at,
        subject=subject.group("subject").strip() if subject else "",
        paragraphs=[(text, len(text.split())) for text in paragraphs],
        signature=signature,
    )


def load_donors(archive=DONOR_ARCHIVE):
    """The usable real cables of the 1,000-page archive, in archive order."""
    donors = []
    with tarfile.open(archive, "r|*") as pages:
        for member in pages:
            if member.isfile() and member.name.endswith(".html"):
                page = pages.extractfile(member).read().decode("utf-8", "replace")
                donor = _donor(page)
                if donor is not None:
                    donors.append(donor)
    donors.sort(key=lambda donor: donor.reference_id)
    return donors


# --------------------------------------------------------------------------- reference IDs


def _year(two_digits):
    value = int(two_digits)
    return 2000 + value if value < 40 else 1900 + value


def _scaled(counts, total):
    """Integer counts proportional to ``counts`` that sum to ``total`` (largest remainder)."""
    whole = sum(counts.values())
    exact = {key: value * total / whole for key, value in counts.items()}
    result = {key: int(value) for key, value in exact.items()}
    missing = total - sum(result.values())
    by_remainder = sorted(exact, key=lambda key: (result[key] - exact[key], key))
    for key in by_remainder[:missing]:
        result[key] += 1
    return result


class IdPlan:
    """The N reference IDs drawn from cable-ids.txt, and what dates and references need."""

    def __init__(self, ids_path, cables, seed):
        self.ids_path, self.cables, self.seed = Path(ids_path), cables, seed
        self.total = 0
        self.max_serial = defaultdict(int)  # (year, station) -> highest serial in the release
        self.by_post = defaultdict(list)  # (year, station) -> a sample of chosen IDs
        self.by_year = defaultdict(list)  # year -> a sample of chosen IDs
        self.outside = defaultdict(list)  # year -> a sample of IDs not chosen
        for line in self._lines():
            self.total += 1
            match = _ID.match(line)
            if match:
                key = (_year(match.group(1)), match.group(2))
                self.max_serial[key] = max(self.max_serial[key], int(match.group(3)))
        if not 0 < cables <= self.total:
            raise ValueError(f"--cables must be between 1 and {self.total}")
        sampler = random.Random(f"{seed}:samples")
        seen_post, seen_year, seen_outside = Counter(), Counter(), Counter()

        def keep(sample, seen, key, item, cap):
            seen[key] += 1
            if len(sample[key]) < cap:
                sample[key].append(item)
            else:
                slot = sampler.randrange(seen[key])
                if slot < cap:
                    sample[key][slot] = item

        for chosen, match in self._walk():
            year, station, serial = _year(match.group(1)), match.group(2), int(match.group(3) or 0)
            item = (match.group(0), year, station, serial)
            if not _ID.match(item[0]):
                continue  # garbled IDs are generated but never cited
            if chosen:
                keep(self.by_post, seen_post, (year, station), item, PER_POST_SAMPLE)
                keep(self.by_year, seen_year, year, item, PER_YEAR_SAMPLE)
            else:
                keep(self.outside, seen_outside, year, item, PER_YEAR_SAMPLE // 4)

    def _lines(self):
        with self.ids_path.open(encoding="ascii") as lines:
            for line in lines:
                line = line.strip()
                if line:
                    yield line

    def _walk(self):
        """(chosen, ID match) for every ID, chosen by selection sampling: exactly N chosen."""
        selector = random.Random(f"{self.seed}:select")
        needed, left = self.cables, self.total
        for line in self._lines():
            chosen = selector.random() * left < needed
            left -= 1
            needed -= chosen
            match = _ANY_ID.match(line)
            if match is None:
                raise ValueError(f"{self.ids_path}: not a reference ID: {line!r}")
            yield chosen, match

    def chosen(self):
        for chosen, match in self._walk():
            if chosen:
                serial = int(match.group(3) or 0)
                yield match.group(0), _year(match.group(1)), match.group(2), serial

    def day_of(self, year, station, serial):
        """A post's cables spread over the year in serial order."""
        start = dt.date(year, 1, 1)
        end = LAST_CABLE if year == LAST_CABLE.year else dt.date(year, 12, 31)
        share = min(serial / (self.max_serial.get((year, station), 0) + 1), 0.999)
        return start + dt.timedelta(days=int(share * (end - start).days))


# --------------------------------------------------------------------------- one cable


@dataclass
class Cable:
    reference_id: str
    created: dt.datetime
    released: dt.datetime
    label: str
    origin_name: str
    header: str
    body: str
    subject: str
    tags_line: tuple  # (start, end) of the TAGS codes in the body, for the page's links
    paragraph_starts: list  # offsets in the body where paragraphs start, for ¶ anchors
    references: list  # canonical IDs


def _routing_indicator(station):
    digest = hashlib.sha1(station.encode()).digest()
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "RUEH" + letters[digest[0] % 26] + letters[digest[1] % 26]


def _fm_name(station):
    spaced = _spaced_station(station)
    if station == "STATE":
        return "SECSTATE WASHDC"
    display = known_stations().get(station, ("", f"Embassy {station}"))[1]
    if display.startswith("Embassy"):
        return f"AMEMBASSY {spaced}"
    if display.startswith("Consulate"):
        return f"AMCONSUL {spaced}"
    return f"USMISSION {spaced}"


def _printed_reference(target, own_year):
    _, year, station, serial = target
    prefix = "" if year == own_year else f"{year % 100:02d} "
    return f"{prefix}{_spaced_station(station)} {serial}"


def _reference_block(printed, rng):
    if len(printed) == 1:
        return f"{rng.choice(['REF', 'REF', 'REFTEL'])}: {printed[0]} \n"
    letters = "ABCDEFGH"
    if rng.random() < 0.7:
        lines = [f"{letters[i]}. {text} " for i, text in enumerate(printed)]
        return "REF: " + "\n".join(lines) + "\n"
    return "REFS: " + " ".join(f"{letters[i]}) {text}" for i, text in enumerate(printed)) + " \n"


class Generator:
    def __init__(self, cables=RELEASE_SIZE, seed=0, *, donors=None, ids_path=CABLE_IDS):
        self.seed = seed
        self.plan = IdPlan(ids_path, cables, seed)
        self.donors = donors if donors is not None else load_donors()
        self.by_label = defaultdict(list)
        self.by_label_post = defaultdict(list)
        self.by_label_state = defaultdict(list)
        self.paragraph_pool = defaultdict(list)
        self.fm_names, self.indicators, self.origin_names = {}, {}, {}
        for donor in self.donors:
            self.by_label[donor.label].append(donor)
            self.by_label_post[(donor.label, donor.station)].append(donor)
            self.by_label_state[(donor.label, donor.station == "STATE")].append(donor)
            self.paragraph_pool[donor.label].extend(donor.paragraphs)
            self.fm_names.setdefault(donor.station, donor.fm_name)
            self.indicators.setdefault(donor.station, donor.routing_indicator)
            self.origin_names.setdefault(donor.station, donor.origin_name)
        missing = [label for label in RELEASE_LABELS if not self.by_label[label]]
        if missing:
            raise ValueError(f"no usable donor cable labelled {', '.join(missing)}")
        # Donors hold fewer or more words than the release's average: scale their paragraphs
        # so that header, preamble, paragraphs (and the last one's overshoot) average to it.
        count = len(self.donors)
        overhead = sum(
            len("".join(donor.header_parts).split()) + len(donor.preamble.split()) + 40
            for donor in self.donors
        )
        paragraph_words = [words for donor in self.donors for _, words in donor.paragraphs]
        overshoot = sum(paragraph_words) / len(paragraph_words) / 2
        self.word_scale = (WORDS_PER_CABLE - overhead / count - overshoot) / (
            sum(paragraph_words) / count
        )

    def cables(self):
        """The generated cables, in cable-ids.txt order."""
        remaining = _scaled(RELEASE_LABELS, self.plan.cables)
        chooser = random.Random(f"{self.seed}:labels")
        left = self.plan.cables
        labels = list(RELEASE_LABELS)
        for reference_id, year, station, serial in self.plan.chosen():
            pick = chooser.random() * left
            for label in labels:
                pick -= remaining[label]
                if pick < 0:
                    break
            else:  # floating point at the very end
                label = next(label for label in labels if remaining[label])
            remaining[label] -= 1
            left -= 1
            yield self.cable(reference_id, year, station, serial, label)

    def _donor_for(self, label, station, rng):
        for pool in (
            self.by_label_post.get((label, station)),
            self.by_label_state.get((label, station == "STATE")),
            self.by_label[label],
        ):
            if pool:
                return rng.choice(pool)
        raise AssertionError("unreachable: every label has donors")

    def _references(self, year, station, serial, day, rng):
        if rng.random() >= REFERENCE_SHARE:
            return [], []
        plan = self.plan
        candidates = [
            *plan.by_post.get((year, station), []),
            *plan.by_post.get((year, "STATE"), []),
            *rng.sample(plan.by_year.get(year, []), min(8, len(plan.by_year.get(year, [])))),
            *plan.by_year.get(year - 1, [])[:8],
        ]
        earlier = [
            item for item in candidates if item[0] and plan.day_of(item[1], item[2], item[3]) < day
        ]
        count = min(len(earlier), rng.choice([1, 1, 1, 2, 2, 3, 4]))
        targets = list(dict.fromkeys(rng.sample(earlier, count))) if count else []
        if rng.random() < 0.35 and plan.outside.get(year):
            targets.append(rng.choice(plan.outside[year]))
        return targets, [target[0] for target in targets]

    def cable(self, reference_id, year, station, serial, label):
        rng = random.Random(f"{self.seed}:{reference_id}")
        donor = self._donor_for(label, station, rng)
        day = self.plan.day_of(year, station, serial)
        created = dt.datetime(
            day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=dt.UTC
        )
        released = dt.datetime.combine(
            RELEASED_FROM + dt.timedelta(days=rng.randrange(RELEASED_DAYS)),
            dt.time(rng.randrange(24), rng.randrange(60)),
            tzinfo=dt.UTC,
        )

        # The routing header, with the DE line, date-time group and FM line of this cable.
        indicator = self.indicators.get(station) or _routing_indicator(station)
        julian = created.timetuple().tm_yday
        values = {
            "de": f"{indicator} #{serial % 10000:04d}{donor.de_section} {julian:03d}{created:%H%M}",
            "dtg": f"{donor.dtg_precedence}{created:%d%H%M}Z "
            f"{MONTHS[created.month - 1]} {created:%y}",
            "fm": self.fm_names.get(station) or _fm_name(station),
        }
        header = donor.header_parts[0]
        for name, part in zip(donor.header_slots, donor.header_parts[1:], strict=True):
            header += values[name] + part

        # The body: banner, preamble with this cable's REF list, paragraphs, signature.
        before, width, after = donor.banner
        banner = f"{before}{_spaced_station(station)} {serial:0{width}d}{after}"
        targets, references = self._references(year, station, serial, day, rng)
        preamble = donor.preamble
        if targets:
            printed = [_printed_reference(target, year) for target in targets]
            block = _reference_block(printed, rng) + " \n"
            preamble = preamble[: donor.ref_at] + block + preamble[donor.ref_at :]
        preamble = _DECL.sub(
            lambda match: f"{match.group(1)}{created:%m/%d}/{created.year + 10}", preamble
        )
        body = banner + "\n" + preamble
        if not body.endswith("\n"):
            body += "\n"

        target_words = (
            sum(count for _, count in donor.paragraphs) * self.word_scale * rng.uniform(0.7, 1.3)
        )
        words = 0  # of paragraphs; the header and preamble come on top
        pool = self.paragraph_pool[label]
        own = list(donor.paragraphs)
        chosen = []
        while not chosen or words < target_words:
            if own and rng.random() < 0.6:
                text, count = own.pop(0)
            else:
                text, count = rng.choice(pool)
            chosen.append(text)
            words += count
            if len(chosen) >= 60:
                break
        starts = []
        parts = [body]
        length = len(body)
        for number, text in enumerate(chosen, start=1):
            text = _PARAGRAPH_NUMBER.sub(lambda match, n=number: f"{match[1]}{n}{match[2]}", text)
            if not text.endswith("\n"):
                text += "\n"
            starts.append(length)
            parts.append(text)
            length += len(text)
        if donor.signature:
            parts.append(donor.signature)
        body = "".join(parts)

        tags = _TAGS_LINE.search(body)
        return Cable(
            reference_id=reference_id,
            created=created,
            released=released,
            label=label,
            origin_name=self.origin_names.get(station)
            or known_stations().get(station, ("", f"Embassy {station.title()}"))[1],
            header=header,
            body=body,
            subject=donor.subject,
            tags_line=(tags.start("codes"), tags.end("codes")) if tags else (0, 0),
            paragraph_starts=starts,
            references=references,
        )


# --------------------------------------------------------------------------- writing


def _escape(text):
    return html.escape(text, quote=False).replace("\n", "&#x000A;")


def render_page(cable):
    """The WikiLeaks page of one cable, without the site's navigation sidebar."""
    body, pieces, position = cable.body, [], 0
    tags_start, tags_end = cable.tags_line
    cuts = sorted([*((start, "anchor") for start in cable.paragraph_starts), (tags_start, "tags")])
    number = 0
    for cut, kind in cuts:
        if kind == "tags":
            if tags_end <= tags_start or tags_start < position:
                continue
            pieces.append(_escape(body[position:tags_start]))
            pieces.append(
                _TAG_CODE.sub(
                    lambda match: f"<a href='/tag/{match[0]}_0.html'>{match[0]}</a>",
                    _escape(body[tags_start:tags_end]),
                )
            )
            position = tags_end
        else:
            number += 1
            pieces.append(_escape(body[position:cut]))
            pieces.append(f"<a id='par{number}' href='#par{number}'>¶</a>")
            position = cut
    pieces.append(_escape(body[position:]))
    created, released = cable.created, cable.released
    path = f"/cable/{created:%Y/%m}/{cable.reference_id}.html"
    level = cable.label.split("//")[0].lower()
    return (
        "<?xml version='1.0' encoding='utf-8' ?>\n"
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        "<html lang='en' xml:lang='en' xmlns='http://www.w3.org/1999/xhtml'>\n"
        "<head>\n<title>Cable Viewer</title>\n"
        "<link href='/static/css/cables.css' rel='stylesheet' type='text/css' />\n"
        "</head>\n<body>\n<div class='main'>\n<div class='pane big'>\n"
        f"<h3>Viewing cable {cable.reference_id}, {html.escape(cable.subject)}</h3>\n"
        "<table class='cable'>\n<tr>\n<th>Reference ID</th>\n<th>Created</th>\n"
        "<th>Released</th>\n<th>Classification</th>\n<th>Origin</th>\n</tr>\n<tr>\n"
        f"<td>\n<a href='{path}'>{cable.reference_id}</a>\n</td>\n"
        f"<td>\n<a href='/date/{created:%Y-%m}_0.html'>{created:%Y-%m-%d %H:%M}</a>\n</td>\n"
        f"<td>\n<a href='/reldate/{released:%Y-%m-%d}_0.html'>{released:%Y-%m-%d %H:%M}</a>\n"
        "</td>\n"
        f"<td>\n<a href='/classification/0_0.html' title='{level}'>{cable.label}</a>\n</td>\n"
        f"<td>\n<a href='/origin/0_0.html'>{html.escape(cable.origin_name)}</a>\n</td>\n"
        "</tr>\n</table>\n"
        f"<code><pre>{_escape(cable.header)}</pre></code>\n"
        f"<code><pre>{''.join(pieces)}</pre></code>\n"
        "</div>\n</div>\n</body>\n</html>\n"
    )


def _mysql_field(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'") + '"'


def render_csv_row(row_number, cable):
    created = cable.created
    values = [
        str(row_number),
        f"{created.month}/{created.day}/{created.year} {created.hour}:{created.minute:02d}",
        cable.reference_id,
        cable.origin_name,
        cable.label,
        "|".join(sorted(cable.references)),
        cable.header,
        cable.body,
    ]
    return ",".join(_mysql_field(value) for value in values) + "\n"


def render_text(cable):
    return cable.header.rstrip("\n") + "\n\n" + cable.body


def generate_corpus(out_dir, cables=RELEASE_SIZE, seed=0, formats=("html",), *, progress=None):
    """Write the corpus under ``out_dir``; returns a Summary. ``progress(done)`` is called
    every 1,000 cables. With several formats each goes in its own folder (html/, csv/, text/)."""
    out_dir = Path(out_dir)
    formats = tuple(dict.fromkeys(formats))
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}")
    generator = Generator(cables, seed)
    roots = {name: out_dir / name if len(formats) > 1 else out_dir for name in formats}
    summary = Summary()
    made_dirs = set()
    csv_file = None
    if "csv" in roots:
        roots["csv"].mkdir(parents=True, exist_ok=True)
        csv_path = roots["csv"] / "cables.csv"
        csv_file = csv_path.open("w", encoding="utf-8", newline="")
        summary.paths.append(csv_path)
    corpus_ids = None
    try:
        for number, cable in enumerate(generator.cables(), start=1):
            month = f"{cable.created:%Y}/{cable.created:%m}"
            for name, root in roots.items():
                if name == "csv":
                    csv_file.write(render_csv_row(number, cable))
                    continue
                folder = root / "cable" / month
                if folder not in made_dirs:
                    folder.mkdir(parents=True, exist_ok=True)
                    made_dirs.add(folder)
                if name == "html":
                    content, suffix = render_page(cable), ".html"
                else:
                    content, suffix = render_text(cable), ".txt"
                (folder / f"{cable.reference_id}{suffix}").write_text(content, encoding="utf-8")
            summary.cables += 1
            summary.words += len(cable.header.split()) + len(cable.body.split())
            summary.labels[cable.label] += 1
            if cable.references:
                summary.with_references += 1
                if corpus_ids is None:
                    corpus_ids = {
                        item[0] for sample in generator.plan.by_post.values() for item in sample
                    }
                summary.references_in_corpus += any(ref in corpus_ids for ref in cable.references)
            if progress is not None and number % 1000 == 0:
                progress(number)
    finally:
        if csv_file is not None:
            csv_file.close()
    summary.paths.extend(root for name, root in roots.items() if name != "csv")
    return summary
