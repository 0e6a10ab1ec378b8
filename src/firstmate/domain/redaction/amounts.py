"""How money is written in free text: its words, currencies, signs and codes, the ways countries group a
figure's thousands, and numbers in words; and what crew read in place of an amount."""

from __future__ import annotations

import re

from firstmate.domain.currencies import ISO_4217

#: Words that say money and little else ("payout 624"), and words that often say other things too ("total
#: of 6", "charge 2 phones", "deposit the bags"): a figure beside the second is money only in a currency.
MONEY_ONLY = (
    r"payouts?|fees?|prices?|commissions?|earnings|subtotal|tax(?:es)?|gratuity|refunds?|costs?|revenue"
    r"|pay|wages?|salar(?:y|ies)"  # captain pay, crew wages: what crew never see of each other
)
MONEY_ALSO = r"totals?|net|rates?|tips?|balance|deposits?|charges?|discounts?|payments?|gross|amount|paid"
#: Words of money a channel may write in text crew would see ("Owner payout: USD 624.00", a hold titled
#: "Reserved - payout USD 624.00").
MONEY_WORDS = re.compile(rf"\b(?:{MONEY_ONLY}|{MONEY_ALSO})\b", re.IGNORECASE)
#: A currency before a figure: a sign, a code in capitals, or a common one in any case ("usd 524").
COMMON_CODES = "usd|eur|gbp|cad|aud|nzd|chf|mxn|jpy|thb|sgd|hkd"
#: Codes that are also English words a note writes in capitals ("ALL 4 ON BOARD", "TOP 3", "TRY 2", "PEN 4"): in a
#: booking's notes a currency only beside a figure with cents, or before a figure in a text with a word of money.
WORD_CODES = frozenset({"ALL", "BAM", "BOB", "COP", "CUP", "GEL", "MAD", "MOP", "PEN", "SOS", "TOP", "TRY"})
CODE = rf"(?:\b(?:{'|'.join(sorted(ISO_4217))})\b|\b(?i:{COMMON_CODES})\b)"
CURRENCY = rf"(?:[$€£¥]|{CODE})"
#: A currency's sign before or after a figure ("$624", "200€").
SIGNED_FIGURE = re.compile(r"[$€£¥]\s?\d|\d\s?[$€£¥]")
#: A word of money with a figure right after it: for a word that says money only, any figure; for one that
#: says other things too, a figure in a currency or with cents ("payout usd 524", "owner payout 624",
#: "Payout - $624", "balance 420.00"; not "Rate: 5 knots", "Net: 2 landing nets").
WORD_THEN_FIGURE = re.compile(
    rf"\b(?:(?i:{MONEY_ONLY})[\s:=\-–]*(?:{CURRENCY}\s?)?\d"
    rf"|(?i:{MONEY_ALSO})[\s:=\-–]*(?:{CURRENCY}\s?\d|\d[\d,]*\.\d\d\b))"
)
#: A figure with a currency's code after it ("624.00 USD", "350 eur").
FIGURE_THEN_CODE = re.compile(rf"\d[\d,]*(?:\.\d+)?\s?{CODE}")
#: A phone number, or a date: seven digits or more in groups, not grouped as thousands are ("555-0148", "415 555
#: 0148", "+45 20 30 40 50", "(020) 7946 0958", "+44 7700 900123", "07700 900123", "2026-06-12"; not "1 200 000").
PHONE = re.compile(
    r"(?<![\w.,])(?:\+[ \u00a0]?)?(?:\(\d{1,4}\)[ .\-\u00a0]?)?(?:0\d{4}|\d{1,4})(?:[ .\-\u00a0]\(?\d{2,6}\)?){1,5}"
    r"(?!\w|[.,]\d)"
)
#: Numbers in words ("two hundred fifty", "twelve hundred", "one thousand two hundred", "fifty"), by value.
UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")  # fmt: skip
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
NUMBER_WORDS = {word: n for n, word in enumerate(UNITS, 1)} | {word: 10 * n for n, word in enumerate(TENS, 2)}
NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))  # "fourteen" tried before "four"
SPELLED = rf"\b(?:{NUMBER_WORD}|hundred|thousand)(?:(?:[ -]| and )(?:{NUMBER_WORD}|hundred|thousand|grand))*\b"
#: How thousands are grouped: "1,200", "1.200" (most of Europe), "1 200" (France, Scandinavia), "1'200" (Switzerland);
#: dots more than once too ("Rp 5.000.000", as Indonesia writes it), never a dot before cents ("1.200.50").
GROUPS = r"(?:,\d{3}|\.\d{3}(?=[.,]\d|\b)(?!\.\d(?!\d\d(?!\d)))|[ \u00a0\u202f'’]\d{3})(?![\d])"
#: An amount as any country writes it: grouped, with cents after a dot or a comma, in thousands ("1.2k"), or
#: cents alone ("$.50").
AMOUNT = rf"(?:(?:\d{{1,3}}(?:{GROUPS})+|\d+)(?:[.,]\d+)?(?:[kK](?![^\W\d_]))?|[.,]\d+)"
#: Signs of currencies, and the short names some write as one ("1.200 kr", "200 zł", "R$ 200", "US$300", "Rp 5.000").
SIGNS = "$€£¥₹₩₺₽₪₫₱฿₦₴₡₲₸₼₾円元￥"
LETTERS_OF_MONEY = r"(?<![^\W\d_])(?:(?i:kr|zł|kč)|Rs|Rp)\.?(?![^\W\d_])"
#: A sign written as markup, as a channel may leave it ("&#36;200", "200&euro;").
SIGN_ENTITY = r"&(?i:#0*36|#x0*24|dollar|#0*8364|#x20ac|euro|#0*163|#x0*a3|pound|#0*165|#x0*a5|yen);"
A_SIGN = rf"(?:(?<![^\W\d_])[A-Z]{{1,3}}(?=\$))?[{SIGNS}]|{LETTERS_OF_MONEY}|{SIGN_ENTITY}"
SIGN_AFTER = rf"[{SIGNS}]|{LETTERS_OF_MONEY}|{SIGN_ENTITY}"
#: A code touching its figure ("USD200", "200USD", "JPY20000"), or beside one written with cents or groups as a
#: country writes it ("EUR 1.200,00", "200,00 USD"): _NOTE_FIGURE reads the plain "200 USD" and "USD 200".
BARE_CODE = rf"(?<![^\W\d_])(?:{'|'.join(sorted(ISO_4217 - WORD_CODES))}|(?i:{COMMON_CODES}))(?![^\W\d_])"
#: A code that is also a word in capitals is a currency beside a figure with cents ("TRY 200,00", "45.50 TOP"); not
#: "TOP3", "ALL 1,200 GUESTS".
WORD_CODE_PRICE = (
    rf"(?<![^\W\d_])(?:{'|'.join(sorted(WORD_CODES))})[ \u00a0]?\d+[.,]\d\d(?!\d)"
    rf"|(?<![\w.,:/'’])\d+[.,]\d\d[ \u00a0]?(?:{'|'.join(sorted(WORD_CODES))})(?![^\W\d_])"
)
WRITTEN = rf"(?:(?:\d{{1,3}}(?:{GROUPS})+|\d+)[.,]\d+|\d{{1,3}}(?:{GROUPS})+)"
#: An amount a currency's sign or code says is money whatever words are around it, in any format ("€ 1.200,50",
#: "1 200 €", "200,00 €", "1.200 kr", "₹500", "$85pp", "USD200", "200,-"): each of them reached crew as written.
PRICED = re.compile(
    rf"(?:{A_SIGN})[ \u00a0]?{AMOUNT}(?:[.,][-–](?![-–]|\s?\d))?"
    rf"|(?<![\w.,:/'’])(?:{AMOUNT}(?:[.,][-–](?![-–]|\s?\d))?[ \u00a0]?(?:{SIGN_AFTER})"
    rf"|\d{{1,3}}(?:[.' \u00a0]\d{{3}})*[.,][-–](?![-–]|\s?\d))"
    rf"|{BARE_CODE}(?:{AMOUNT}|[ \u00a0]{WRITTEN}(?![\w:/]|[.,]\d))"
    rf"|(?<![\w.,:/'’])(?:{AMOUNT}{BARE_CODE}|{WRITTEN}[ \u00a0]{BARE_CODE})"
    rf"|{WORD_CODE_PRICE}"
)
#: Markup a channel may leave in the notes, read as a space between a word of money and its figure
#: ("Deposit: <b>200</b>", "deposit&nbsp;200").
MARKUP = re.compile(r"<[^<>\n]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)


def spelled_value(number: str) -> int:
    """A number in words as a figure: "two hundred fifty" is 250, "one thousand two hundred" 1200."""
    total = current = 0
    for word in re.findall(r"[a-z]+", number.lower()):
        if word == "hundred":
            current = (current or 1) * 100
        elif word in ("thousand", "grand"):
            total, current = total + (current or 1) * 1000, 0
        elif word != "and":
            current += NUMBER_WORDS[word]
    return total + current


def figure_size(figure: str) -> float | None:
    """A figure's size, its thousands grouped with commas or written "k" ("1,200" is 1200, "1.5k" 1500), or None
    if it is written otherwise ("1.200,50")."""
    plain = re.sub(r",(?=\d{3}(?!\d))", "", figure)
    thousands = plain.endswith(("k", "K"))
    try:
        return float(plain.rstrip("kK")) * (1000 if thousands else 1)
    except ValueError:
        return None


#: What crew read in place of an amount of money in a booking's notes.
HIDDEN_AMOUNT = "[amount hidden]"
