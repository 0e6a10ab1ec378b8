"""The weekly analysis: three department sections written from the facts, and the check that
keeps every number in any analyst's text true to those facts."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Context, Decimal

from firstmate.domain.intel import Kpi, WeeklyFacts, cash
from firstmate.domain.reports.format import SYMBOLS
from firstmate.domain.signal import TOO_SHORT, Direction, Status

DEPARTMENTS = ("Marketing", "Digital/Dev", "Leadership")


@dataclass(frozen=True)
class Section:
    """One department's part: what happened, what to do."""

    title: str
    points: list[str]


@dataclass(frozen=True)
class Analysis:
    """The analysis as the report shows it, and where it came from."""

    sections: list[Section]
    author: str  # rules | anthropic | bedrock | openai
    note: str = ""  # e.g. "the model failed; written from the facts alone"
    dropped: list[str] = field(default_factory=list)  # claims removed because a number did not match


def figure(kpi: Kpi, value: float | None = None, *, currency: str) -> str:
    """A KPI value as the report prints it ("no leads" for a cost per lead without one), money in the
    report's `currency` ("€19.07"). Money and rates are rounded half up from the value the report's JSON
    holds, as the campaign table and the role reports round them: formatted as a float (half to even), a
    cost per lead of 20.125 read $20.12 here and $20.13 there."""
    shown = kpi.value if value is None else value
    if shown is None:
        return "no leads" if kpi.key == "cpl" else "–"
    if kpi.unit == "money":
        return cash(half_up(shown, 2), currency)
    if kpi.unit == "percent":
        return f"{half_up(shown, 2)}%"
    return f"{shown:,.0f}"


def leads_figure(kpi: Kpi) -> str:
    """A count of leads as the report prints it, with its noun: "1 lead", "37 leads" ("1 leads" it read)."""
    return f"{figure(kpi, currency='')} lead{'' if kpi.value == 1 else 's'}"


def percent(change: float) -> str:
    """A relative change as the report prints it: +12%."""
    return f"{change:+.0%}"


#: The weeks of figures a KPI is judged on (the classifier's baseline and window), in words: digits would
#: be checked as a figure
WEEKS_TO_JUDGE = "ten"


def too_early(facts: WeeklyFacts) -> bool:
    """Whether no KPI has the weeks of figures a trend is judged on yet (a new ad account): its [FLAT]
    says nothing was judged, not that all is normal."""
    return all(k.signal.reason == TOO_SHORT for k in facts.kpis)


