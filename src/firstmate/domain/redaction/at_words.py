"""The words of a booking's notes around "@": what makes the figure after it a price of each ("Lunch 6 @ 15", "Lunch @
15", "1 kid @ 5") and what a time ("Meet @ 12.30", "Pickup 6 @ 10", "Lunch 6 @ 7pm")."""

from __future__ import annotations

import re

from firstmate.domain.redaction.amounts import CURRENCY, HIDDEN_AMOUNT, SPELLED
from firstmate.domain.redaction.note_words import GUEST_KINDS, NOTE_CLOCK_WORD, NOTE_LABEL, PLACE_NUMBER_WORDS

#: A count of something before "@" and a figure, or a count times a figure: a price of each, not a time ("1 kid @ 5",
#: "2x adults @ 15", "Table 4 x 6 @ 8"; "Pickup @ 9.30").
COUNTED_AT = re.compile(r"(?:\d+(?:[ \t]*[xX×])?[ \t]+[^\W\d_]+|[xX×][ \t]*\d+)[ \t]*@[ \t]*$")
#: A count after the word of what it counts, then "@" ("Lunch 6 @", "Ice: 3 @"): a whole figure after it prices each,
#: as after "6 lunches @", unless the word names a place or a time (`NOT_COUNTED_AT`: "Slip 6 @ 10", "Pickup 6 @ 10").
WORD_COUNT_AT = re.compile(
    r"(?<![\w.,:])(?P<word>[^\W\d_]+)[ \t]*:?[ \t]*(?:\d{1,3}|\([ \t]*\d{1,3}[ \t]*\))[ \t]*@[ \t]*$"
)  # "Lunch (6) @"
#: A word and "@" with no count between ("Lunch @", "back @"): the figure after "@" prices the thing the word names,
#: unless the word is one of a time, a place or who is to be there (`AT_TIME_WORDS`: "back @ 1530", "Crew @ 7").
WORD_AT = re.compile(r"(?<![\w.,:])(?P<word>[^\W\d_]+)[ \t]*@[ \t]*$")
#: "@" and a price after a figure the word of what it counts comes before: the figure is a count ("Ice 3 @ 8", "Lunch
#: 6 @ 15", "Lunch 6 @ fifteen", "Lunch 6 @ £15", "Lunch (6) @ 15"); not "kids 12 @ the dock".
COUNT_BEFORE_AT = re.compile(rf"[ \t]*\)?[ \t]*@(?=[ \t]*(?:\d|{re.escape(HIDDEN_AMOUNT)}|{CURRENCY}|(?i:{SPELLED})))")
#: Words before a count and "@" that make the figure after "@" a time: a place's or a thing's number, or a word of a
#: time ("Slip 6 @ 10", "Day 2 @ 9", "Boat 2 @ 9", "Pickup 6 @ 10", "Dep 6 @ 7"); a word of heads still counts them
#: ("Pax 6 @ 15" prices each).
_TIMED_WORDS = (
    rf"{NOTE_LABEL.pattern}|{NOTE_CLOCK_WORD.pattern}|{'|'.join(PLACE_NUMBER_WORDS)}|dep|dept|back|return"
    r"|day|night|week|trip|tour|boat|leg|stop|run|round|session|slot|wave|shift|dive|heat|game|race|class|lesson"
)
NOT_COUNTED_AT = re.compile(
    rf"(?!(?:guests|pax|people|persons|passengers|party|group|family|fam)$)(?:{_TIMED_WORDS})", re.IGNORECASE
)
#: Words before "@" with no count between that make the figure after it a time: those of `NOT_COUNTED_AT` (a place, a
#: time: "Meet @ 12.30", "back @ 1530", "Pickup @ 9", "Slip @ 9"), who is to be there ("Crew @ 7", "All @ 9.30") and
#: what happens then ("Boat ready @ 9", "All aboard @ 9", "High tide @ 1430", "Lunch served @ 12.30");
#: after any other word the figure prices what it names ("Lunch @ 15", "Charter @ 1800"), a kind of guest too ("Adults
#: @ 15").
AT_TIME_WORDS = re.compile(
    rf"(?!(?:guests|pax|people|persons|passengers)$)(?:{_TIMED_WORDS}"
    r"|crew|captain|capt|skipper|mate|deckhand|everyone|everybody|all|us|boarding|board|aboard|onboard|ashore|shore"
    r"|there|here|ready|served|serve|open|opens|close|closes|closing|done|finish|finished|ends|tide|sunset|sunrise"
    r"|home|marina|harbou?r|hotel|lobby)",
    re.IGNORECASE,
)
#: The word of a time earlier in the clause before "@", no figure between: the figure after "@" is that time ("Pickup
#: at the Hilton @ 9.30", "Meet Lunch 6 @ 12.30"; not "Pickup 6 adults, lunch @ 15").
TIME_WORD_BEFORE_AT = re.compile(
    rf"\b(?:{NOTE_CLOCK_WORD.pattern}|dep|dept|back|return)\b[^\d@]*@[ \t]*$", re.IGNORECASE
)
#: A kind of guest or of heads before its count and "@": a clock's shape after them stays a time ("Adults 2 @ 9.30",
#: "Crew 6 @ 9.30"), a whole figure is a price ("Adults 2 @ 15"; "Crew 2 @ 9" in doubt).
HEADS_AT = re.compile(
    rf"(?:{GUEST_KINDS.pattern}|guests?|people|pax|persons?|passengers?|party|group|family|fam|crew)", re.IGNORECASE
)  # "Party 6 @ 9.30", "Family (4) @ 9.30": when the party comes
#: A figure after a word and "@", no count between, shaped as crew write a time of the day: a whole hour up to 12 or
#: a quarter hour ("Dinner @ 7", "Sail @ 9", "Ceremony @ 5.30", "Flight lands @ 14.30"); not "Lunch @ 12.50" or "@ 15".
HOUR_SHAPED = re.compile(r"(?:[1-9]|1[0-2])|(?:[01]?\d|2[0-3])\.(?:00|15|30|45)")
#: A price after "@" near such a figure: a figure no hour can be, or a currency's sign ("Drinks @ 6, lunch @ 15",
#: "Beer @ 5, lunch @ 12.50").
PRICE_AT_NEAR = re.compile(
    rf"@[ \t]*(?:{CURRENCY}|{re.escape(HIDDEN_AMOUNT)}|(?:1[3-9]|[2-9]\d|[1-9]\d\d)(?![\d:.])"
    r"|\d{1,3}[.,](?!00|15|30|45)\d\d(?!\d))"
)
#: A span of hire before "@": the 24-hour clock's shape after it is a price ("Full day @ 1800", "Extra hour @ 1500").
HIRED_AT = re.compile(r"\b(?:days?|half[ \t-]?days?|hours?|hrs?|nights?|weeks?|months?)[ \t]*@[ \t]*$", re.IGNORECASE)
#: What after a figure says it is a time of day ("Lunch 6 @ 7 sharp", "@ 7 pm", "@ 7 o'clock").
CLOCK_AFTER = re.compile(r"[ \t]*(?:sharp|hrs?|h|local|o'?[ \t]?clock|[ap]\.?m\b\.?)(?!\w)", re.IGNORECASE)
