"""An event's DESCRIPTION: its text (HTML made plain), its labelled values (`Guest:`, `Email:`, `Notes:`…),
the notes' lines of money kept apart as private notes, and the currency and amount of its `Total:`."""

from __future__ import annotations

import html
import re
from decimal import Decimal, InvalidOperation

from firstmate.adapters.sources.bookings.fields import DOLLARS, plain_amount, thousands_dot, within_notes_limit
from firstmate.domain.bookings import MAX_NOTES
from firstmate.domain.currencies import minor_units
from firstmate.domain.redaction import MONEY_WORDS, speaks_of_money

# a line `Label: value`, matched one line at a time: a value never reaches the next line (an empty
# `Notes:` took "Guests: 6" for its value); no-break spaces pasted from a web page are spaces around a label too
_LINE = re.compile(r"[ \t\xa0]*(?P<key>[A-Za-z][A-Za-z \xa0]{0,30}):[ \t]*(?P<value>.*?)[ \t]*")
_TOTAL = re.compile(
    # up to four places, as a currency may have (a dinar's fils): more than its own are refused with the booking's
    r"^(?P<currency>[A-Za-z]{3})?\s*(?P<sign>[$€£])?\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]{1,4})?)\s*"
    r"(?P<sign_after>[€£])?\s*(?P<suffix>[A-Za-z]{3})?$"
)
#: The currency a total's sign names: "$" is the US dollar's, as it was before signs were read, unless the business
#: keeps its money in another dollar (`DOLLARS`)
_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
#: The labels of a booking's description (docs/bookings.md); the notes run on to the next of them.
LABELS = frozenset({"guest", "email", "phone", "guests", "total", "boat", "notes"})
#: Any `label: value` line among the notes, its label whatever it holds ("Owner's payout", "Payout (est.)"):
#: a label of money (MONEY_WORDS) with an amount (`_AMOUNT`) goes to the private notes, never to the crew.
_LABELLED = re.compile(r"[ \t]*(?P<key>[^:\n]{1,40}?):[ \t]*(?P<value>.*?)[ \t]*")
#: A value that is an amount of money and nothing else, a currency's code or sign before or after it or
#: not ("USD 624.00", "524", "1,250", "usd 524", "$200", "60.75 EUR", "200€"); not a count of something
#: ("4 adults and 2 children", "2 landing nets aboard", "5 knots max"), nor words ("gate 3")
_AMOUNT = re.compile(r"\s*(?:[A-Za-z]{3}\s*|[$€£¥]\s*)?\d[\d,]*(?:\.\d+)?\s*(?:[A-Za-z]{3}|[$€£¥])?\s*")


#: A tag HTML marks text with: a description holding one is HTML (Google Calendar writes one typed in its editor so).
#: Its name ends at a space, "/" or ">", as a tag's does: "<a.lee@example.com>" is an address, not an <a> tag.
_HTML = re.compile(r"</?(?:a|b|i|u|em|strong|span|div|p|br|ul|ol|li|body|html)(?:\s[^<>]*)?/?>", re.I)
#: The tags that end a line of text.
_HTML_BREAK = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]*>", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def plain_text(description: str) -> str:
    """The description's text: one written in HTML ("<div>Guest: Jordan Pike</div><div>Email: <a href=…>")
    as its lines, without tags or entities. Read as it was, it was one line, and its booking a blocked slot."""
    if not _HTML.search(description):
        return description
    text = _HTML_TAG.sub("", _HTML_BREAK.sub("\n", description))
    return html.unescape(text).replace("\xa0", " ")


def description_fields(description: str) -> dict[str, str]:
    """The description's values by lower-case label ("guests": "6"), each the rest of its line but
    the notes, which run from `Notes:` to the next of LABELS or the end (a note's own lines may hold
    a colon: "One guest uses a wheelchair: please rig the ramp"), and "private notes": the lines
    among them labelled as money (`_MONEY_LABEL`). A label left empty ("Phone:") says nothing, as if
    its line were not there. A line is read for money only as far as a booking keeps notes (MAX_NOTES), and
    not once they are full: the rest is never kept, and a line of 30 KB took seconds to read."""
    found: dict[str, str] = {}
    money: list[str] = []
    in_notes = False
    for line in description.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _LINE.fullmatch(line)
        label = match["key"].strip().lower() if match else ""
        if match and label == "notes" and _money(match["value"].strip()[:MAX_NOTES]):
            found["notes"], in_notes = "", True  # "Notes: Owner payout: USD 350.00": the payout is not a note
            money.append(match["value"])
        elif match and label in LABELS:  # a no-break space pasted from a web page is no part of a value
            found[label], in_notes = match["value"].strip(), label == "notes"
        elif in_notes and len(found["notes"]) < MAX_NOTES and _money(line.strip()[:MAX_NOTES]):
            money.append(line.strip())
        elif in_notes:
            found["notes"] += "\n" + line.rstrip()
    found["notes"] = within_notes_limit(found.get("notes", "").strip())  # an empty `Notes:` may have its text below it
    found["private notes"] = within_notes_limit("\n".join(money))
    return {key: value for key, value in found.items() if value}


def _money(line: str) -> bool:
    """Whether a line of the notes is one of money: a label of money, whatever else its label holds, and a
    value that is an amount alone ("Owner's payout: USD 624.00", "Payout (est.): $624"; not "Tip: keep it a
    surprise", "Total party: 4 adults", "Net: 2 landing nets aboard"), or an amount told in words
    (`speaks_of_money`: "Payout - $624", "Payout USD 624"). Until 2026-12-06 a label of letters and spaces
    alone was looked at, and a value beginning with a figure was taken for money ("Rate: 5 knots max")."""
    labelled = _LABELLED.fullmatch(line)
    if labelled and MONEY_WORDS.search(labelled["key"]) and _AMOUNT.fullmatch(labelled["value"]):
        return True
    return speaks_of_money(line, in_doubt=False)  # a figure in doubt stays a note: crew_notes hides it there


def read_total(text: str, currency: str) -> tuple[str, str]:
    """The currency and amount a `Total:` says ("USD 1,120.00", "€480.00", "95.50 £"); one naming no currency is
    in the business's `currency` (it was taken for dollars, and a business in euros counted its revenue in USD),
    and so is "$" in a business of another dollar (Canadian, Australian…)."""
    match = _TOTAL.fullmatch(text.strip())
    if not match:
        places = minor_units(currency)  # "JPY 1200.00" asked for cents yen do not have
        raise ValueError(f"cannot read the total {text!r}; write it like '{currency} {1200:.{places}f}'")
    try:
        amount = Decimal(plain_amount(match["amount"]))
    except InvalidOperation:
        raise ValueError(f"cannot read the total {text!r}") from None
    sign = match["sign"] or match["sign_after"]
    said = "" if sign == "$" and currency.upper() in DOLLARS else _SIGNS.get(sign or "")  # "$": the business's dollar
    code = (match["currency"] or match["suffix"] or said or currency).upper()
    if why := thousands_dot(f"the total {text.strip()!r}", code, match["amount"]):  # "EUR 1.240": 1,240 euros
        raise ValueError(why)
    return code, str(amount)