def rules_analysis(facts: WeeklyFacts) -> Analysis:
    """The analysis written from the facts alone (the default analyst, and every model's fallback)."""
    alerts = [k for k in facts.kpis if k.signal.status is Status.ALERT]
    better = [k for k in facts.kpis if k.signal.direction is not Direction.FLAT and k.signal.status is Status.OK]
    cpl, currency = facts.kpi("cpl"), facts.currency

    marketing = []
    for kpi in alerts:
        now = figure(kpi, currency=currency)
        marketing.append(f"{kpi.label} needs attention: {kpi.signal.reason} (now {now}).")
    for row in facts.campaigns:
        if row.cpl_signal and row.cpl_signal.status is Status.ALERT and row.cpl is not None:
            marketing.append(
                f"{row.campaign}: cost per lead has risen for three weeks, to {cash(row.cpl, currency)}; "
                "review its audience and creative."
            )
    for kpi in better:
        marketing.append(
            f"{kpi.label} is {'up' if kpi.signal.direction is Direction.UP else 'down'}: {kpi.signal.reason}."
        )
    early = too_early(facts)
    if not marketing:
        each = figure(cpl, currency=currency)
        cost = f"cost per lead was {each}" if cpl.value is not None else "no lead, so no cost per lead"
        if early:  # "normal range" told a new account whose leads had fallen by nine in ten that all was well
            marketing.append(
                f"Too early to judge trends: a change is told from normal variation once there are "
                f"{WEEKS_TO_JUDGE} weeks of figures; {cost}."
            )
        else:
            marketing.append(f"No KPI moved beyond its normal range this week; {cost}.")
    idle = [row for row in facts.lead_activity if not row.has_leads]
    digital = [
        f"{row.campaign} / {row.adset}: no leads from {row.landing_page_views:,} landing page views; check the form."
        for row in idle
    ]
    if not facts.lead_activity:  # "Every lead campaign brought leads" it said of a week that had none
        digital.append("No lead campaign ran this week.")
    ads = facts.kpi("leads")
    counter, counts = ("Meta", "Meta's") if facts.ads_source == "meta" else ("The ads files", "the ads files'")
    # without a CRM there is nothing to compare Meta's count with (its leads would all read as lost);
    # Meta counting none is compared too: the CRM's leads beside it "matched" it
    crm = facts.kpi("crm_leads") if facts.crm_source is not None else None
    base = (ads.value or crm.value or 0.0) if crm is not None else 0.0
    if crm is not None and base and abs((ads.value or 0.0) - (crm.value or 0.0)) / base > 0.2:
        received = figure(crm, currency=currency)
        said = f"{counter} counted {leads_figure(ads)} but the CRM received {received}"
        digital.append(f"{said}; check the form-to-CRM sync.")
    if not digital:
        matches = f" and the CRM matches {counts} count" if facts.crm_source is not None else ""
        digital.append(f"Every lead campaign brought leads{matches}.")
    # the cost per lead is the lead campaigns' spend over their leads: beside all campaigns' spend, a
    # reader multiplied it out and got another figure
    spent = figure(facts.kpi("spend"), currency=currency)
    if cpl.value is None:
        cost = f"Lead campaigns brought no lead; all campaigns spent {spent}"
    else:
        each = figure(cpl, currency=currency)
        cost = f"Lead campaigns brought {leads_figure(ads)} at {each} each; all campaigns spent {spent}"
    if cpl.rolling_4w is not None:
        cost += f" (4-week cost per lead {figure(cpl, cpl.rolling_4w, currency=currency)})"
    leadership = [cost + "."]
    if alerts:
        leadership.append(f"{len(alerts)} KPI(s) need a decision this week.")
    elif early:
        leadership.append(f"No KPI is flagged until there are {WEEKS_TO_JUDGE} weeks of figures: compare them by eye.")
    else:
        leadership.append("Nothing needs a decision this week: normal variation only.")
    if facts.restatements:
        leadership.append("Last week was restated after late attribution: " + "; ".join(facts.restatements) + ".")
    return Analysis(
        sections=[Section("Marketing", marketing), Section("Digital/Dev", digital), Section("Leadership", leadership)],
        author="rules",
    )


#: The signs a number may be written with: a model writes a minus as "−" (U+2212) or a dash as well as "-".
_SIGNS = "-+\u2212\u2013\u2012"  # "-" first: in a character class, never a range
#: A percent written as a word: "30 percent" is "30%", not a plain number that may be any figure.
_PERCENT_WORD = r"\s?(?i:per\s?cent|pct)\b"
#: A figure abbreviated in thousands or millions: "156K", "$1.8k", "€2.4M" (not "12m": metres, minutes).
_SCALES = {"k": 1_000, "K": 1_000, "M": 1_000_000}
#: The signs money is written with, as the reports write it ("$", "€", "£", "A$"…; longest first).
_MONEY_SIGN = "|".join(re.escape(sign) for sign in sorted({"$", *SYMBOLS.values()}, key=len, reverse=True))
_NUMBER = re.compile(rf"(?<![\w.])[{_SIGNS}]?(?:{_MONEY_SIGN})?\d[\d,]*(?:\.\d+)?(?:%|{_PERCENT_WORD}|[kKM](?!\w))?")
_AS_MONEY = re.compile(_MONEY_SIGN)
#: What `allowed_numbers` says the report's money is written with: its currency's sign, or "" (a code: 1,234 CHF).
_REPORT_SIGNS = ("", *SYMBOLS.values())
_AS_WORD = re.compile(_PERCENT_WORD + "$")
#: A number as written, as Python reads it: its minus as "-", no "%" or thousands' commas (nor money's sign).
_AS_PLAIN = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "%": None, ",": None})
#: What a number is a figure of, by how it is written: "$" or "€" money, "%" a percent, neither a count (or any).
MONEY, PERCENT, COUNT = "money", "percent", "count"
#: How many weeks back, and days on, the analysis may name a day of: the sixteen weeks a run reads.
DAYS_NAMED = (timedelta(weeks=17), timedelta(days=14))


