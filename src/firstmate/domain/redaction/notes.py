"""Money in free text: a booking's notes as crew read them (`crew_notes`), and whether a channel's text
tells an amount (`speaks_of_money`)."""

from __future__ import annotations

import bisect
import re
from typing import Literal

from firstmate.domain.currencies import ISO_4217

#: Words that say money and little else ("payout 624"), and words that often say other things too ("total
#: of 6", "charge 2 phones", "deposit the bags"): a figure beside the second is money only in a currency.
_MONEY_ONLY = (
    r"payouts?|fees?|price|commissions?|earnings|subtotal|tax(?:es)?|gratuity|refunds?|costs?|revenue"
    r"|pay|wages?|salar(?:y|ies)"  # captain pay, crew wages: what crew never see of each other
)
_MONEY_ALSO = r"totals?|net|rates?|tips?|balance|deposits?|charges?|discounts?|payments?|gross|amount|paid"
#: Words of money a channel may write in text crew would see ("Owner payout: USD 624.00", a hold titled
#: "Reserved - payout USD 624.00").
MONEY_WORDS = re.compile(rf"\b(?:{_MONEY_ONLY}|{_MONEY_ALSO})\b", re.IGNORECASE)
#: A currency before a figure: a sign, a code in capitals, or a common one in any case ("usd 524").
_COMMON_CODES = "usd|eur|gbp|cad|aud|nzd|chf|mxn|jpy|thb|sgd|hkd"
#: Codes that are also English words a note writes in capitals ("ALL 4 ON BOARD", "TOP 3", "TRY 2", "PEN 4"): in a
#: booking's notes a currency only beside a figure with cents, or before a figure in a text with a word of money.
WORD_CODES = frozenset({"ALL", "BAM", "BOB", "COP", "CUP", "GEL", "MAD", "MOP", "PEN", "SOS", "TOP", "TRY"})
_CODE = rf"(?:\b(?:{'|'.join(sorted(ISO_4217))})\b|\b(?i:{_COMMON_CODES})\b)"
_CURRENCY = rf"(?:[$€£¥]|{_CODE})"
#: A currency's sign before or after a figure ("$624", "200€").
_SIGNED_FIGURE = re.compile(r"[$€£¥]\s?\d|\d\s?[$€£¥]")
#: A word of money with a figure right after it: for a word that says money only, any figure; for one that
#: says other things too, a figure in a currency or with cents ("payout usd 524", "owner payout 624",
#: "Payout - $624", "balance 420.00"; not "Rate: 5 knots", "Net: 2 landing nets").
_WORD_THEN_FIGURE = re.compile(
    rf"\b(?:(?i:{_MONEY_ONLY})[\s:=\-–]*(?:{_CURRENCY}\s?)?\d"
    rf"|(?i:{_MONEY_ALSO})[\s:=\-–]*(?:{_CURRENCY}\s?\d|\d[\d,]*\.\d\d\b))"
)
#: A figure with a currency's code after it ("624.00 USD", "350 eur").
_FIGURE_THEN_CODE = re.compile(rf"\d[\d,]*(?:\.\d+)?\s?{_CODE}")


def speaks_of_money(text: str, *, in_doubt: bool = True) -> bool:
    """Whether text a channel wrote tells an amount of money: a currency sign before a figure, a word of
    money with a figure right after it, or a figure in a currency in a text with a word of money
    ("Reserved - Rob S. - payout usd 524", "owner payout 624", "net payout after fees 624.00 USD"), or any
    figure a booking's notes hide from crew (`crew_notes`); not "Pickup at 10.30, total of 6 with the kids", "Tip:
    bring 2 towels", "Charge 2 phones" or "Owner use 2026". Without `in_doubt`, a figure from 20 on that nothing
    names ("Reserved - Rob S. - 624") tells money only in a text with a word of money."""
    if _SIGNED_FIGURE.search(text) or _WORD_THEN_FIGURE.search(text):
        return True
    if _FIGURE_THEN_CODE.search(text) and MONEY_WORDS.search(text):
        return True
    return _without_money(text, everywhere=in_doubt) != text  # "Venmo 200", "collected 350"


