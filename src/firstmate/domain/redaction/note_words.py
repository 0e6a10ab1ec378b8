"""The words of a booking's notes that say what a figure beside them is: money, a count, a time, a date, a
place, an age or a length."""

from __future__ import annotations

import re

from firstmate.domain.currencies import ISO_4217
from firstmate.domain.redaction.amounts import CURRENCY, HIDDEN_AMOUNT, MONEY_ALSO, MONEY_ONLY, WORD_CODES

#: Apps a guest pays with, named beside an amount ("Venmo 200", "Zelle 150", "200 via PayPal", "cash app 40").
NOTE_APPS = "venmo|zelle|paypal|cashapp"
#: Words beside which a figure in a booking's notes is money ("Deposit 200 paid", "Owner share 624", "paid 350
#: cash", "balance due 1200 on arrival", "collected 350", "owes 120", "Venmo 200"), unless a count follows it
#: ("Deposit 2 bags at the dock", "Collected 3 bags").
NOTE_MONEY = re.compile(
    rf"(?:{MONEY_ONLY}|paid|prepaid|deposits?|balance|payments?|tips?|gross|due|owed?|owes|owing|shares?|cash"
    rf"|collected|received|refunded|charged|surcharges?|vouchers?|giftcards?|giftcertificates?|{NOTE_APPS}"
    r"|pd|bal|depo|rcvd|recvd|pmt|pymt|pymnt|amt"  # a staff's shorthand ("pd 250", "Bal 12", "Depo 15")
    r"|tipped|tipping|paying|spent|billed|invoiced|quoted|discounted"  # "Tipped 15"; not "Invoice 15", "Bill 15"
    r"|balence|ballance|recie?ved|deposite|payed|surchage"  # and misspellings ("Depo 15 recieved")
    r"|kaution|anzahlung|bezahlt|preis|trinkgeld|betrag|restbetrag|gebühr|kosten"  # German ("Kaution 200")
    r"|payée?|paye|acompte|prix|pourboire|montant|arrhes|réglée?"  # French ("payé 1200", "acompte 300")
    r"|dep[óo]sito|pagad[oa]|pago|precio|propina|importe|seña"  # Spanish ("depósito 200", "precio 90")
    r"|caparra|acconto|prezzo|pagato|mancia"  # Italian
    r"|aanbetaling|betaald|prijs|fooi)",  # Dutch
    re.IGNORECASE,
)
#: Words a note writes as two for one ("Gift card 100", "engine hours 1200", "pick up 9"), read as one.
NOTE_TWO_WORDS = re.compile(
    r"\b(?:gift[ \t-]+(?:cards?|certificates?)|engine[ \t-]+(?:hours|hrs)|pick[ \t-]+up)\b", re.I
)
#: Words that say money less surely ("total of 6 with the kids", "Rate: 5 knots"): a figure beside one is money
#: from 20 on, or with cents ("Total: 1290", "net 2.50").
NOTE_MAYBE = re.compile(
    r"(?:totals?|net|rates?|charges?|discounts?|amount|rest|remainder"  # "rest 400 on arrival"
    r"|collect|collects|collecting|gets)",  # "Collect 600 at dock", "Crew gets 300"; not "collect 2 at the dock"
    re.IGNORECASE,
)
#: Words of what someone is paid: a percentage beside one is as private as an amount ("Captain pay: 30%", "owner
#: share 70%"); any other percentage is a rate, no amount of money ("discount 25%", "tip 18% included").
NOTE_PAY = re.compile(r"(?:pay|gets|wages?|salar(?:y|ies)|commissions?|payouts?|earnings|shares?)", re.IGNORECASE)
#: Words a note puts between its word of money and the figure ("balance due 1200", "deposit of 200", "owes us
#: 120", "cash app 40").
NOTE_FILLERS = re.compile(
    r"(?:due|paid|owed|owing|of|is|was|are|were|still|now|in|cash|received|remaining|outstanding|approx|about"
    r"|us|me|app|per|person|head|guest|pp|each)",  # "Price per person 85"
    re.IGNORECASE,
)
#: Words after a figure that make it money whatever comes before ("200 deposit received", "paid 350 cash", "200
#: pounds", "2 grand"); "pounds of" weighs ("20 pounds of ice").
NOTE_MONEY_AFTER = re.compile(
    r"[ \t]*(?:paid|pd|due|owed|owing|cash|deposits?|payouts?|fees?|tips?|dollars?|bucks|euros?|cents|refund(?:ed)?"
    r"|pesos?|francs?|rupees?|reais|rand|dirhams?|baht|yen|yuan|lira|lire|kronor|kroner|quid|grand|sterling"
    rf"|pounds?(?![ \t]+of\b)|balance|commission|all[ \t-]in|{NOTE_APPS})\b",  # "450 all in"
    re.IGNORECASE,
)
#: A way of paying after a figure, which makes it money too ("200 via Venmo", "300 in cash", "150 by zelle").
NOTE_PAID_BY = re.compile(rf"[ \t]+(?:in|via|by|with|on)[ \t]+(?:cash|card|check|cheque|{NOTE_APPS})\b", re.I)
#: A price per head or per unit of time after a figure, money whatever its size ("85 per person", "12pp", "15/head",
#: "300 each", "15 apiece", "1200/day", "150 per hour"; not "2 each of snacks").
PER = r"person|head|guest|pax|pp|day|night|hour|hr|h|week"
#: What is sold by the piece, after "per", "/" or "a" a price ("Ice 15/bag", "20/rod", "6.50 per gallon", "30 a
#: bottle"); not a boat, a cabin or a car, which say how many ride or sleep in each as often ("2 per cabin").
SOLD_BY = (
    r"bags?|bottles?|cans?|rods?|reels?|tickets?|gallons?|gal|lit(?:re|er)s?|ltr|kg|kilos?|lbs?|dozen|doz|pieces?"
    r"|pcs?|items?|units?|tanks?|sets?|licen[cs]es?|permits?"
)
NOTE_APIECE = re.compile(
    rf"[ \t]*(?:(?:pp|(?:per|/)[ \t]*(?:{PER}|{SOLD_BY})|an?[ \t]+(?:head|{SOLD_BY})|ea|apiece|each(?![ \t]+of\b))\b"
    r"|p\.p\.)",
    re.IGNORECASE,
)
#: What a party pays for by itself, before a small figure that nothing else names: its price as often as a count or
#: a place's number ("Parking 5", "Fuel 12", "Ice 8", "Bait 6", "Kayak hire 8"), so in doubt money. What says the
#: figure is a count or a place keeps it ("Ice 8 bags", "Fuel 12 gal", "Parking spot 5", "Parking: bay 5"), as does a
#: word of time or of quantity ("Fuel at 9", "Ice for 8", "Ice approx 8"). Not towels, counted for each guest.
_PAID_FOR = r"\b(?:parking|fuel|diesel|petrol|gas|ice|bait|cleaning|rentals?|rent|hire|dockage|corkage|linens?|laundry)"
PAID_FOR_BEFORE = re.compile(
    rf"{_PAID_FOR}"
    r"[ \t]*(?:[:=\-–(][ \t]*|(?:is|was)[ \t]+)?(?:\d{1,3}(?:[.,]\d\d?)?[ \t]*[xX×][ \t]*)?$",  # "Ice 2x8": both
    re.IGNORECASE,
)
#: What a party pays for, a count and the word of what it counts, before a figure: its price ("Ice 3 bags 8", "Ice 3
#: bags x 8", "Bait 2 dozen 8", "Ice 3 bags at 8"), unless a word after the figure says what it counts ("Rentals 2
#: kayaks 1 canoe").
PAID_FOR_COUNTED_BEFORE = re.compile(
    rf"{_PAID_FOR}[ \t]*:?[ \t]*\d{{1,3}}[ \t]+[^\W\d_]+[ \t]*(?:(?:[xX×@]|at\b)[ \t]*)?$", re.IGNORECASE
)
#: The same with "at" before the figure: its price, not a time ("Ice 3 bags at 8", "Bait 2 dozen at 6"), unless a word
#: of a time follows it ("Ice 3 bags at 8am").
PAID_FOR_COUNTED_AT = re.compile(rf"{_PAID_FOR}[ \t]*:?[ \t]*\d{{1,3}}[ \t]+[^\W\d_]+[ \t]+at[ \t]*$", re.IGNORECASE)
#: Months and days, beside a figure that is a date ("12 June", "June 12", "Sat 13"); "may" only before one ("May 12";
#: "400 may follow" is money).
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?"
)
WEEKDAYS = r"may|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
#: "x" and a figure after a figure: a product of a price and a count, not so many times something ("Lunch 25 x 6",
#: "25x6"; "3x life jackets" counts).
TIMES = re.compile(r"[ \t]*[xX][ \t]*\d")
#: Words after a figure that make it a count, not money ("Deposit 2 bags", "Rate: 5 knots", "4 adults"): a plural,
#: or one of these.
NOTE_COUNTED = re.compile(
    r"(?:guest|person|people|ppl|staff|men|women|man|woman|adult|kid|child|children|pax|passenger|crew|knot|kts?|kn|hours?|hrs?|h|mins?|minutes?"
    r"|miles?|nm|ft|feet|foot|m|km|gal|ltr|meters?|metres?|am|pm|x|cooler|bag|towel|bottle|jacket|night|day|week|years?|old"
    rf"|lbs?|kg|{MONTHS})",  # "12 June"
    re.IGNORECASE,
)
#: After a figure, what makes it a head count even with a word of money in between ("6 paid guests", "Paid 4 of 6
#: guests", "two paying adults", "the 4 of us").
NOTE_HEADCOUNT = re.compile(
    r"[ \t]+(?:(?:(?:un|pre)?paid|paying|of[ \t]+\w+)[ \t]+"
    r"(?:guests?|persons?|people|adults?|kids?|child(?:ren)?|pax|passengers?|seats?)|of[ \t]+(?:us|them)"
    r"|in[ \t]+(?:the|our|my|their|your|this)[ \t]+(?:group|party))\b",  # "about 30 in the group"
    re.IGNORECASE,
)
#: Words before a figure that say what it names, so that it is no money even among words of money ("Deposit paid,
#: slip 14", "ages 8 and 10", "party of 6", "Guests: 24", "Pier 39", "engine hours 1200", "June 12", "call 555
#: 0148"). Not a kind of guest ("adults 85, kids 40" is a price list) nor a word of a booking ("reservation 200").
NOTE_LABEL = re.compile(
    r"(?:slips?|docks?|piers?|berths?|gates?|cabins?|rooms?|ramps?|bays?|moorings?|buoys?|lots?|spots?|spaces?|stalls?"
    r"|rows?|seats?|sites?|lanes?|exits?|suites?|units?|lockers?|tables?|pontoons?|jett(?:y|ies)|wharf|floats?|no|nr"
    r"|number|channel|ch|vhf|party|group|family|fam|we|guests|pax|people|persons|passengers|ages?|aged|birthday|bday|turns|turning|length|loa|depth|draft|draught"
    r"|size|headcount|ref|reference|confirmation|conf"  # "Party size 30", "Headcount 35", "Booking ref 48213"
    r"|capacity|marker|zip|postcode"  # "Capacity 24", "Mile marker 24", "Zip 92101"
    rf"|beam|speed|weight|weighs|code|pin|flight|route|hwy|highway|exit|bus|train|enginehours|enginehrs|call|phone|tel|cell|mobile|whatsapp|{MONTHS}|{WEEKDAYS})",
    re.IGNORECASE,
)
#: Words naming a place before its number ("slip 14", "Cabin 2C", "Seats 12A").
PLACES = (
    r"slips?|docks?|piers?|berths?|gates?|cabins?|rooms?|bays?|moorings?|buoys?|lots?|spots?|stalls?|rows?|seats?"
    r"|sites?|lanes?|suites?|units?|lockers?|tables?|pontoons?|jett(?:y|ies)|floats?|decks?|bunks?|beds?|levels?"
    r"|floors?|no|nr|number"
)
#: A word naming a place before a number, a "#" or ":" between if any: an "A" or "C" against the number is the
#: place's letter ("Cabin 2C x 2", "Seats 12A x 1"), not adults or children.
PLACE_BEFORE = re.compile(rf"\b(?:{PLACES})[ \t]*[#:]?[ \t]*$", re.IGNORECASE)
#: A place's number, its letter if any, and an "x" before a figure: a single digit after it counts the place (nights,
#: boats, people: "Slip 14 x 2", "Cabin 2C x 2"); a larger one may price it ("Slip 14 x 45"). Not a bare number after
#: a plural word, which counts the places, the figure after it what each costs as often ("Lockers 2 x 5").
PLACE_TIMES = re.compile(
    rf"\b(?![^\W\d_]+s[ \t]+\d{{1,4}}[ \t]*[xX×])(?:{PLACES})[ \t]*[#:]?[ \t]*\d{{1,4}}[A-Z]?[ \t]*[xX×][ \t]*$", re.I
)
#: A currency no figure follows, its code in any case, but for a code that is also a word ("€", "USD", "eur", "sek";
#: not "USD 45", "ALL"): after a count and an "x", it is that figure's, not a price's after it ("Ice x9€", "x5 EUR").
CURRENCY_ALONE = (
    rf"(?!(?i:{'|'.join(sorted(WORD_CODES))})\b)(?:{CURRENCY}|(?i:{'|'.join(sorted(ISO_4217))}|kr)\b)(?![ \t]*\d)"
)
#: A figure's own currency after it ("x9€", "14x2 eur", "x5 EUR").
OWN_CURRENCY_AFTER = re.compile(rf"[ \t]?{CURRENCY_ALONE}")
#: A currency and a count after a figure glued to its "x": the currency is the figure's when what follows the count
#: is what it counts ("Bait x5 EUR 3 bags": 5 a bag).
OWN_CURRENCY_BEFORE_COUNT = re.compile(rf"[ \t]?{CURRENCY}[ \t]*\d{{1,3}}[ \t]+([^\W\d_]+)")
#: What after a place's count says it prices the place instead: a currency no figure follows, its code in any case
#: ("Slip 14x2€", "Cabin 3x2 USD", "x 2 sek"; not "Slip 14x2 USD 45", a count and its price), thousands ("x 2 k",
#: "x 2 thousand"), a range ("x 2-80"), the time it is paid by ("Lot 3 x 9 a day", "9 nightly"), or a word of money
#: ("Slip 14 x 2 surcharge", "x 2 + tax", "x 2 apiece").
PLACE_PRICED_AFTER = re.compile(
    rf"[ \t]*(?:{CURRENCY_ALONE}"
    r"|(?i:k|grand|hundred|thousand|mil|million|mn)\b|(?:[-–]|(?i:to)\b)[ \t]*\d"
    r"|(?i:(?:an?|per)[ \t]+(?:day|night|hour|hr|week|month)|daily|nightly|hourly|weekly|monthly)\b"
    rf"|(?i:(?:(?:\+|plus|incl?\.?|excl?\.?)[ \t]*)?(?:{NOTE_MONEY.pattern}|{MONEY_ALSO}|apiece|vat|gst))\b)"
)
#: What after a deck's, a bunk's or a level's number says it prices the place instead: as after a place's count, or
#: "extra" ("Deck 9 extra", "Deck 5 + tax", "Bed 10 nightly").
PLACE_NUMBER_PRICED_AFTER = re.compile(rf"{PLACE_PRICED_AFTER.pattern}|[ \t]*(?i:extra)\b")
#: Words before a figure written as a time that make it one ("Pickup 10.30 each", "at 9", "by 12", "@ 9"); not "back"
#: nor "return", which also say money given back. "@" before any other figure is a price ("3 adults @ 75").
NOTE_TIME_WORD = re.compile(
    r"(?:@|at|by|from|until|till|til|pickup|around|before|after|eta|etd|meet|meeting|start|starts|starting|depart"
    r"|departs|departure|departing|leaves|leaving|arrive|arrives|arrival|arriving|sails|sailing)",
    re.IGNORECASE,
)
#: Feet and inches written as marks ("38' sloop").
FEET = ("'", "’", "′", '"', "″")
#: Words naming a place before its number under 20 ("Deck 2", "Bunk 3", "level 2"); not when something says the figure
#: prices the place (`PLACE_NUMBER_PRICED_AFTER`, a word of money before it in its clause: "Tip bed 15").
PLACE_NUMBER_WORDS = frozenset({"deck", "decks", "bunk", "bunks", "bed", "beds", "level", "levels", "floor", "floors"})
#: Words before a figure under 20 that make it a count, an age or a place's number ("Gift card for 2", "kids under 5",
#: "Deck 2"); "for 300" and "over 200" may be money, and so may "Deck 150".
SMALL_COUNT_WORDS = frozenset({"for", "under", "over"}) | PLACE_NUMBER_WORDS
#: A place's number that `PLACE_NUMBER_WORDS` names just before a figure: the figure is an item of a price list the
#: figures before it start, as any word's ("Tips: skipper 40, deck 15": the deckhand's tip).
PLACE_NUMBER_BEFORE = re.compile(rf"\b(?:{'|'.join(sorted(PLACE_NUMBER_WORDS))})[ \t]*$", re.IGNORECASE)
YEAR = re.compile(r"(?:19|20)\d\d")
#: A street address after a figure ("1234 Ocean Ave", "12 N Harbor Dr"): a place, no money.
STREET_AFTER = re.compile(
    r"(?:[ \t]+[A-Z][\w'’.-]*){1,3}?[ \t]+(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct"
    r"|Court|Pl|Place|Hwy|Highway|Pkwy|Parkway|Ter|Terrace|Cir|Circle|Sq|Square|Quay)\b"
)
TIME_SHAPED = re.compile(r"(?:[01]?\d|2[0-4])(?:[.:h][0-5]\d)?")
#: Words that say a time whatever follows, before which a figure written as a 24-hour clock is one ("Pickup 0830",
#: "ETA 1430", "leaves 0900"): not "by", "at" or "from", before which "1200" may be money ("balance due by 1200").
NOTE_CLOCK_WORD = re.compile(
    r"(?:pickup|eta|etd|meet|meeting|start|starts|starting|depart|departs|departure|departing|leaves|leaving|arrive"
    r"|arrives|arrival|arriving|sails|sailing)",
    re.IGNORECASE,
)
CLOCK_SHAPED = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
#: Words before a 24-hour clock that make it one in a sentence with no word of money ("Late checkout at 1600", "Back
#: by 1730", "Slip 14 till 1800", "back @ 1530"); not "from", which prices as often ("from 1600 a week").
AT_CLOCK_WORD = re.compile(r"(?:@|at|by|until|till|til|before|after)", re.IGNORECASE)
#: A word of a time before "at", "by" or "@": the clock after them is one as after the word alone ("meet at 1745").
CLOCK_WORD_AT = re.compile(rf"\b(?:{NOTE_CLOCK_WORD.pattern})(?:[ \t]+(?:at|by)|[ \t]*@)[ \t]*$", re.IGNORECASE)
#: A word of a price before "at" or "by" and a figure: an amount, not a time ("Quoted at 1600", "Sold at 1500").
PRICED_AT = re.compile(
    r"\b(?:quoted|priced|sold|valued|billed|invoiced|capped|costed|budgeted|agreed|settled|comes|came|worked|works"
    r"|reduced|discounted|marked)(?:[ \t]+(?:out|down|up))?(?:[ \t]+(?:at|by)|[ \t]*@)[ \t]*$",
    re.IGNORECASE,
)
#: A 24-hour clock with its leading zero ("0815"): no amount is written so, and after any word of a time it is one
#: ("be at slip 12 by 0815", "from the Hilton at 0815").
ZERO_CLOCK = re.compile(r"0\d[0-5]\d")
#: A figure of five digits or more with a leading zero: a phone number or a code, no amount ("07700900123").
PHONE_SHAPED = re.compile(r"0\d{4,}")
#: What ends a 24-hour clock's words in a sentence of money: the end of its clause, or a place or a manner of its
#: time ("Pickup 0830, balance 400 cash", "Meet 0745 at slip 9, paid in full"); any other word after it may price it
#: ("Pickup 1500 extra, deposit paid").
CLOCK_ENDS = re.compile(r"[ \t]*(?:[,;.!?)\n]|$|(?:at|from|sharp|hrs|h|local)\b)", re.IGNORECASE)
#: The two words after a figure, or the two halves of a word joined by a hyphen ("20 life jackets", "2 no-shows").
TWO_WORDS_AFTER = re.compile(r"[ \t]+([^\W\d_]+)(?:[ \t]+|-)([^\W\d_]+)")
#: Words that describe nothing counted after a figure ("Paid 200 via PayPal", "200 on the day", "200 each way").
NOT_DESCRIBING = frozenset(
    {"a", "an", "the", "this", "that", "these", "those", "in", "on", "at", "by", "for", "with", "to", "from", "of",
     "via", "per", "each", "all", "both", "last", "next", "every", "and", "or", "plus", "less", "minus", "up", "down",
     "thanks", "pls", "please", "so", "as", "is", "was", "are", "were", "be", "been", "more", "extra", "total",
     "already", "still", "now", "later", "today", "yesterday", "tomorrow", "upfront", "before", "after"}
)  # fmt: skip
#: Words ending in s that are no plural of anything counted ("Paid 200 thanks", "200 towards the balance").
NOT_PLURALS = frozenset(
    {"less", "plus", "was", "is", "has", "as", "thus", "yes", "us", "this", "its", "his", "thanks", "pls", "plz",
     "thx", "tks", "cheers", "towards", "afterwards", "always", "besides", "unless", "perhaps", "ps", "sometimes"}
)  # fmt: skip
#: A note's sentences: a figure in one that speaks of money is money, unless something says what it is.
SENTENCE_END = re.compile(r"[.!?]+(?=[\s<]|$)|[;\n]")
#: A word of money that says nothing of money: "6 paid guests" counts guests, "24 total" sums a count.
PAID_HEADS = re.compile(
    r"\b(?:(?:un|pre)?paid|paying)(?=[ \t]+(?:guests?|persons?|people|adults?|kids?|children|pax|seats?)\b)"
    r"|(?<=\d)[ \t]+(?:in[ \t]+)?total\b(?![ \t]+(?:of|due|paid|cost|price)\b)",  # "24 total" sums a count
    re.I,
)
CLAUSE_BREAK = re.compile(r"[,;.!?)\n]")
NOTE_WORD = re.compile(r"[^\W\d_]+|\d+|@")
WORD_AFTER = re.compile(r"(?:[ \t]*|-)([^\W\d_]+)")  # "6 guests", "3-hour trip"
#: What joins the two figures of a pair, the second money when the first is ("Paid 200 of 400", "paid 200+200",
#: "Deposit 50% = 600", "Paid: 200/400").
PAIR_JOINER = re.compile(r"[ \t]*(?:[+/=\-–]|(?i:of|out of|and|plus|to))[ \t]*")  # "$200-250": a range of money
#: What joins two figures a word names both of ("ages 8 and 10", "slips 3 & 4", "at 9 or 10", "group 3 of 4").
NAMED_PAIR_JOINER = re.compile(r"[ \t]*(?:&|(?i:and|or|to|of))[ \t]*")
ANY_MONEY_WORD = re.compile(r"[^\W\d_]+")
#: A flight's word and its airline's code in capitals before its number ("flight DL 1432", "Flt B6 615").
FLIGHT = re.compile(r"\b(?i:flight|flt)[ \t]+(?:[A-Z]{2}|[A-Z]\d|\d[A-Z])[ \t]*$")