def allowed_numbers(facts: WeeklyFacts) -> set[str]:
    """Every number the facts support, in the forms a writer may use, each as the kind of figure it is
    ("money:16.73", "percent:19", "count:30": thirty leads vouched for "Spend rose 30%"), and the days
    a sentence may name ("date:2026-11-09"): "November 31" took any count from 1 to 31 for a date."""
    values: set[tuple[str, float]] = set()
    for kpi in facts.kpis:
        for value in (kpi.value, kpi.previous, kpi.rolling_4w, kpi.all_time):
            if value is not None:
                values.add((kpi.unit, value))  # rounded once below, as the text rounds it: twice, 58.503 read 58
        values.add((PERCENT, kpi.signal.change * 100))
        if kpi.change is not None:
            values.add((PERCENT, kpi.change * 100))
    values.add((COUNT, float(sum(row.clicks for row in facts.campaigns))))  # the click-through rate card's clicks
    for row in facts.campaigns:
        values.update((MONEY, float(f)) for f in (row.spend, row.cpl, row.cpl_4w) if f is not None)
        values.update((COUNT, float(f)) for f in (row.leads, row.impressions, row.clicks, row.landing_page_views))
    for activity in facts.lead_activity:
        values.update({(COUNT, float(activity.leads)), (COUNT, float(activity.landing_page_views))})
        values.add((MONEY, float(activity.spend)))
        if facts.crm_source is not None:
            values.add((COUNT, float(activity.crm_leads)))
        if activity.cpl is not None:
            values.add((MONEY, float(activity.cpl)))
    values.update((COUNT, float(n)) for n in facts.crm_by_source.values())
    # the report's CRM leads by source and utm_source, and what they add up to
    values.update((COUNT, float(n)) for n in (*(row.leads for row in facts.crm_sources), facts.crm_total))
    # a restatement's figures (the stored week against the one just pulled) are facts too, as are the CRM notes' counts
    notes = [*facts.restatements, *facts.crm_notes]
    values.update((_kind(n) or COUNT, _value(n)) for note in notes for n in _NUMBER.findall(note))
    values.add((COUNT, float(facts.week_start.year)))
    # how many KPIs sound an alert or moved: the rules analyst says so ("3 KPI(s) need a decision")
    values.add((COUNT, float(sum(k.signal.status is Status.ALERT for k in facts.kpis))))
    values.add((COUNT, float(sum(k.signal.direction is not Direction.FLAT for k in facts.kpis))))
    # as written with no, one or two decimals: "+19%", "+19.4%" and "+19.35%" all say 19.35
    allowed = {f"{kind}:{form}" for kind, v in values for form in _forms(v)}
    allowed |= {short for kind, v in values if kind != PERCENT for short in _abbreviated(kind, v)}
    allowed.add(f"sign:{SYMBOLS.get(facts.currency, '')}")  # money's sign: "$19.07" in a euro report is no fact
    first, after = facts.week_start - DAYS_NAMED[0], facts.week_start + DAYS_NAMED[1]
    return allowed | {f"date:{first + timedelta(days=n)}" for n in range((after - first).days + 1)}


def _forms(value: float) -> Iterable[str]:
    """`value` as written with no, one or two decimals (`_rounded`, `_canonical`). A whole number reads the same in
    each, and is written at once: the weekly facts hold thousands of counts, and the allowed numbers, each rounded six
    ways, were about 3% of a 16x reports build."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:  # exact in `.2f`, as `_canonical` writes
        return (str(int(value)),)
    return {_canonical(r) for places in (0, 1, 2) for r in _rounded(value, places)}


def _abbreviated(kind: str, value: float) -> set[str]:
    """`value` as a writer may abbreviate it in thousands or millions ("count:156k", "money:1.8k" for
    156,000 and $1,800), rounded right to no, one or two decimals, with at least two digits unless it is
    exact: "$2k" says no more than "between $1,500 and $2,500" of $1,800, and would vouch for any of them."""
    shown = set()
    for suffix, scale in (("k", 1_000), ("m", 1_000_000)):
        if not math.isfinite(value) or abs(value) < scale / 10:
            continue
        for places in (0, 1, 2):
            for rounded in _rounded(value / scale, places):
                written = _canonical(rounded)
                digits = written.lstrip("-").replace(".", "").lstrip("0")
                if len(digits) >= 2 or Decimal(written) * scale == Decimal(repr(value)):
                    shown.add(f"{kind}:{written}{suffix}")
    return shown


def _rounded(value: float, places: int) -> set[float]:
    """`value` to `places` decimals as a report may print it: half up, as money and rates are
    (`figure`: 20.125 is "$20.13"), or half to even, as a change's percent is formatted (`percent`)."""
    if not math.isfinite(value):  # a change from zero: no figure to round
        return {value}
    return {round(value, places), float(half_up(value, places))}