#: What crew read in place of an amount of money in a booking's notes.
HIDDEN_AMOUNT = "[amount hidden]"
#: Apps a guest pays with, named beside an amount ("Venmo 200", "Zelle 150", "200 via PayPal", "cash app 40").
_NOTE_APPS = "venmo|zelle|paypal|cashapp"
#: Words beside which a figure in a booking's notes is money ("Deposit 200 paid", "Owner share 624", "paid 350
#: cash", "balance due 1200 on arrival", "collected 350", "owes 120", "Venmo 200"), unless a count follows it
#: ("Deposit 2 bags at the dock", "Collected 3 bags").
_NOTE_MONEY = re.compile(
    rf"(?:{_MONEY_ONLY}|paid|prepaid|deposits?|balance|payments?|tips?|gross|due|owed?|owes|owing|shares?|cash"
    rf"|collected|received|refunded|charged|surcharges?|vouchers?|giftcards?|giftcertificates?|{_NOTE_APPS}"
    r"|kaution|anzahlung|bezahlt|preis|trinkgeld|betrag|restbetrag|gebühr|kosten"  # German ("Kaution 200")
    r"|payée?|paye|acompte|prix|pourboire|montant|arrhes|réglée?"  # French ("payé 1200", "acompte 300")
    r"|dep[óo]sito|pagad[oa]|pago|precio|propina|importe|seña"  # Spanish ("depósito 200", "precio 90")
    r"|caparra|acconto|prezzo|pagato|mancia"  # Italian
    r"|aanbetaling|betaald|prijs|fooi)",  # Dutch
    re.IGNORECASE,
)
#: Words a note writes as two for one ("Gift card 100", "engine hours 1200", "pick up 9"), read as one.
_NOTE_TWO_WORDS = re.compile(
    r"\b(?:gift[ \t-]+(?:cards?|certificates?)|engine[ \t-]+(?:hours|hrs)|pick[ \t-]+up)\b", re.I
)
#: Words that say money less surely ("total of 6 with the kids", "Rate: 5 knots"): a figure beside one is money
#: from 20 on, or with cents ("Total: 1290", "net 2.50").
_NOTE_MAYBE = re.compile(
    r"(?:totals?|net|rates?|charges?|discounts?|amount|rest|remainder"  # "rest 400 on arrival"
    r"|collect|collects|collecting|gets)",  # "Collect 600 at dock", "Crew gets 300"; not "collect 2 at the dock"
    re.IGNORECASE,
)
#: Words of what someone is paid: a percentage beside one is as private as an amount ("Captain pay: 30%", "owner
#: share 70%"); any other percentage is a rate, no amount of money ("discount 25%", "tip 18% included").
_NOTE_PAY = re.compile(r"(?:pay|gets|wages?|salar(?:y|ies)|commissions?|payouts?|earnings|shares?)", re.IGNORECASE)
#: Words a note puts between its word of money and the figure ("balance due 1200", "deposit of 200", "owes us
#: 120", "cash app 40").
_NOTE_FILLERS = re.compile(
    r"(?:due|paid|owed|owing|of|is|was|are|were|still|now|in|cash|received|remaining|outstanding|approx|about"
    r"|us|me|app|per|person|head|guest|pp|each)",  # "Price per person 85"
    re.IGNORECASE,
)
#: Words after a figure that make it money whatever comes before ("200 deposit received", "paid 350 cash", "200
#: pounds", "2 grand"); "pounds of" weighs ("20 pounds of ice").
_NOTE_MONEY_AFTER = re.compile(
    r"[ \t]*(?:paid|due|owed|owing|cash|deposits?|payouts?|fees?|tips?|dollars?|bucks|euros?|cents|refund(?:ed)?"
    r"|pesos?|francs?|rupees?|reais|rand|dirhams?|baht|yen|yuan|lira|lire|kronor|kroner|quid|grand|sterling"
    rf"|pounds?(?![ \t]+of\b)|balance|commission|all[ \t-]in|{_NOTE_APPS})\b",  # "450 all in"
    re.IGNORECASE,
)
#: A way of paying after a figure, which makes it money too ("200 via Venmo", "300 in cash", "150 by zelle").
_NOTE_PAID_BY = re.compile(rf"[ \t]+(?:in|via|by|with|on)[ \t]+(?:cash|card|check|cheque|{_NOTE_APPS})\b", re.I)
#: A price per head or per unit of time after a figure, money whatever its size ("85 per person", "12pp", "15/head",
#: "300 each", "1200/day", "150 per hour"; not "2 each of snacks").
_PER = r"person|head|guest|pax|pp|day|night|hour|hr|h|week"
_NOTE_APIECE = re.compile(
    rf"[ \t]*(?:(?:pp|(?:per|/)[ \t]*(?:{_PER})|a[ \t]+head|ea|each(?![ \t]+of\b))\b|p\.p\.)", re.IGNORECASE
)
#: Months and days, beside a figure that is a date ("12 June", "June 12", "Sat 13"); "may" only before one ("May 12";
#: "400 may follow" is money).
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAYS = r"may|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
#: Words after a figure that make it a count, not money ("Deposit 2 bags", "Rate: 5 knots", "4 adults"): a plural,
#: or one of these.
_NOTE_COUNTED = re.compile(
    r"(?:guest|person|people|adult|kid|child|children|pax|passenger|crew|knot|kts?|kn|hours?|hrs?|h|mins?|minutes?"
    r"|miles?|nm|ft|feet|foot|m|km|meters?|metres?|am|pm|x|cooler|bag|towel|bottle|jacket|night|day|week|years?|old"
    rf"|lbs?|kg|{_MONTHS})",  # "12 June"
    re.IGNORECASE,
)
#: After a figure, what makes it a head count even with a word of money in between ("6 paid guests", "Paid 4 of 6
#: guests", "two paying adults", "the 4 of us").
_NOTE_HEADCOUNT = re.compile(
    r"[ \t]+(?:(?:(?:un|pre)?paid|paying|of[ \t]+\w+)[ \t]+"
    r"(?:guests?|persons?|people|adults?|kids?|child(?:ren)?|pax|passengers?|seats?)|of[ \t]+(?:us|them)"
    r"|in[ \t]+(?:the|our|my|their|your|this)[ \t]+(?:group|party))\b",  # "about 30 in the group"
    re.IGNORECASE,
)
#: Words before a figure that say what it names, so that it is no money even among words of money ("Deposit paid,
#: slip 14", "ages 8 and 10", "party of 6", "Guests: 24", "Pier 39", "engine hours 1200", "June 12", "call 555
#: 0148"). Not a kind of guest ("adults 85, kids 40" is a price list) nor a word of a booking ("reservation 200").
_NOTE_LABEL = re.compile(
    r"(?:slips?|docks?|piers?|berths?|gates?|cabins?|rooms?|ramps?|bays?|moorings?|buoys?|lots?|spots?|spaces?|stalls?"
    r"|rows?|seats?|sites?|lanes?|exits?|suites?|units?|lockers?|tables?|pontoons?|jett(?:y|ies)|wharf|floats?|no|nr"
    r"|number|channel|ch|vhf|party|group|we|guests|pax|people|persons|passengers|ages?|aged|birthday|bday|turns|turning|length|loa|depth|draft|draught"
    r"|size|headcount|ref|reference|confirmation|conf"  # "Party size 30", "Headcount 35", "Booking ref 48213"
    r"|capacity|marker|zip|postcode"  # "Capacity 24", "Mile marker 24", "Zip 92101"
    rf"|beam|speed|weight|weighs|code|pin|flight|route|hwy|highway|exit|bus|train|enginehours|enginehrs|call|phone|tel|cell|mobile|whatsapp|{_MONTHS}|{_WEEKDAYS})",
    re.IGNORECASE,
)
#: Words before a figure written as a time that make it one ("Pickup 10.30 each", "at 9", "by 12", "@ 9"); not "back"
#: nor "return", which also say money given back. "@" before any other figure is a price ("3 adults @ 75").
_NOTE_TIME_WORD = re.compile(
    r"(?:@|at|by|from|until|till|til|pickup|around|before|after|eta|etd|meet|meeting|start|starts|starting|depart"
    r"|departs|departure|departing|leaves|leaving|arrive|arrives|arrival|arriving|sails|sailing)",
    re.IGNORECASE,
)
#: Feet and inches written as marks ("38' sloop").
_FEET = ("'", "’", "′", '"', "″")
#: Words before a figure under 20 that make it a count or an age ("Gift card for 2", "kids under 5"); "for 300" and
#: "over 200" may be money.
_SMALL_COUNT_WORDS = frozenset({"for", "under", "over"})
_YEAR = re.compile(r"(?:19|20)\d\d")
#: A street address after a figure ("1234 Ocean Ave", "12 N Harbor Dr"): a place, no money.
_STREET_AFTER = re.compile(
    r"(?:[ \t]+[A-Z][\w'’.-]*){1,3}?[ \t]+(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct"
    r"|Court|Pl|Place|Hwy|Highway|Pkwy|Parkway|Ter|Terrace|Cir|Circle|Sq|Square|Quay)\b"
)
_TIME_SHAPED = re.compile(r"(?:[01]?\d|2[0-4])(?:[.:h][0-5]\d)?")
#: Words that say a time whatever follows, before which a figure written as a 24-hour clock is one ("Pickup 0830",
#: "ETA 1430", "leaves 0900"): not "by", "at" or "from", before which "1200" may be money ("balance due by 1200").
_NOTE_CLOCK_WORD = re.compile(
    r"(?:pickup|eta|etd|meet|meeting|start|starts|starting|depart|departs|departure|departing|leaves|leaving|arrive"
    r"|arrives|arrival|arriving|sails|sailing)",
    re.IGNORECASE,
)
_CLOCK_SHAPED = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
#: A phone number, or a date: seven digits or more in groups, not grouped as thousands are ("555-0148", "415 555
#: 0148", "+45 20 30 40 50", "(020) 7946 0958", "2026-06-12"; not "1 200 000").
_PHONE = re.compile(
    r"(?<![\w.,])(?:\+[ \u00a0]?)?(?:\(\d{1,4}\)[ .\-\u00a0]?)?\d{1,4}(?:[ .\-\u00a0]\(?\d{2,4}\)?){1,5}(?!\w|[.,]\d)"
)
#: Words ending in s that are no plural of anything counted ("Paid 200 thanks", "200 towards the balance").
_TWO_WORDS_AFTER = re.compile(r"[ \t]+([^\W\d_]+)[ \t]+([^\W\d_]+)")
#: Words that describe nothing counted after a figure ("Paid 200 via PayPal", "200 on the day", "200 each way").
_NOT_DESCRIBING = frozenset(
    {"a", "an", "the", "this", "that", "these", "those", "in", "on", "at", "by", "for", "with", "to", "from", "of",
     "via", "per", "each", "all", "both", "last", "next", "every", "and", "or", "plus", "less", "minus", "up", "down",
     "thanks", "pls", "please", "so", "as", "is", "was", "are", "were", "be", "been", "more", "extra", "total",
     "already", "still", "now", "later", "today", "yesterday", "tomorrow", "upfront", "before", "after"}
)  # fmt: skip
_NOT_PLURALS = frozenset(
    {"less", "plus", "was", "is", "has", "as", "thus", "yes", "us", "this", "its", "his", "thanks", "pls", "plz",
     "thx", "tks", "cheers", "towards", "afterwards", "always", "besides", "unless", "perhaps", "ps", "sometimes"}
)  # fmt: skip
#: A note's sentences: a figure in one that speaks of money is money, unless something says what it is.
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s<]|$)|[;\n]")
#: A word of money that says nothing of money: "6 paid guests" counts guests.
_PAID_HEADS = re.compile(
    r"\b(?:un|pre)?paid(?=[ \t]+(?:guests?|persons?|people|adults?|kids?|children|pax|seats?)\b)", re.I
)
#: Numbers in words ("two hundred fifty", "twelve hundred", "one thousand two hundred", "fifty"), by value.
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS = {word: n for n, word in enumerate(_UNITS, 1)} | {word: 10 * n for n, word in enumerate(_TENS, 2)}
_NUMBER_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))  # "fourteen" tried before "four"
_SPELLED = rf"\b(?:{_NUMBER_WORD}|hundred|thousand)(?:(?:[ -]| and )(?:{_NUMBER_WORD}|hundred|thousand|grand))*\b"
#: How thousands are grouped: "1,200", "1.200" (most of Europe), "1 200" (France, Scandinavia), "1'200" (Switzerland).
_GROUPS = r"(?:,\d{3}|\.\d{3}(?=[.,]\d|\b)(?!\.\d)|[ \u00a0\u202f'’]\d{3})(?![\d])"
#: An amount as any country writes it: grouped, with cents after a dot or a comma, in thousands ("1.2k"), or
#: cents alone ("$.50").
_AMOUNT = rf"(?:(?:\d{{1,3}}(?:{_GROUPS})+|\d+)(?:[.,]\d+)?(?:[kK](?![^\W\d_]))?|[.,]\d+)"
#: Signs of currencies, and the short names some write as one ("1.200 kr", "200 zł", "R$ 200", "US$300").
_SIGNS = "$€£¥₹₩₺₽₪₫₱฿₦₴₡₲₸₼₾円元￥"
_LETTERS_OF_MONEY = r"(?<![^\W\d_])(?:(?i:kr|zł|kč)|Rs)\.?(?![^\W\d_])"
#: A sign written as markup, as a channel may leave it ("&#36;200", "200&euro;").
_SIGN_ENTITY = r"&(?i:#0*36|#x0*24|dollar|#0*8364|#x20ac|euro|#0*163|#x0*a3|pound|#0*165|#x0*a5|yen);"
_A_SIGN = rf"(?:(?<![^\W\d_])[A-Z]{{1,3}}(?=\$))?[{_SIGNS}]|{_LETTERS_OF_MONEY}|{_SIGN_ENTITY}"
_SIGN_AFTER = rf"[{_SIGNS}]|{_LETTERS_OF_MONEY}|{_SIGN_ENTITY}"
#: A code touching its figure ("USD200", "200USD", "JPY20000"), or beside one written with cents or groups as a
#: country writes it ("EUR 1.200,00", "200,00 USD"): _NOTE_FIGURE reads the plain "200 USD" and "USD 200".
_BARE_CODE = rf"(?<![^\W\d_])(?:{'|'.join(sorted(ISO_4217 - WORD_CODES))}|(?i:{_COMMON_CODES}))(?![^\W\d_])"
#: A code that is also a word in capitals is a currency beside a figure with cents ("TRY 200,00", "45.50 TOP"); not
#: "TOP3", "ALL 1,200 GUESTS".
_WORD_CODE_PRICE = (
    rf"(?<![^\W\d_])(?:{'|'.join(sorted(WORD_CODES))})[ \u00a0]?\d+[.,]\d\d(?!\d)"
    rf"|(?<![\w.,:/'’])\d+[.,]\d\d[ \u00a0]?(?:{'|'.join(sorted(WORD_CODES))})(?![^\W\d_])"
)
_WRITTEN = rf"(?:(?:\d{{1,3}}(?:{_GROUPS})+|\d+)[.,]\d+|\d{{1,3}}(?:{_GROUPS})+)"
#: An amount a currency's sign or code says is money whatever words are around it, in any format ("€ 1.200,50",
#: "1 200 €", "200,00 €", "1.200 kr", "₹500", "$85pp", "USD200", "200,-"): each of them reached crew as written.
_PRICED = re.compile(
    rf"(?:{_A_SIGN})[ \u00a0]?{_AMOUNT}(?:[.,][-–](?![-–]|\s?\d))?"
    rf"|(?<![\w.,:/'’])(?:{_AMOUNT}(?:[.,][-–](?![-–]|\s?\d))?[ \u00a0]?(?:{_SIGN_AFTER})"
    rf"|\d{{1,3}}(?:[.' \u00a0]\d{{3}})*[.,][-–](?![-–]|\s?\d))"
    rf"|{_BARE_CODE}(?:{_AMOUNT}|[ \u00a0]{_WRITTEN}(?![\w:/]|[.,]\d))"
    rf"|(?<![\w.,:/'’])(?:{_AMOUNT}{_BARE_CODE}|{_WRITTEN}[ \u00a0]{_BARE_CODE})"
    rf"|{_WORD_CODE_PRICE}"
)
#: Markup a channel may leave in the notes, read as a space between a word of money and its figure
#: ("Deposit: <b>200</b>", "deposit&nbsp;200").
_MARKUP = re.compile(r"<[^<>\n]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
#: A figure, with the currency before or after it if any ("$624", "usd 524", "1,200.00", "624.00 USD", "1.2k"),
#: or a number in words ("two hundred"), and a percent sign after it if any ("25%"); not part of a time, a date
#: or a word ("16:00", "12/06", "B2").
_NOTE_FIGURE = re.compile(
    rf"(?P<before>{_CURRENCY}\s?)?"
    rf"(?:(?P<figure>(?:\d{{1,3}}(?:{_GROUPS})+|\d+)(?:\.\d+|,\d\d?(?!\d))?k?)(?!(?!(?i:pp)\b)[\w:]|/(?!\d{{3}}|(?i:{_PER})\b)|[.,]\d)"
    rf"|(?P<spelled>(?i:{_SPELLED})))"
    rf"(?P<after>\s?{_CURRENCY})?(?P<percent>[ \t]?(?:%|(?i:percent|per cent)\b))?"
)
_CLAUSE_BREAK = re.compile(r"[,;.!?)\n]")
_NOTE_WORD = re.compile(r"[^\W\d_]+|\d+|@")
_WORD_AFTER = re.compile(r"(?:[ \t]*|-)([^\W\d_]+)")  # "6 guests", "3-hour trip"
#: What joins the two figures of a pair, the second money when the first is ("Paid 200 of 400", "paid 200+200",
#: "Deposit 50% = 600", "Paid: 200/400").
_PAIR_JOINER = re.compile(r"[ \t]*(?:[+/=]|(?i:of|out of|and|plus))[ \t]*")
#: What joins two figures a word names both of ("ages 8 and 10", "slips 3 & 4", "at 9 or 10", "group 3 of 4").
_NAMED_PAIR_JOINER = re.compile(r"[ \t]*(?:&|(?i:and|or|to|of))[ \t]*")
_ANY_MONEY_WORD = re.compile(r"[^\W\d_]+")
#: What a figure of the notes is: money, one a word names ("slip 14", and so "and 15" after it), another shown as
#: written, or one nothing says anything of, which its sentence and the notes decide.
_Reading = Literal["money", "named", "other", "unsaid"]


def crew_notes(notes: str) -> str:
    """A booking's notes as crew read them: each amount of money in them reads HIDDEN_AMOUNT ("Deposit 200
    paid", "Owner share 624", "paid 350 cash", "balance due 1200 on arrival", "Payout - $624", "Venmo 200",
    "collected 350", "two hundred paid", "Captain pay: 30%", "Paid 200 of 400", "Paid 200, rest 400 on arrival",
    "15 per head", "200 pounds"); every other figure as written ("6 guests", "6 paid guests", "slip 14", "2
    coolers", "16:00", "birthday: 40", "Rate: 5 knots", "discount 25%", "ALL 4 ON BOARD", "Deposit paid. TOP 3").

    A figure is money when a currency goes with it, when a word of money is right before it or after it, when it
    is a price per head, or when it is the second of a pair whose first is money. One nothing speaks of (no unit,
    count, label or time says what it is) is money in a sentence that speaks of money, and from 20 on anywhere else
    ("Sent 300 by bank transfer"; a year is a year in notes that say nothing of money): when in doubt, it is
    hidden."""
    return _without_money(notes, everywhere=True)


def _without_money(notes: str, *, everywhere: bool) -> str:
    """`notes` with each amount of money hidden; a figure from 20 on that nothing names anywhere when `everywhere`,
    else only in notes with a word of money."""
    priced = _PRICED.sub(HIDDEN_AMOUNT, notes)
    # where a figure that makes the next of a pair money ends: an amount hidden, or a percentage of one
    firsts = {found.end() for found in re.finditer(re.escape(HIDDEN_AMOUNT), priced)}
    sentences = _Sentences(priced)
    phones = [span.span() for span in _PHONE.finditer(priced) if _is_phone(span[0])]
    named: set[int] = set()  # where a figure a word names ends ("ages 8"), for the next of a pair ("and 10")
    readings: list[tuple[re.Match[str], _Reading]] = []
    for found in _NOTE_FIGURE.finditer(priced):
        reading = _reading(found, firsts, sentences, phones, named)
        if reading == "money":
            firsts.add(found.end())
            sentences.money_at(found.start())
        readings.append((found, reading))
    shown, last = [], 0
    for found, reading in readings:
        if reading == "money" or (reading == "unsaid" and _unsaid_is_money(found, sentences, everywhere)):
            shown += [priced[last : found.start()], HIDDEN_AMOUNT]
            last = found.end()
    return "".join(shown) + priced[last:]


class _Sentences:
    """The sentences of a note, and which of them speak of money: a word of money in them, or an amount hidden."""

    def __init__(self, text: str) -> None:
        plain = _MARKUP.sub(lambda markup: " " * len(markup[0]), text)  # "deposit&nbsp;200" is one sentence
        self.starts = [0] + [end.end() for end in _SENTENCE_END.finditer(plain)]
        pieces = [plain[start:end] for start, end in zip(self.starts, [*self.starts[1:], len(plain)], strict=True)]
        self.money = [HIDDEN_AMOUNT in piece or _speaks(piece, _NOTE_MONEY) for piece in pieces]
        self.any_word = [_speaks(piece, _NOTE_MONEY, _NOTE_MAYBE, MONEY_WORDS) for piece in pieces]

    def at(self, position: int) -> int:
        return bisect.bisect_right(self.starts, position) - 1

    def money_at(self, position: int) -> None:
        self.money[self.at(position)] = True


def _speaks(sentence: str, *words: re.Pattern[str]) -> bool:
    said = _PAID_HEADS.sub(" ", _NOTE_TWO_WORDS.sub(_one_word, sentence))
    return any(kind.fullmatch(word) for word in _ANY_MONEY_WORD.findall(said) for kind in words)


def _unsaid_is_money(found: re.Match[str], sentences: _Sentences, everywhere: bool) -> bool:
    """Whether a figure nothing says anything of is money: in a sentence that speaks of money, yes ("Paid 200, rest
    400 on arrival"); elsewhere from 20 on ("Deposit paid. 400 on arrival", "Owner rate applies: 350 for the day",
    "Sent 300 by bank transfer"; not "Deposit paid. TOP 3"), but for a year in notes without a word of money ("Owner
    use 2026"). A number in words under 20 is a count ("Deposit: three life jackets")."""
    if found["spelled"] and _spelled_value(found["spelled"]) < 20:
        return False
    if sentences.money[sentences.at(found.start())]:
        return True
    if not _at_least_20(found):
        return False
    if any(sentences.money) or any(sentences.any_word):
        return True
    return everywhere and not _YEAR.fullmatch(found["figure"] or "")


def _reading(
    found: re.Match[str], firsts: set[int], sentences: _Sentences, phones: list[tuple[int, int]], named: set[int]
) -> _Reading:
    text, start, end = found.string, found.start(), found.end()
    if any(begin <= start < finish for begin, finish in phones):
        return "other"  # "Deposit paid, call 415 555 0148", "Paid 2026-06-12"
    joiner = _PAIR_JOINER.fullmatch(text, _pair_start(start, firsts), start) if start else None
    second = joiner is not None and joiner.start() in firsts  # "Paid 200 of 400": the 400 too
    joined = start and (text[start - 1].isalnum() or text[start - 1] in "_+-#:/.,")
    if found["figure"] and not found["before"] and joined and not second:
        return "other"  # part of a word, a time, a date or a phone number ("B2", "16:00", "+1 415")
    clause = _CLAUSE_BREAK.split(_MARKUP.sub(" ", _NOTE_TWO_WORDS.sub(_one_word, text[:start])))[-1]
    word = _word_before(clause)
    money_word = word if word is not None and _is_note_money_word(word) else None
    if found["percent"]:
        if money_word is not None:
            firsts.add(end)  # "Deposit 50% = 600": the 600 is money
        return "money" if money_word and _NOTE_PAY.fullmatch(money_word) else "other"  # not "discount 25%"
    currency = (found["before"] or found["after"] or "").strip()
    if currency in WORD_CODES and not sentences.any_word[sentences.at(start)]:
        currency = ""  # "ALL 4 ON BOARD", "Deposit paid. TOP 3": a word in capitals, not the lek or the pa'anga
    if currency in ("$", "€", "£", "¥"):
        return "money"
    if _NOTE_HEADCOUNT.match(text, end):
        return "other"  # "6 paid guests", "Paid 4 of 6 guests"
    if _NOTE_MONEY_AFTER.match(text, end) or _NOTE_PAID_BY.match(text, end):
        return "money"
    figure = found["figure"] or ""
    timed = word is not None and bool(_NOTE_TIME_WORD.fullmatch(word) and _TIME_SHAPED.fullmatch(figure))
    # "Pickup 0830": a 24-hour clock, in a sentence with no word of money ("Pickup 1500 extra" in one with is money)
    timed = timed or (
        word is not None
        and bool(_NOTE_CLOCK_WORD.fullmatch(word) and _CLOCK_SHAPED.fullmatch(figure))
        and not sentences.any_word[sentences.at(start)]
    )
    if timed:
        named.add(end)
        return "named"  # "Pickup 10.30 each", "at 9"
    if _NOTE_APIECE.match(text, end):
        return "money"  # "15 per head", "12pp", "300 each"; not "2 each of snacks"
    following = _WORD_AFTER.match(text, end)
    after = following[1] if following else ""
    if _counted(after) or (money_word is None and _counted_after_a_word(text, end)):
        return "other"  # "Deposit 2 bags", "ALL 3 COOLERS" (a code in capitals is also a word), "20 life jackets"
    if text.startswith(_FEET, end) and not (start and text[start - 1] in _FEET):
        return "other"  # "38' sloop"; not "paid '200'"
    if _STREET_AFTER.match(text, end):
        return "other"  # "Pickup at 1234 Ocean Ave"
    if currency or second:
        return "money"
    return _reading_by_word(found, word, money_word, named)


def _reading_by_word(found: re.Match[str], word: str | None, money_word: str | None, named: set[int]) -> _Reading:
    """What the word before a figure says it is ("Deposit 200", "Total: 1290", "slip 14", "party of 6", "ages 8 and
    10"), or "unsaid"."""
    if word == "@":
        return "money"  # "3 adults @ 75"
    if money_word is not None:
        if found["spelled"]:  # "owes one hundred", "Tip of fifty"; not "Deposit: three life jackets"
            return "money" if _spelled_value(found["spelled"]) >= 20 else "other"
        if _NOTE_MAYBE.fullmatch(money_word):
            return "money" if _at_least_20(found) else "other"  # "Deposit paid, total of 6"
        return "money"
    if (word is not None and _NOTE_LABEL.fullmatch(word)) or (word in _SMALL_COUNT_WORDS and not _at_least_20(found)):
        named.add(found.end())  # "slip 14", "Gift card for 2", "kids under 5"
        return "named"
    text, start = found.string, found.start()
    if any(_NAMED_PAIR_JOINER.fullmatch(text, first, start) for first in named if start - 6 <= first < start):
        named.add(found.end())
        return "named"  # "ages 8 and 10"
    return "unsaid"


def _counted(word: str) -> bool:
    """Whether a word after a figure is what it counts: a plural, or a word of _NOTE_COUNTED ("2 bags", "5 knots")."""
    return bool(_NOTE_COUNTED.fullmatch(word)) or (word.lower().endswith("s") and word.lower() not in _NOT_PLURALS)


def _counted_after_a_word(text: str, end: int) -> bool:
    """Whether the second word after a figure is what it counts, the first describing it ("20 life jackets", "1
    large cooler"); not when the first is a word of money, of a number or of grammar ("Paid 200 two days ago"). Only
    for a figure no word of money comes before: "Deposit 200 bank transfers" is money."""
    two = _TWO_WORDS_AFTER.match(text, end)
    if two is None or two[1].lower() in _NOT_DESCRIBING or _NUMBER_WORDS.get(two[1].lower()):
        return False
    return not (_is_note_money_word(two[1]) or _NOTE_MONEY_AFTER.fullmatch(two[1])) and _counted(two[2])


def _one_word(two: re.Match[str]) -> str:
    return re.sub(r"[ \t-]+", "", two[0])


def _is_phone(text: str) -> bool:
    """Whether digits in groups are a phone number rather than an amount grouped in thousands ("1 200 000")."""
    groups = re.findall(r"\d+", text)
    if sum(len(group) for group in groups) < 7:
        return False
    return text.startswith(("+", "(")) or "-" in text or any(len(group) != 3 for group in groups[1:])


def _pair_start(start: int, firsts: set[int]) -> int:
    """Where the joiner before the figure at `start` would begin: the end of the nearest first figure before it."""
    ends = [first for first in firsts if start - 12 <= first <= start]
    return max(ends) if ends else start


def _at_least_20(found: re.Match[str]) -> bool:
    """Whether a figure is 20 or more, or has cents or thousands ("Total: 1290", "Total: 1,150", "net 2.50",
    "1.2k"); a comma before three digits groups thousands, before one or two it starts the cents ("2,50")."""
    if found["spelled"]:
        return _spelled_value(found["spelled"]) >= 20
    figure = found["figure"]
    whole = re.sub(r",(?=\d{3}(?!\d))", "", figure).split(",")[0]
    return "." in figure or figure.endswith("k") or float(re.sub(r"[^\d]", "", whole) or 0) >= 20


def _is_note_money_word(word: str) -> bool:
    return bool(_NOTE_MONEY.fullmatch(word) or _NOTE_MAYBE.fullmatch(word))


def _word_before(clause: str) -> str | None:
    """The word of money (_NOTE_MONEY, _NOTE_MAYBE), of a time (_NOTE_TIME_WORD) or naming what a figure is
    (_NOTE_LABEL, _SMALL_COUNT_WORDS) the figure after `clause` follows, over at most two fillers ("balance due",
    "deposit of", "owes us", "party of"), or None."""
    if _FLIGHT.search(clause):
        return "flight"  # "flight DL 1432": the airline's code between the word and its number
    words: list[str] = _NOTE_WORD.findall(clause)
    for fillers, word in enumerate(reversed(words)):
        if _is_note_money_word(word) or _NOTE_LABEL.fullmatch(word) or _NOTE_TIME_WORD.fullmatch(word):
            return word
        if word.lower() in _SMALL_COUNT_WORDS and fillers == 0:
            return word.lower()
        if word.isdigit() or fillers == 2 or not _NOTE_FILLERS.fullmatch(word):
            return None
    return None


#: A flight's word and its airline's code in capitals before its number ("flight DL 1432", "Flt B6 615").
_FLIGHT = re.compile(r"\b(?i:flight|flt)[ \t]+(?:[A-Z]{2}|[A-Z]\d|\d[A-Z])[ \t]*$")


def _spelled_value(number: str) -> int:
    """A number in words as a figure: "two hundred fifty" is 250, "one thousand two hundred" 1200."""
    total = current = 0
    for word in re.findall(r"[a-z]+", number.lower()):
        if word == "hundred":
            current = (current or 1) * 100
        elif word in ("thousand", "grand"):
            total, current = total + (current or 1) * 1000, 0
        elif word != "and":
            current += _NUMBER_WORDS[word]
    return total + current