# What says a figure is a head count, an age or a count per something, without a word for what it counts.

#: The most a head count or an age in the notes is read as: a whole number of one or two digits. From 100 on, a
#: figure only a word of quantity or "for" names may as well be a price ("Lunch for 120", "Max 300").
MOST_COUNTED = 100
#: Words of a quantity before a figure ("approx 25", "Max 24", "up to 30", "~25", "at least 20"): a count in notes
#: that say nothing of money; in notes that do, a price is as likely ("Deposit 200, approx 400 on arrival").
QUANTITY_BEFORE = re.compile(
    r"(?:^|[^\w])(?:approx(?:imately)?|about|roughly|around|circa|ca|max(?:imum)?|min(?:imum)?|up[ \t]+to"
    r"|at[ \t]+(?:least|most)|no[ \t]+more[ \t]+than|~)\.?[ \t:]*$",
    re.IGNORECASE,
)
#: A product's second factor, then a colon and its total ("Lunch 6 x 15: 90", "6x12.50: 75", "6 x 15:90", "Lunch 6 @
#: 15: 90"): the factor
#: is a figure and the total is money's place, where "Dep 6 x 15:30" is a time (minutes after the colon). Each way the
#: factor may be written is a lookbehind of its own width.
TOTAL_AFTER_COLON = (
    "(?:"
    + "|".join(
        rf"(?<=[xX×@]{space}\d{{{digits}}}{cents})"
        for space in ("", " ")
        for digits in (1, 2, 3)
        for cents in ("", r"[.,]\d", r"[.,]\d\d")
    )
    + rf"):(?:[ \t]*{re.escape(HIDDEN_AMOUNT)}|[ \t]+\d|(?![0-5]\d(?!\d))\d)"  # "6 x 15: £90": its currency hid it
)
PRODUCT_COLON = re.compile(TOTAL_AFTER_COLON)
#: A product's second factor, a space and a colon before a figure: its total, where a time has no space ("6x15 :90").
SPACED_COLON_BEFORE = re.compile(r"[xX×][ \t]*\d{1,3}(?:[.,]\d\d?)?[ \t]+:[ \t]*$")
#: "total" after a figure: a sum of what came before it ("24 total", "24 in total").
QUANTITY_AFTER = re.compile(r"[ \t]+(?:in[ \t]+)?total\b", re.IGNORECASE)
#: A count times a figure right before a figure, a dash or "=" between if any: the figure is the product's total, as
#: often a price as a count ("Slip 14 x 2 - 80 total", "Lunch 6 x 25 = 150 total"), not a sum of heads.
#: An arrow before a product's total, read as "=" is ("Lunch 6 x 15 -> 90", "=> 90", "→ 90").
TOTAL_ARROW = r"(?:[-–=]+>|[→⇒⟶➔➜])"
PRODUCT_BEFORE = re.compile(rf"\d[ \t]*[xX×][ \t]*\d+(?:[.,]\d+)?[ \t]*(?:(?:{TOTAL_ARROW}|[-–=:])[ \t]*)?$")
#: Where people are, after a figure a word of quantity comes before: a head count beside money too ("Max 24 on
#: board, 1,200 all in"); not after a figure alone ("settle 180 on board" pays).
ABOARD = re.compile(r"[ \t]*(?:on[ \t]*board|aboard)\b", re.IGNORECASE)
#: A word of money or a price per head right after "on board": the figure before it is a price, not how many are on
#: board ("Max 24 onboard fee", "max 24 on board per head"); not "each" ("2 boats, max 12 on board each").
ABOARD_PRICED = re.compile(
    rf"[ \t]*(?:(?:{MONEY_ONLY}|charges?|surcharges?|rates?|pp)\b|p\.p\."
    r"|(?:per|/|an?)[ \t]*(?:person|head|guest|pax)\b)",
    re.IGNORECASE,
)
#: What is laid on for so many people, before "for" and a figure: a head count ("Lunch for 22", "life jackets for
#: 30", "table for 24"); not drinks, fuel or a charter, which are priced "for" as often ("Chartered for 300").
FOR_HEADS = re.compile(
    r"\b(?:lunch(?:es)?|dinners?|breakfasts?|brunch(?:es)?|meals?|food|catering|sandwiches|platters?|picnics?|bbq"
    r"|barbecue|seats?|seating|tables?|room|space|jackets|towels)[ \t]+for[ \t]*$",
    re.IGNORECASE,
)
#: Someone of the party and "is" before a figure: their age ("grandma is 82", "the birthday girl is 40", "he's 9").
AGE_OF = re.compile(
    r"\b(?:grand(?:ma|pa|mother|father|dad|mom|mum)|granny|nana|mom|mum|mother|dad|father|wife|husband|son|daughter"
    r"|uncle|aunt|brother|sister|boy|girl|he|she)(?:[ \t]+(?:is|was|will[ \t]+be|just[ \t]+turned)|['’]s)[ \t]*$",
    re.IGNORECASE,
)
#: A limit of a catch before a figure: a count per person, not a price ("Catch limit 20 per person", "bag limit 5").
CATCH_LIMIT = re.compile(
    r"\b(?:catch|bag|fish|keeper|possession|creel)[ \t]+limits?(?:[ \t]+(?:is|of))?[ \t:=\-]*$", re.IGNORECASE
)
#: A count of what carries a party before a figure under 20 "each": how many ride in each ("3 vans, 8 each", "2
#: boats, 12 each"); from 20 on "each" may be a price ("2 buses, 50 each"), after people it is one ("3 adults, 12
#: each"), and after cars too (parking is paid by the car: "3 cars, 15 each for parking").
CARRIERS = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten)[ \t]+(?:vans|minivans|buses|busses|shuttles|boats"
    r"|tenders|groups|teams)[ \t]*[,;:]?[ \t]*$",
    re.IGNORECASE,
)
EACH = re.compile(r"[ \t]*(?:each|ea|apiece)\b", re.IGNORECASE)
#: "each for" and what it is for after a figure: a price, even after vans or boats ("3 vans, 15 each for parking");
#: not a time ("2 boats, 12 each for 4 hours").
EACH_FOR = re.compile(r"[ \t]*(?:each|ea|apiece)[ \t]+for[ \t]+[^\W\d_]", re.IGNORECASE)
#: The rest of a range after its first figure ("20-25 guests", "20 to 25 guests", "20 or 25 people"): what comes
#: after its last figure says what both are.
RANGE = re.compile(r"[ \t]*(?:[-–]|(?:to|or)(?=[ \t]))[ \t]*(\d+)(?![\w:]|[.,]\d)", re.IGNORECASE)
#: A percent sign or word after a range's last figure: a range of rates ("tip 15-20%", "Tip 15 - 20 percent").
PERCENT_AFTER = re.compile(r"[ \t]?(?:%|(?i:percent|per cent)\b)")
#: What joins the two figures of a range ("300-400", "1,200 – 1,500", "300 to 400").
RANGE_JOINER = re.compile(r"[ \t]*(?:[-–]|(?:to|or)(?=[ \t]))[ \t]*", re.IGNORECASE)
#: A word of money at once after a head count "for" names: it prices what is laid on ("Lunch for 45, paid").
PAID_AFTER = re.compile(r"[ \t]*(?:[,:\-–][ \t]*)?(?:paid|prepaid|due|owed|owing|charged|cash)\b", re.IGNORECASE)
#: The next item of a price list after a figure: a word before the figure, after a comma, a slash, a bar, a dash or
#: a space ("Bait 40, ice 15", "Adults 85, kids: 12", "Bait 40 - ice 15", "Adults 85 kids 5", "Bait (40), ice (15)"),
#: and the word before a list's first figure ("Bait 40"); not an "x" ("Lunch 25 x 6").
LIST_APART = r"\)?[ \t]*(?:[,/|&+\-–][ \t]*|(?i:and|plus)[ \t]+)?"  # "Bait 40 and ice 15"
LIST_NEXT_ITEM = re.compile(rf"{LIST_APART}(?P<word>(?![xX]\b)[^\W\d_]+)[ \t]*[:(]?[ \t]*")
LIST_ITEM_WORD = re.compile(r"([^\W\d_]+)[ \t]*[:(]?[ \t]*$")
#: The next item of a price list after a sentence's end or on the next line ("Bait 40. Ice 15", "Bait 40\nIce 15").
LIST_NEXT_LINE = re.compile(r"\)?[ \t]*(?:[.;!?]+|\n)[ \t\n]*(?P<word>[^\W\d_]+)[ \t]*[:(]?[ \t]*")
#: The second figure of a price list's item ("kids 12 and 9").
LIST_PAIR = re.compile(r"[ \t]*(?:&|(?i:and))[ \t]*")
#: The most guests of one kind a price list is read to count: from 20 on, a kind of guest's figure is as often its
#: price (a head count that large is written before its kind: "22 adults"), so in doubt a price, and a single digit
#: after another kind of guest in that list a price too ("Adults 45, kids 5", "Adults 85, kids 5"); under it, that
#: single digit is their count ("Adults 12, kids 4"). Until 2026-12-07's fifteenth session it was 50.
MOST_OF_A_KIND = 20
#: Kinds of guest, after which a single digit in a price list is read as their count ("Adults 22, kids 4").
GUEST_KINDS = re.compile(
    r"(?:adults?|kids?|child(?:ren)?|infants?|bab(?:y|ies)|toddlers?|teens?|teenagers?|seniors?|students?)",
    re.IGNORECASE,
)
#: A kind of guest and a figure after a figure, its count after an "x" if any: the next item of a list, not what the
#: figure counts ("Adults 85 kids 5", "Deposit 200 kids 4", "Balance 400 guests 6", "Deposit 85 kids x1 5", "Balance
#: 300 kids x2"; "4 adults 2 kids" counts).
NEXT_GUEST_ITEM = re.compile(
    rf"[ \t]+(?:{GUEST_KINDS.pattern}|guests?|people|pax|persons?|passengers?)[ \t]*:?[ \t]*\(?[ \t]*"
    r"(?:[xX×][ \t]*)?\d",
    re.IGNORECASE,
)
#: After a figure a kind of guest names, the next kind of guest with a single digit ("Adults 22, kids 4", "Adults 22
#: kids 4", one a line too): a list that counts heads, not one that prices them.
NEXT_GUEST_COUNT = re.compile(
    rf"(?:{LIST_APART}|[ \t]*(?:[.;!?]+|\n)[ \t\n]*){GUEST_KINDS.pattern}[ \t]*:?[ \t]*\d(?![\w:]|[.,]\d)",
    re.IGNORECASE,
)
#: After a figure a plural word names ("Ages 4"), the rest of a list it names whole: figures after commas up to an
#: "and" or the end of the sentence ("Ages 4, 7, 12 and 45", "Slips 3, 4, 5"); not "Ages 4 and 7, 100 on arrival".
LIST_COMMA = re.compile(r"[ \t]*,[ \t]*")
LIST_REST = re.compile(r"(?:[ \t]*,[ \t]*\d+)*(?:,?[ \t]*(?:and|&)[ \t]*\d+\b|[ \t]*(?:[.;!?)\n]|$))", re.IGNORECASE)