#: Digits enough for any finite float to two places: `Decimal`'s default 28 raised on a figure of 10^26 or more.
_EVERY_DIGIT = Context(prec=400)


def half_up(value: float, places: int) -> Decimal:
    """`value` as the report's JSON holds it (its repr, which the role reports read), rounded half up:
    as the report prints it, and as a model writing its analysis is given it."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, _EVERY_DIGIT)


def known_names(facts: WeeklyFacts) -> list[str]:
    """The names of what the facts are about (campaigns, ad sets) that a check could misread, longest
    first: digits in them (a sentence naming "Summer 2026" claims no figure by it) or a sentence's
    end ("Last call! 2 for 1" is one name, not two sentences)."""
    names = {row.campaign for row in facts.campaigns}
    names |= {name for row in facts.lead_activity for name in (row.campaign, row.adset)}
    misread = [n for n in names if any(c.isdigit() for c in n) or _SENTENCE_END.search(n)]
    return sorted(misread, key=lambda n: (-len(n), n))


def check_numbers(
    text: str, allowed: set[str], names: list[str] | None = None, days: frozenset[str] | None = None
) -> tuple[str, list[str]]:
    """Keep the sentences whose every number is in `allowed` (digits inside one of `names`, from
    `known_names`, are part of a name, not a number); return the text and what was dropped. `days`: the
    days `allowed` holds (`named_days`), when read once for many texts."""
    kept, dropped = [], []
    days = named_days(allowed) if days is None else days
    for sentence in _sentences(text.strip(), names or []):
        claims = sentence
        for name in names or ():
            if name in claims:
                claims = _whole(name).sub(" ", claims)
        claims = _DATES.sub(lambda found: _when(found, days), claims)  # a date, "3 weeks": when, not how much
        if all(_supported(n, allowed) for n in _NUMBER.findall(claims)):
            kept.append(sentence)
        else:
            dropped.append(sentence)
    return " ".join(kept), dropped


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str, names: list[str]) -> list[str]:
    """The text split after each ".", "!" or "?" that ends a sentence, never after one inside a name:
    "Last call! 2 for 1 sunset sails / Locals: no leads …" was cut at its "!", and the rest dropped
    (the name's digits, out of the name, read as figures)."""
    spans = (found.span() for name in names if name in text for found in _whole(name).finditer(text))
    in_names = {at for start, end in spans for at in range(start, end)}
    sentences, start = [], 0
    for gap in _SENTENCE_END.finditer(text):
        if gap.start() - 1 not in in_names:
            sentences.append(text[start : gap.start()])
            start = gap.end()
    return [*sentences, text[start:]]


def _whole(name: str) -> re.Pattern[str]:
    """A name as a whole: "Ad 1" is not in "Ad 10"."""
    return re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")


def checked(analysis: Analysis, facts: WeeklyFacts) -> Analysis:
    """The analysis with every unsupported claim removed (and listed)."""
    allowed, names = allowed_numbers(facts), known_names(facts)
    days = named_days(allowed)  # once: reading them is a pass over every figure allowed
    sections, dropped, refilled = [], list(analysis.dropped), []
    for section in analysis.sections:
        points = []
        for point in section.points:
            text, removed = check_numbers(point, allowed, names, days)
            dropped += removed
            if text:
                points.append(text)
        if section.points and not points:  # emptied: its heading stood over nothing, and no word why
            own = {s.title: s.points for s in rules_analysis(facts).sections}
            points = [p for p in own.get(section.title, []) if check_numbers(p, allowed, names, days)[0] == p]
            refilled += [section.title] if points else []
        sections.append(Section(section.title, points))
    note = analysis.note
    if refilled:
        which = " and ".join(refilled) + (" sections are" if len(refilled) > 1 else " section is")
        said = f"The {which} written from the facts alone: each sentence the {analysis.author} model wrote there "
        note = " ".join(filter(None, [note, said + "held a figure the data does not."]))
    return Analysis(sections=sections, author=analysis.author, note=note, dropped=dropped)


# whole month names or their abbreviations only: "87 Junk Removal leads" is no date of June
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"  # a day of a month: "Mar 64" is no date
_DATES = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b{_MONTH}\s+{_DAY}(?:\s*[–-]\s*(?:{_MONTH}\s+)?{_DAY})?(?:,?\s+(?:19|20)\d\d)?(?!\d|[.,]\d|%)"
    rf"|(?<![\w.$])\b{_DAY}(?:\s*[–-]\s*{_DAY})?\s+{_MONTH}(?:\s+(?:19|20)\d\d)?"
    r"|(?<![\w.$])(?:3|4|16)[- ]weeks?\b"
)


