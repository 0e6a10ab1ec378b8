"""Currency codes: the ones ISO 4217 lists for money in use (its list of 2025, without the codes
for metals, bond units and tests). A code outside it is a typo ("UDS"): taken, its bookings were
left out of every report, which counts one currency. With each, its minor unit: how many decimal
places its amounts have (yen have none: an amount of 12000.50 JPY is no amount a payment takes)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

_LISTED = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP
    BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB
    EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR
    MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB
    RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    ZWL
"""
ISO_4217 = frozenset(_LISTED.split())


def currency_code(value: str) -> str:
    """`value` as a currency code in capitals; ValueError when ISO 4217 has no such code."""
    code = value.strip().upper()
    if not value.strip().isascii() or code not in ISO_4217:  # "ısk" (a dotless ı) upper-cases to "ISK"
        raise ValueError(f"{value!r} is not a currency code (ISO 4217), like USD or EUR")
    return code


#: ISO 4217's minor units (decimal places) of the listed codes that have other than two.
_PLACES = {0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF", 3: "BHD IQD JOD KWD LYD OMR TND",
           4: "CLF UYW"}  # fmt: skip
_MINOR_UNITS = {code: places for places, codes in _PLACES.items() for code in codes.split()}


def minor_units(code: str) -> int:
    """The decimal places of an amount in currency `code` (JPY: 0, USD: 2, BHD: 3); 2 for a code not listed."""
    return _MINOR_UNITS.get(code.upper(), 2)


def places_problem(amount: Decimal, code: str, whose: str = "") -> str | None:
    """What is wrong with `amount` in currency `code` when it has more decimal places than the currency has, as
    a sentence saying what to write ("12.345 has more decimal places than USD's 2: write it like 12.34"; `whose`
    says where the currency comes from, after its code); None when it has no more. Yen have no cents, and no
    payment is made in a third place of dollars."""
    places = minor_units(code)
    shown = amount.quantize(Decimal(1).scaleb(-places), ROUND_DOWN)
    if amount == shown:
        return None
    if not places:
        return f"{amount} has cents, and {code} has none{whose}: write the amount in whole {code}, like {shown}"
    return f"{_as_written(amount)} has more decimal places than {code}'s {places}{whose}: write it like {shown}"


def _as_written(amount: Decimal) -> str:
    """`amount` in plain digits without trailing zeros ("12.345"), cut to 60 characters: a client may send
    "1e-1000000000", which written out in full is a billion zeros."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -60:
        return str(amount)[:60]  # the engineering form, "1E-1000000000", is short
    text = f"{amount:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text if len(text) <= 60 else f"{text[:59]}…"


#: About how many units of each currency a US dollar buys, to the nearest power of ten (rates of 2025; the power of
#: ten of a rate stays put while it moves a long way), for the currencies whose unit is worth well under a dollar.
#: Every other code counts 1: the euro, the pound, the dinars worth more than a dollar, and the few whose rate
#: moves too fast to hold (VES, ZWG).
_SCALE = {
    10: "BOB BRL BWP CNY CUP CZK DKK ERN GHS GTQ HKD HNL LSL LYD MAD MDL MOP MVR MXN MYR NAD NOK PEN PGK PLN QAR RON "
        "SAR SBD SCR SEK SLE STN SZL TJS TMT TTD TWD ZAR ZMW AED ILS",
    100: "AFN ALL BDT BTN CVE DJF DOP DZD EGP ETB GMD GYD HTG INR ISK JMD JPY KES KGS LKR LRD MKD MRU MUR MZN NIO NPR "
         "PHP PKR RSD RUB SRD THB TRY UAH UYU VUV XPF YER",
    1000: "AOA AMD ARS BIF CDF CLP CRC HUF IQD KMF KPW KRW KZT MMK MWK NGN RWF SDG SOS TZS XAF XOF",
    10000: "COP GNF IDR KHR LAK MGA MNT PYG SLL SYP UGX UZS VND",
    100000: "IRR LBP",
}  # fmt: skip
_SCALES = {code: scale for scale, codes in _SCALE.items() for code in codes.split()}
#: The largest `money_scale`: a bound in a dollar's worth times it holds in every currency.
LARGEST_SCALE = max(_SCALE)


def scaled_codes() -> dict[int, list[str]]:
    """The codes of each `money_scale` above 1 (a schema states each scale's bound)."""
    return {scale: sorted(codes.split()) for scale, codes in _SCALE.items()}


def money_scale(code: str) -> int:
    """How many units of currency `code` weigh about what one US dollar, euro or pound does, to the nearest power of
    ten (JPY 100, KRW 1,000, VND 10,000; 1 for a code not listed): what a report's thresholds of money, written in a
    dollar's worth ("HIGH from 1,000"), are multiplied by, so that ¥50,000 (about $330) is not weighed as $50,000."""
    return _SCALES.get(code.upper(), 1)


def in_units_of(amount: Decimal | int, code: str) -> Decimal:
    """A threshold or a bound written in a dollar's worth (1,000), in currency `code` (JPY: 100,000)."""
    return Decimal(amount) * money_scale(code)