def named_days(allowed: set[str]) -> frozenset[str]:
    """The days (2026-11-09) `allowed_numbers` lets a sentence name."""
    return frozenset(a.removeprefix("date:") for a in allowed if a.startswith("date:"))


_MONTHS = {name: n for n, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"), start=1)}  # fmt: skip
_MONTH_DAY = re.compile(rf"(?P<month>{_MONTH})\s+(?P<day>{_DAY})|(?P<day2>{_DAY})\s+(?P<month2>{_MONTH})")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _when(found: re.Match[str], days: frozenset[str]) -> str:
    """A date the check leaves out ("when, not how much"), or, for a month and day the report's weeks do
    not hold ("In November 31 leads came in"), the text as written, its numbers checked."""
    written = found.group(0)
    named = _MONTH_DAY.match(written)
    if named is None:  # 2026-11-09, "3 weeks"
        return " "
    month = _MONTHS[(named["month"] or named["month2"])[:3].lower()]
    day = int(named["day"] or named["day2"])
    year = _YEAR.search(written)
    if any(d[5:] == f"{month:02d}-{day:02d}" and (year is None or d[:4] == year.group(0)) for d in days):
        return " "
    return written


def _supported(written: str, allowed: set[str]) -> bool:
    """Whether a number as written is a fact of its kind ("$30" a spend or a cost, "30%" a percent, "30"
    any): with its sign when it has one ("-19%" is not a rise of 19%), else either way ("fell 19%")."""
    scale = written[-1] if written[-1] in _SCALES else ""
    value = _value(written.removesuffix(scale))
    kinds = [kind] if (kind := _kind(written)) else [MONEY, PERCENT, COUNT]
    values = [value] if written[0] in _SIGNS else [value, -value]
    sign = _AS_MONEY.search(written)
    if sign and f"sign:{sign.group(0)}" not in allowed and any(f"sign:{s}" in allowed for s in _REPORT_SIGNS):
        return False  # written in another currency's sign than the report's amounts
    return any(f"{k}:{_canonical(v)}{scale.lower()}" in allowed for k in kinds for v in values)


def _kind(written: str) -> str | None:
    """The kind of figure a number is written as: money ("$5", "€5"), a percent ("12%"), or None (a plain number)."""
    if _AS_MONEY.search(written):
        return MONEY
    return PERCENT if written.endswith("%") or _AS_WORD.search(written) else None


def _value(number: str) -> float:
    """A number as written in text ("$1,724.66", "+12%", "-€5", "−5", "12 percent", "£1.8k") as a float."""
    scale = _SCALES.get(number[-1], 1)
    plain = float(_AS_MONEY.sub("", _AS_WORD.sub("", number.rstrip("kKM"))).translate(_AS_PLAIN))
    return plain * scale if scale != 1 else plain


def _canonical(value: float) -> str:
    rounded = round(value, 2)
    text = f"{abs(rounded):.2f}".rstrip("0").rstrip(".")
    return f"-{text}" if rounded < 0 and text != "0" else text
