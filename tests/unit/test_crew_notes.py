"""What crew read of a booking's notes: its amounts of money hidden, every other figure as written."""

from __future__ import annotations

import pytest

from firstmate.domain.bookings import MAX_NOTES
from firstmate.domain.redaction import HIDDEN_AMOUNT, crew_notes

#: Words enough to put a word of money further back in a clause than the words read near a figure.
_FAR = "for the whole week with fuel ice bait and the cleaning of the boat after the trip and the crew lunch"

MONEY = [
    ("Deposit 200 paid", "Deposit … paid"),
    ("Owner share 624", "Owner share …"),
    ("paid 350 cash", "paid … cash"),
    ("balance due 1200 on arrival", "balance due … on arrival"),
    ("Balance: 1,200.00", "Balance: …"),
    ("Payout - $624", "Payout - …"),
    ("owner payout usd 524", "owner payout …"),
    ("net payout after fees 624.00 USD", "net payout after fees …"),
    ("Captain pay: 150", "Captain pay: …"),
    ("200 deposit received", "… deposit received"),
    ("Tip of 50 for the crew", "Tip of … for the crew"),
    ("Total: 1290", "Total: …"),
    ("Deposit 215 paid, 6 guests, slip 14", "Deposit … paid, 6 guests, slip 14"),
    ("Paid 1.2k up front", "Paid … up front"),
    ("bring 20€ for parking", "bring … for parking"),
    # a review: amounts after a verb or an app the rules did not know, and amounts in words, reached crew
    ("collected 350", "collected …"),
    ("Collected 350 from Rob at the dock", "Collected … from Rob at the dock"),
    ("Venmo 200", "Venmo …"),
    ("Zelle 150", "Zelle …"),
    ("paid via venmo 200", "paid via venmo …"),
    ("cash app 40", "cash app …"),
    ("PayPal: 80", "PayPal: …"),
    ("received 300 by zelle", "received … by zelle"),
    ("balance 300 in cash", "balance … in cash"),
    ("200 via Venmo", "… via Venmo"),
    ("cash 300 on board", "cash … on board"),
    ("owes 120", "owes …"),
    ("guest still owes us 120", "guest still owes us …"),
    ("tip 50 included", "tip … included"),
    ("two hundred paid", "… paid"),
    ("fifty bucks for fuel", "… bucks for fuel"),
    ("Deposit of two hundred fifty received", "Deposit of … received"),
    ("balance due one thousand two hundred on arrival", "balance due … on arrival"),
    ("owes one hundred and twenty", "owes …"),
    # what one is paid: a share of it is as private as its amount
    ("Captain pay: 30%", "Captain pay: …"),
    ("owner share 70 %", "owner share …"),
    # a review: an amount written as another country writes it, or with a currency the rules did not know,
    # reached crew whole or in part
    ("€ 1.200,50 paid", "… paid"),
    ("1.200,50 €", "…"),
    ("200,00 € Anzahlung", "… Anzahlung"),
    ("EUR 1.200,00", "…"),
    ("USD 200,00", "…"),
    ("1 200 € payé", "… payé"),
    ("balance 1 200", "balance …"),
    ("balance 1'200 CHF", "balance …"),
    ("Deposit 1.200,50 received", "Deposit … received"),
    ("1.200 kr", "…"),
    ("kr 300 i depositum", "… i depositum"),
    ("200 zł", "…"),
    ("200,-", "…"),
    ("Preis 1.200,- inkl. Skipper", "Preis … inkl. Skipper"),
    ("₹500", "…"),
    ("20000円", "…"),
    ("R$ 200", "…"),
    ("US$300", "…"),
    ("Rs. 500", "…"),
    ("USD200", "…"),
    ("200USD", "…"),
    ("paid 300NOK", "paid …"),
    ("$85pp", "…pp"),
    ("$.50 a can", "… a can"),
    # markup left in the notes, and a figure in brackets
    ("Deposit: <span>200</span>", "Deposit: <span>…</span>"),
    ("deposit&nbsp;200", "deposit&nbsp;…"),
    ("Deposit (200)", "Deposit (…)"),
    # a review: money words in other languages, English words of money the rules did not know, the second
    # figure of a pair, an HTML entity for a sign and a currency named in words reached crew
    ("Kaution 200 bezahlt", "Kaution … bezahlt"),
    ("Anzahlung: 200", "Anzahlung: …"),
    ("payé 1200", "payé …"),
    ("acompte 300", "acompte …"),
    ("depósito 200", "depósito …"),
    ("pagado 200", "pagado …"),
    ("Preis 200", "Preis …"),
    ("Trinkgeld 20", "Trinkgeld …"),
    ("prix 90", "prix …"),
    ("precio 90", "precio …"),
    ("to collect 600", "to collect …"),
    ("Collect 600 at dock", "Collect … at dock"),
    ("refunded 200", "refunded …"),
    ("surcharge 40", "surcharge …"),
    ("Price per person 85", "Price per person …"),
    ("85 per person", "… per person"),
    ("85 pp", "… pp"),
    ("Crew gets 300", "Crew gets …"),
    ("300 each", "… each"),
    ("Gift card 100", "Gift card …"),
    ("gift certificate 150", "gift certificate …"),
    ("Paid 200 of 400", "Paid … of …"),
    ("paid 200+200", "paid …+…"),
    ("Deposit 50% = 600", "Deposit 50% = …"),
    ("Paid: 200/400", "Paid: …/…"),
    ("&#36;200", "…"),
    ("200 pesos", "… pesos"),
    ("200&euro; paid", "… paid"),
    ("TRY 200,00", "…"),
    ("Deposit paid, ALL 200", "Deposit paid, …"),
    # a review: a pound named in words, a price per head under 20 and a figure nothing named in a sentence (or notes)
    # of money reached crew: a figure nothing says anything of is money when its sentence speaks of money
    ("200 pounds", "… pounds"),
    ("Balance 200 pounds on the day", "Balance … pounds on the day"),
    ("15 per head", "… per head"),
    ("12pp", "…pp"),
    ("Drinks 8pp, paid on board", "Drinks …pp, paid on board"),
    ("Kids 12pp, adults 25pp", "Kids …pp, adults …pp"),
    ("lunch 15/head", "lunch …/head"),
    ("Snacks 5 p.p.", "Snacks … p.p."),
    ("ice 4 each", "ice … each"),
    ("Paid 200, rest 400 on arrival", "Paid …, rest … on arrival"),
    ("Paid 200. Rest 400 on arrival.", "Paid …. Rest … on arrival."),
    ("Deposit received; 400 on arrival", "Deposit received; … on arrival"),
    ("Deposit paid, 40 on the boat", "Deposit paid, … on the boat"),
    ("Paid 150, 150 to go", "Paid …, … to go"),
    ("Half paid (150), other half on the day", "Half paid (…), other half on the day"),
    ("Cash on board 15", "Cash on board …"),
    ("Adults 85, kids 40, deposit paid", "Adults …, kids …, deposit paid"),
    ("Owner rate applies: 350 for the day", "Owner rate applies: … for the day"),
    ("Paid 2 grand up front", "Paid … grand up front"),
    ("balance 300 due on the day", "balance … due on the day"),
    ("£200", "…"),
    ("$ 200", "…"),
    ("200 GBP", "…"),
    ("CHF 200", "…"),
    ("200 quid", "… quid"),
    ("200 bucks", "… bucks"),
    ("tip 50", "tip …"),
    ("cash 100", "cash …"),
    ("owes 150", "owes …"),
    ("two-fifty cash", "… cash"),
    ("half paid (150)", "half paid (…)"),
    (
        "Deposit 200 paid\nRest 400 on arrival, party of 6, slip 14\nPickup 10.30 each",
        "Deposit … paid\nRest … on arrival, party of 6, slip 14\nPickup 10.30 each",
    ),
    ("Paid in full. Skipper tip 50 at the end, 6 guests", "Paid in full. Skipper tip … at the end, 6 guests"),
    ("Comped 2 drinks; charged 18 for ice", "Comped 2 drinks; charged … for ice"),
    ("3 hr sunset trip, 6 pax, 450 all in", "3 hr sunset trip, 6 pax, … all in"),
    ("2 kids under 5 (free), 3 adults @ 75", "2 kids under 5 (free), 3 adults @ …"),
    ("Boat fee 1200/day", "Boat fee …/day"),
    ("Skipper 150 per hour", "Skipper … per hour"),
    ("Paid 200 thanks", "Paid … thanks"),
    (
        "Deposit 250 received via Stripe. Balance 750 due 48h before departure.",
        "Deposit … received via Stripe. Balance … due 48h before departure.",
    ),
    (
        "Birthday party - 12 guests, cake in cooler. Balance on arrival: 480",
        "Birthday party - 12 guests, cake in cooler. Balance on arrival: …",
    ),
    ("Paid deposit of $ 200. Remaining 800.", "Paid deposit of …. Remaining …."),
    ("Lunch for 10 guests, 25 each", "Lunch for 10 guests, … each"),
    # a review: a figure grouped with a comma was read as its first group, under 20 ("1,150" as 1)
    ("Total: 1,150", "Total: …"),
    ("Grand total 1,290", "Grand total …"),
    ("Crew gets 1,200", "Crew gets …"),
    ("Deposit paid. 1,150 on arrival", "Deposit paid. … on arrival"),
    # a review: money no word of money named, in notes with none, reached crew: a figure from 20 on that nothing
    # names is hidden wherever it stands
    ("Sent 300 by bank transfer", "Sent … by bank transfer"),
    ("Transferred 500 yesterday", "Transferred … yesterday"),
    ("Guest will settle 180 on board", "Guest will settle … on board"),
    ("Quoted 900 for 4 hrs", "Quoted … for 4 hrs"),
    ("Agreed 750 with the owner", "Agreed … with the owner"),
    ("200 down, 400 on the day", "… down, … on the day"),
    ("Half now half later: 400 / 400", "Half now half later: … / …"),
    ("Extra hour 150", "Extra hour …"),
    ("Fuel: approx 60 gallons, 350", "Fuel: approx 60 gallons, …"),
    ("150 pending", "… pending"),
    ("Gift 50 for the captain", "Gift … for the captain"),
    ("Chartered for 2k", "Chartered for …"),
    ("Captain gets 30 percent", "Captain gets …"),
    ("Deposit 200 bank transfers", "Deposit … bank transfers"),
    # in doubt, hidden: a figure nothing names, in a sentence of money
    ("Deposit paid, 1 service dog", "Deposit paid, … service dog"),
    ("Deposit paid. Owner use 2026", "Deposit paid. Owner use …"),
    ("Deposit paid, Boston Whaler 27", "Deposit paid, Boston Whaler …"),
    # the words that name a group's size, a flight or a reference name no amount beside them
    ("Party size 30, paid 600", "Party size 30, paid …"),
    ("Flight DL 1432, balance 300 cash", "Flight DL 1432, balance … cash"),
    ("Booking ref 48213, 450 on arrival", "Booking ref 48213, … on arrival"),
    ("Paid $300 in the group chat", "Paid … in the group chat"),
    # a 24-hour clock is one after a word of a time alone: in a sentence of money, or after "by", it may be money
    ("Deposit due by 1200", "Deposit due by …"),
    ("Pickup 1500 extra, deposit paid", "Pickup … extra, deposit paid"),
    ("Pickup 0830. Paid 1200", "Pickup 0830. Paid …"),
    # a review: a pickup time read "[amount hidden]" in a sentence of money; in doubt still, a clock with a word after
    # it that may price it
    ("Pickup 0830, balance 400 cash", "Pickup 0830, balance … cash"),
    ("Pickup 0830, $400 cash on board", "Pickup 0830, … cash on board"),
    ("ETA 1430; deposit 200 paid, rest 650 at the dock", "ETA 1430; deposit … paid, rest … at the dock"),
    ("Pickup 1500 extra, deposit 200 paid", "Pickup … extra, deposit … paid"),
    ("Pickup 1500 for 6, deposit paid", "Pickup … for 6, deposit paid"),
    ("Pickup 1500 paid, balance 400", "Pickup … paid, balance …"),
    ("Budget max 500", "Budget max …"),
    # a review: figures crew need read as counts, ages, ranges and limits; money beside each is hidden as before
    ("Lunch for 22, 35 pp", "Lunch for 22, … pp"),
    ("Max 24 on board, 1,200 all in", "Max 24 on board, … all in"),
    ("approx 25 paid", "approx … paid"),
    ("Ages 4 and 45, 45 each", "Ages 4 and 45, … each"),
    ("Ages 4, 7, 12 and 45. Balance 450 cash", "Ages 4, 7, 12 and 45. Balance … cash"),
    ("Ages 4 and 7, 100 on arrival", "Ages 4 and 7, … on arrival"),
    ("Slip 14, 400.", "Slip 14, …."),
    ("20-25 guests, 40 pp", "20-25 guests, … pp"),
    ("20-25 per person", "…-… per person"),
    ("$200-250", "…-…"),
    ("grandma is 82, balance 400", "grandma is 82, balance …"),
    ("Catch limit 20 per person, 85 pp", "Catch limit 20 per person, … pp"),
    ("3 vans, 8 each, 40 each for the transfer", "3 vans, 8 each, … each for the transfer"),
    ("2 buses, 50 each", "2 buses, … each"),
    ("3 adults, 12 each", "3 adults, … each"),
    ("3 cars, 15 each for parking", "3 cars, … each for parking"),
    ("Tip max 50 on board", "Tip max … on board"),
    ("Paid lunch for 30", "Paid lunch for …"),
    ("Deposit paid, 24 total", "Deposit paid, … total"),
    ("Deposit 200, approx 400 on arrival", "Deposit …, approx … on arrival"),
    ("Lunch for 120", "Lunch for …"),
    ("Catering for 1,200", "Catering for …"),
    ("Charter 120 total", "Charter … total"),
    ("Max 300", "Max …"),
    # a kind of guest before a figure names its price as often as its count: in doubt, hidden, unless a single digit
    # after another kind of guest says the list counts heads, in notes that say nothing of money, under 20 (the
    # fifteenth session: from 20 to 49 such a list read as head counts, and "Adults 45, kids 5" showed its prices)
    ("Adults 22, kids 4. Deposit 200 paid", "Adults …, kids …. Deposit … paid"),
    ("Adults 12, kids 4. Deposit 200 paid", "Adults 12, kids 4. Deposit … paid"),
    ("Adults 45, kids 5", "Adults …, kids …"),
    ("Adults 22, kids 4", "Adults …, kids …"),
    ("Adults 22 kids 4", "Adults … kids …"),
    ("Adults 22 / kids 4 and 6", "Adults … / kids … and …"),
    ("Adults 22\nKids 4\nMeet 0800 at dock 3", "Adults …\nKids …\nMeet 0800 at dock 3"),
    ("Family reunion: adults 40, kids 6 and 3", "Family reunion: adults …, kids … and …"),
    ("Adults 22, kids 4, deposit paid", "Adults …, kids …, deposit paid"),
    ("Adults 22, kids 14", "Adults …, kids …"),
    ("Adults 60, kids 4", "Adults …, kids …"),
    # a review: a small price after a hidden one in a price list, a price "each for" something after vans, and a
    # count with a word of money at once after it reached crew; a list a count, a place or an age breaks stays
    ("Bait 40, ice 15", "Bait …, ice …"),
    ("Adults 85, kids 12; adults 2, kids 3", "Adults …, kids …; adults 2, kids 3"),
    ("Bait 40, ice 15, gloves 8", "Bait …, ice …, gloves …"),
    ("Adults 85, kids: 12", "Adults …, kids: …"),
    ("Slip 14, gate 3, bait 40, ice 15", "Slip 14, gate 3, bait …, ice …"),
    ("Ages 6 and 9, bait 40, ice 15", "Ages 6 and 9, bait …, ice …"),
    ("Bait 40, ice 15, slip 14, gate 3", "Bait …, ice …, slip 14, gate 3"),
    (
        "Boston Whaler 27, 2 coolers, kids 5 and 7. Bait 40, ice 15",
        "Boston Whaler …, 2 coolers, kids 5 and 7. Bait …, ice …",
    ),
    ("Adults 85, kids 12, infants 4", "Adults …, kids …, infants …"),
    ("3 vans, 15 each for parking", "3 vans, … each for parking"),
    (
        "2 boats, 12 each for 4 hours; 3 vans, 15 each for parking",
        "2 boats, 12 each for 4 hours; 3 vans, … each for parking",
    ),
    ("Lunch for 45, paid", "Lunch for …, paid"),
    ("Lunch for 12 - paid", "Lunch for … - paid"),
    ("Lunch for two, paid. Lunch for 22. Lunch for 45, paid", "Lunch for two, paid. Lunch for 22. Lunch for …, paid"),
    # a review: the second figure of a range whose first was hidden in doubt reached crew ("…-400"), and a figure
    # with a smaller one after a dash was read as a range with it, its amount kept for the count after it
    ("300-400 on the day", "…-… on the day"),
    ("Quote was 300-400 depending on fuel", "Quote was …-… depending on fuel"),
    ("Budget 1.5k-2k", "Budget …-…"),
    ("Expect 1,200 – 1,500 all in", "Expect … – … all in"),
    ("Deposit 200 - 6 guests", "Deposit … - 6 guests"),
    ("Paid 200-6 guests", "Paid …-6 guests"),
    # a review: a price list's small items reached crew: a kind of guest's single digit after a price no head count
    # reaches ("Adults 85, kids 5"), a second figure of an item ("kids 12 and 9"), and a list carried on past a
    # sentence's end or a line, or after a price with its currency; a word of money starts no such list
    ("Adults 85, kids 5", "Adults …, kids …"),
    ("Adults 85, kids 5 and 7. Meet at 9", "Adults …, kids … and …. Meet at 9"),
    ("Adults 85, kids 12 and 9", "Adults …, kids … and …"),
    ("Bait 40. Ice 15", "Bait …. Ice …"),
    ("Bait 40\nIce 15\nGloves 8\nSlip 14", "Bait …\nIce …\nGloves …\nSlip 14"),
    ("Bait $40. Ice 15", "Bait …. Ice …"),
    ("Adults $85\nKids 5", "Adults …\nKids …"),
    ("Adults 30, kids 12, infants 4", "Adults …, kids …, infants …"),  # from 20 on a kind's figure prices the list
    ("Adults 22.50, kids 4", "Adults …, kids …"),
    # a review: a time crew need read "[amount hidden]": a 24-hour clock with its leading zero before a word of money
    # or after no word at all, and one after "at", "by" or "till" in a sentence of its own; in doubt still, after a
    # word of a price or in a sentence of money
    ("ETA 0930 balance 400", "ETA 0930 balance …"),
    ("8 guests, 0930 departure, paid 2/3 of 1500", "8 guests, 0930 departure, paid 2/3 of …"),
    ("Late checkout at 1600. Paid 2,000", "Late checkout at 1600. Paid …"),
    ("Slip 14 till 1800. Dock fee 35", "Slip 14 till 1800. Dock fee …"),
    ("Quoted at 1600", "Quoted at …"),
    ("Deposit due by 1200. Back by 1730", "Deposit due by …. Back by 1730"),
    ("Sold at 1500, meet at 1600", "Sold at …, meet at 1600"),
    # a review: a price per bag, bottle, rod or gallon reached crew as written
    ("Bait 40, ice 15/bag", "Bait …, ice …/bag"),
    ("Ice 15 per bag, 4 bags", "Ice … per bag, 4 bags"),
    ("Ice 5 a bag", "Ice … a bag"),
    ("rod rental 20/rod", "rod rental …/rod"),
    ("Fuel 6.50/gallon", "Fuel …/gallon"),
    ("Beer 3 per can, wine 30 a bottle", "Beer … per can, wine … a bottle"),
    ("Deposit 250, call 07700 900123", "Deposit …, call 07700 900123"),
    ("balance 1 200 000", "balance …"),
    # a review: a staff's shorthand or misspelling of a word of money left a small amount, or a guess of one, shown
    ("Fuel surchage 12% this month, approx 85 on a half day", "Fuel surchage 12% this month, approx … on a half day"),
    ("Bal 12 at the dock", "Bal … at the dock"),
    ("Depo 15 recieved", "Depo … recieved"),
    ("pd 15, pymt 15, amt 15", "pd …, pymt …, amt …"),
    ("Deposite 15, payed 15, balence 15", "Deposite …, payed …, balence …"),
    ("ice 15 pd", "ice … pd"),
    # a review: two amounts a space apart after a word of money were read as a phone number
    ("Total 2400 1200 paid", "Total … … paid"),
    ("Deposit paid 1500 2500 due", "Deposit paid … … due"),
    # a review: a price times a count was read as so many times something ("Lunch 25 x 6"), or not read at all
    ("Lunch 25 x 6", "Lunch … x 6"),
    ("Lunch 25x6 = 150", "Lunch …x6 = …"),
    ("6 x 25 lunch", "6 x … lunch"),
    # a review: thousands written with a capital K were not read at all
    ("Paid 2K", "Paid …"),
    ("Deposit 1.5K, 6 guests", "Deposit …, 6 guests"),
    ("Budget 3K-4K", "Budget …-…"),
    ("Captain pay 20-30%", "Captain pay …-…"),
    ("owner share 60-70 %", "owner share …-…"),
    # a review: a price list's items apart by a space, a dash, a bar or a slash, or in brackets, and a price after
    # "@" under 10, reached crew
    ("Adults 85 kids 5", "Adults … kids …"),
    ("Adults 85 / kids 5", "Adults … / kids …"),
    ("Bait 40 - ice 15", "Bait … - ice …"),
    ("Bait 40 | ice 15", "Bait … | ice …"),
    ("Fuel 180 ice 15", "Fuel … ice …"),
    ("Bait (40), ice (15)", "Bait (…), ice (…)"),
    ("2 adults @ 85, 1 kid @ 5", "2 adults @ …, 1 kid @ …"),
    # a review: an amount after a word of money was read as a count of the kind of guest the next figure counts
    ("Deposit 200 kids 4", "Deposit … kids …"),
    ("Paid 350 adults 4 kids 2", "Paid … adults … kids …"),
    ("Balance 400 guests 6", "Balance … guests 6"),
    ("Cash 300 kids 6 and 9", "Cash … kids … and …"),
    # a review: a small amount after a verb of money the rules did not know reached crew
    ("Tipped 15", "Tipped …"),
    ("Guest tipped the crew 15", "Guest tipped the crew …"),
    ("Paying 15 on the day", "Paying … on the day"),
    ("Spent 15 on ice", "Spent … on ice"),
    ("Billed 15, invoiced 12, quoted 18, discounted 10", "Billed …, invoiced …, quoted …, discounted …"),
    # a review: a 24-hour clock after a word of a time and "at" read "[amount hidden]" in a sentence of money, where
    # one after the word alone stayed ("meet 1745")
    ("Balance 200, meet at 1745", "Balance …, meet at 1745"),
    ("Balance 300 due at 1930", "Balance … due at …"),
    ("Pickup at 1500 extra, deposit paid", "Pickup at … extra, deposit paid"),
    # a review: a price list's next item after "and" reached crew
    ("Bait 40 and ice 15", "Bait … and ice …"),
    ("Bait 40 & ice 15, 2 coolers", "Bait … & ice …, 2 coolers"),
    ("Deposit 200\nKids 4\nCoolers 3", "Deposit …\nKids 4\nCoolers 3"),
    ("Balance 400. Gate 3. Kids 4", "Balance …. Gate 3. Kids 4"),
    # a review: "prices" said no money where "price" did, so a menu's small prices reached crew
    ("Prices per person: snapper 18 / skewers 14", "Prices per person: snapper … / skewers …"),
    ("Lunch menu prices: snapper 18, skewers 14", "Lunch menu prices: snapper …, skewers …"),
    # a place's number times a figure from 10 on, or a word of money before the place, may price it: hidden in doubt
    ("Slip 14 x 15, deposit paid", "Slip 14 x …, deposit paid"),
    ("Slip 14 x 45, deposit paid", "Slip 14 x …, deposit paid"),
    ("Slip fee 14 x 2", "Slip fee … x …"),
    ("Slip 14 x 2 = 80, deposit paid", "Slip 14 x 2 = …, deposit paid"),
    # a review: a single digit after a place's number and an "x" read as its count though a currency or a time it is
    # paid by came after it (2026-12-07): crew read "Slip 14x2€" and "Lot 3 x 9 a day"; a price after the code keeps it
    ("Slip 14x2€, deposit paid", "Slip 14x…€, deposit paid"),
    ("Cabin #3x2 USD, balance due", "Cabin #3x… USD, balance due"),
    ("Slip 14x2 £ deposit paid", "Slip 14x… £ deposit paid"),
    ("Slip 14 x <b>2</b>¥, deposit paid", "Slip 14 x <b>…</b>¥, deposit paid"),
    ("Lot 3 x 9 a day, deposit paid", "Lot 3 x … a day, deposit paid"),
    ("Slip 14 x 5 nightly, balance due", "Slip 14 x … nightly, balance due"),
    ("Slip 14x2 USD 45, deposit paid", "Slip 14x2 …, deposit paid"),
    # a review: a word of money more than the words read near a figure back in its clause left "slip 14 x 2" a count
    # (2026-12-07), where "Paid slip 14 x 2" and "Tip … max 24 on board" so far back were hidden
    (f"Paid {_FAR} slip 14 x 2", f"Paid {_FAR} slip 14 x …"),
    (f"Slip fee {_FAR} cabin 2C x 2, thanks", f"Slip fee {_FAR} cabin 2C x …, thanks"),
    # a review: a bare number after a plural place word counts the places, and the figure after its "x" may be what each
    # costs: crew read "Lockers 2 x 5" and "Spots 2 x 8" beside money (2026-12-07); "Seats 12A x 1" still shows
    ("Lockers 2 x 5, deposit paid", "Lockers 2 x …, deposit paid"),
    ("Spots 2 x 8, balance due", "Spots 2 x …, balance due"),
    # a review: a word of money right after a place's count, as after any figure, says it is a price (2026-12-07: crew
    # read "Slip 14 x 2 surcharge", "Berth 4 x 2 + tax", "Cabin 2C x 2 apiece")
    ("Slip 14 x 2 surcharge, deposit paid", "Slip 14 x … surcharge, deposit paid"),
    ("Berth 4 x 2 + tax, balance due", "Berth 4 x … + tax, balance due"),
    ("Cabin 2C x 2 apiece, deposit paid", "Cabin 2C x … apiece, deposit paid"),
    ("Slip 14 x 2 cost, deposit paid", "Slip 14 x … cost, deposit paid"),
    # a review: what shows the count to be the start of a price read the place's count all the same (2026-12-07): crew
    # read "Slip 14 x 2-80" (the range's end with it), "x 2 k", "x 2 [amount hidden]" of "x 2 thousand", "x 2 sek"
    ("Slip 14 x 2-80, deposit paid", "Slip 14 x …-…, deposit paid"),
    ("Slip 14 x 2 k, deposit paid", "Slip 14 x … k, deposit paid"),
    ("Slip 14 x 2 thousand, deposit paid", "Slip 14 x … …, deposit paid"),
    ("Slip 14 x 2 sek, deposit paid", "Slip 14 x … sek, deposit paid"),
    ("Tip max <b>50</b> on board", "Tip max <b>…</b> on board"),
    ("Max <span>240</span> on board, deposit paid", "Max <span>…</span> on board, deposit paid"),
    # a review: a figure glued to an "x" read as part of a word, and the currency after it left for a price that never
    # came (2026-12-07): crew read "Ice x9€", "Lot 4 x9€", "Bait x5 EUR", "Slip 14x2 eur"; a price after keeps it
    ("Ice x9€, deposit paid", "Ice x…€, deposit paid"),
    ("Lot 4 x9€", "Lot 4 x…€"),
    ("Bait x5 EUR", "Bait x… EUR"),
    ("Slip 14x2 eur", "Slip 14x… eur"),
    ("Ice 2x9€", "Ice …x…€"),  # which of two small figures is the count is in doubt, as in "Bait 2 x 5 EUR"
    ("Bait X5 usd, ice x2 £", "Bait X… usd, ice x… £"),
    ("Lot 4 x9 USD 40", "Lot 4 x9 …"),
    # a review: the total of a count times its figure read as a sum of heads, and a figure after a product's "@" as a
    # time (2026-12-07): crew read the 80 of "Slip 14 x 2 - 80 total" and the 8 of "Table 4 x 6 @ 8"
    ("Slip 14 x 2 - 80 total", "Slip 14 x 2 - … total"),
    ("Lunch 6 x 25 = 150 total", "Lunch 6 x … = … total"),
    ("Table 4 x 6 @ 8", "Table 4 x 6 @ …"),
    ("Kayaks 2x3 @ 9", "Kayaks …x… @ …"),  # no place names the 2 nor the 3: beside a price, in doubt
    # a review: a word of money or a price per head after "on board" read a quantity's figure as the head count on board
    # (2026-12-07): crew read the 24 of "Max 24 onboard fee" and of "max 24 on board per head"
    ("Max 24 onboard fee", "Max … onboard fee"),
    ("max 24 on board per head", "max … on board per head"),
    ("Approx 30 aboard pp, deposit paid", "Approx … aboard pp, deposit paid"),
    # and money a Unicode space is typed in stays hidden, the space as typed
    ("Deposit\u2009200 paid", "Deposit\u2009… paid"),
    ("Balance USD\u2009350, max\u00a024 on board", "Balance …, max\u00a024 on board"),
    # a review: a deck's, a bunk's or a level's number beside money read "[amount hidden]" (2026-12-07), where a slip's
    # stayed: crew lost the "Deck 2" of "Deck 2 x 4, tip 50"; from 20 on such a number may be a price, hidden in doubt
    ("Deck 2 x 4, tip 50", "Deck 2 x 4, tip …"),
    ("Bunk 3, deposit 40", "Bunk 3, deposit …"),
    ("Parking level 2, fee 15", "Parking level 2, fee …"),
    ("Decks 1 and 2, tip 50", "Decks 1 and 2, tip …"),
    ("Deck 150, deposit paid", "Deck …, deposit paid"),
    ("Max 24 on board charge", "Max … on board charge"),
    # a review of that: a deck's, a bunk's or a level's number under 20 that something prices, and a crew member's tip
    # in a list after "deck", reached crew (2026-12-07): "Tips: skipper 40, deck 15" showed the deckhand's 15
    ("Tips: skipper 40, deck 15", "Tips: skipper …, deck …"),
    ("Captain gets 300, deck 15", "Captain gets …, deck …"),
    ("Bait 40, bed 12", "Bait …, bed …"),
    ("Tip bed 15", "Tip bed …"),
    ("Paid bunk 12", "Paid bunk …"),
    ("Deck 5 + tax", "Deck … + tax"),
    ("Deck 9 extra, deposit paid", "Deck … extra, deposit paid"),
    ("Bunk 12 incl tax", "Bunk … incl tax"),
    ("Deck 15 surcharge", "Deck … surcharge"),
    ("Bed 10 nightly, paid", "Bed … nightly, paid"),
    ("Deck 15 a night, deposit paid", "Deck … a night, deposit paid"),
    ("Deck 3-15, paid", "Deck …-…, paid"),
    # integrating that review: a deck's number from 10 on beside money showed ("Deck 15, deposit paid"): a boat has a
    # few decks, so such a figure is in doubt a price; a bunk's or a bed's may count past 10 on a liveaboard
    ("Deck 15, deposit paid", "Deck …, deposit paid"),
    ("Upgrade deck 12, deposit paid", "Upgrade deck …, deposit paid"),
    ("Deck 15 upgrade, deposit paid", "Deck … upgrade, deposit paid"),
    # a review: the factors of a product whose total is hidden showed in a sentence with no word of money (2026-12-07):
    # crew read the price of each lunch in "Lunch 6 x 15 = 90" and "Lunch 15 x 6 = 90"; which is the count is in doubt
    ("Lunch 6 x 15 = 90", "Lunch … x … = …"),
    ("Lunch 15 x 6 = 90", "Lunch … x … = …"),
    ("Lunch 6x15=90", "Lunch …x…=…"),
    ("Lunch 6 x 15 - 90", "Lunch … x … - …"),
    ("Lunch 6 × 15 = 90 total", "Lunch … × … = … total"),
    ("Bait 40\nLunch 6 x 13 = 78", "Bait …\nLunch … x … = …"),  # the 6 an item of a price list: the 13 no count
    ("Adults 12 x 85 = 1020", "Adults 12 x … = …"),  # the smaller figure beside a hidden price is its count
    # a review: a count's own currency glued after it and its "x" was read as the price of what the next figure counts
    # (2026-12-07): crew read the 9 of "Ice x9€ 2 bags" and lost the 2 bags; now the 9 and its sign hide, the 2 stays
    ("Ice x9€ 2 bags", "Ice x… 2 bags"),
    ("Ice x9 € 2 bags, deposit paid", "Ice x… 2 bags, deposit paid"),
    ("Bait x5 EUR 3 bags", "Bait x… EUR 3 bags"),
    ("Kids x1 €5 2 bags", "Kids x1 … 2 bags"),
    ("Kids x1 USD 5 each", "Kids x1 … each"),
    # a review: "apiece" after a figure priced nothing, where "each" did (2026-12-07): crew read "Bait 15 apiece"
    ("Bait 15 apiece", "Bait … apiece"),
    ("Deck 15 apiece, deposit paid", "Deck … apiece, deposit paid"),
    # the fifteenth session: a product's total after a colon read its second factor as a time ("15: 90"), and crew
    # read the price of each lunch in "Lunch 6 x 15: 90"; now it reads as "Lunch 6 x 15 = 90" does
    ("Lunch 6 x 15: 90", "Lunch … x …: …"),
    ("Lunch 15 x 6: 90", "Lunch … x …: …"),
    ("Lunch 6x15: 90", "Lunch …x…: …"),
    ("Lunch 6 x 15:90", "Lunch … x …:…"),  # no minutes after the colon: a total, no time
    ("Lunch 6 x 12.50: 75", "Lunch 6 x …: …"),
    ("Lunch 6 x 25: 150, deposit paid", "Lunch … x …: …, deposit paid"),  # as with "=": a sentence of money
    ("Adults 2 x 85: 170, kids 1 x 5: 5", "Adults 2 x …: …, kids 1 x …: …"),
    ("Adults 2x85:170, kids 1x5:5", "Adults 2x…:…, kids 1x…:…"),
    ("Lunch 6 x 15: £90", "Lunch … x …: …"),  # the total's currency hid it first
    ("Lunch 6x15 :90", "Lunch …x… :…"),  # a space before the colon: no time
    # its review: a total shaped as minutes read as a time, and crew read count, price and total of "Drinks 6x5:30";
    # the product making it says it is a total ("Dep 6 x 15:30" stays a time: 6 x 15 is no 30)
    ("Drinks 6x5:30", "Drinks …x…:…"),
    ("Lunch 4 x 10:40", "Lunch … x …:…"),
    ("Lunch 6x15:90, drinks 6x5:30", "Lunch …x…:…, drinks …x…:…"),
    ("Drinks 6 x 5.50:33", "Drinks … x …:…"),
    # the fifteenth session: a small figure after what a party pays for by itself showed ("Parking 5": a fee as often as
    # a lot's number, "Ice 8" a price as often as 8 bags); in doubt it is hidden, and what names it keeps it
    ("Parking 5", "Parking …"),
    ("Fuel 12", "Fuel …"),
    ("Ice 8", "Ice …"),
    ("Bait 6", "Bait …"),
    ("Ice: 8", "Ice: …"),
    ("Parking - 5", "Parking - …"),
    ("Parking five", "Parking …"),
    ("Ice (8)", "Ice (…)"),
    # its review: a word of what a party pays for taken out of the rule failed nothing ("Corkage 10" had no test)
    ("Diesel 8", "Diesel …"),
    ("Petrol 9", "Petrol …"),
    ("Gas 5", "Gas …"),
    ("Cleaning 15", "Cleaning …"),
    ("Rent 12", "Rent …"),
    ("Dockage 18", "Dockage …"),
    ("Corkage 10", "Corkage …"),
    ("Linen 6", "Linen …"),
    ("Linens 6", "Linens …"),
    ("Laundry 8", "Laundry …"),
    ("Parking <b>5</b>", "Parking <b>…</b>"),
    ("Kayak hire 8, rod rental 5", "Kayak hire …, rod rental …"),
    ("Ice 8, water 6, soda 4", "Ice …, water …, soda …"),  # a price list after it
    ("Adults 4, kids 2, parking 5", "Adults 4, kids 2, parking …"),
    ("Ice 2x8", "Ice …x…"),  # which of two small figures is the price is in doubt
    ("Fuel 2x85", "Fuel 2x…"),
    ("Parking 5, ice 2 bags, 6 guests. Meet 9:30 at slip 4", "Parking …, ice 2 bags, 6 guests. Meet 9:30 at slip 4"),
    # the fifteenth session: a count after a word, then "@" and a plain figure, read the figure as a time, and beside
    # what a party pays for or money hid the count instead ("Ice 3 @ 8" read "Ice … @ 8"); the count stays, the price
    # is hidden, as in "2 kayaks @ 15"
    ("Lunch 6 @ 15", "Lunch 6 @ …"),
    ("Kayaks 2 @ 9", "Kayaks 2 @ …"),
    ("Ice 3 @ 8", "Ice 3 @ …"),
    ("Lunch 6 @ 15, deposit paid", "Lunch 6 @ …, deposit paid"),
    ("Lunch 6 @15", "Lunch 6 @…"),
    ("Lunch 6@15", "Lunch 6@…"),
    ("Lunch: 6 @ 15", "Lunch: 6 @ …"),
    ("Drinks 12 @ 4, kayaks 2 @ 9", "Drinks 12 @ …, kayaks 2 @ …"),
    ("Lunch 6 @ 15\nDinner 6 @ 25", "Lunch 6 @ …\nDinner 6 @ …"),
    ("Lunch 6 @ 1500, deposit paid", "Lunch 6 @ …, deposit paid"),  # a clock's shape, in a sentence of money
    ("Lunch 6 @ fifteen", "Lunch 6 @ …"),
    ("Lunch 6 @ £15", "Lunch 6 @ …"),
    ("Snorkels 4 @ 5, wetsuits 10 @ 12", "Snorkels 4 @ …, wetsuits 10 @ …"),
    ("Pax 6 @ 15", "Pax 6 @ …"),
    # a 24-hour clock's shape after "@" is a time only at the end of its words, and not after a span of hire
    # its review: a figure before "@" and no price was read as a count ("Gift 50 @ the captain" showed its 50)
    ("Gift 50 @ the captain", "Gift … @ the captain"),
    ("Adults 85, kids 12 @ the dock", "Adults …, kids … @ the dock"),
    # and a product's total after a colon, with "@" as with "x" ("Lunch 6 @ 15: 90" showed its 15 as a time)
    ("Lunch 6 @ 15: 90", "Lunch 6 @ …: …"),
    ("Lunch 6 @ 15: £90", "Lunch 6 @ …: …"),
    ("Boat @ 1500/day", "Boat @ …/day"),
    ("Skipper @ 1200 a day", "Skipper @ … a day"),
    ("Full day @ 1800", "Full day @ …"),
    ("Extra hour @ 1500", "Extra hour @ …"),
    ("Lunch <b>6</b> @ 15", "Lunch <b>6</b> @ …"),
    ("Lunch 6&nbsp;@ 15", "Lunch 6&nbsp;@ …"),
    ("Bait 3 @ 8, meet @ 7:30", "Bait 3 @ …, meet @ 7:30"),
    # and a price after a paid-for thing's named count ("Ice 3 bags 8" showed its 8)
    ("Ice 3 bags 8", "Ice 3 bags …"),
    ("Ice 3 bags x 8", "Ice 3 bags x …"),
    ("Ice 3 bags @ 8", "Ice 3 bags @ …"),
    ("Bait 2 dozen 8", "Bait 2 dozen …"),
    ("Parking 2 cars 5", "Parking 2 cars …"),
    ("Ice 3 bags 8, 6 guests", "Ice 3 bags …, 6 guests"),
    # the sixteenth session: a price after "@" shaped as a clock after a named count read as a time ("Lunch 6 @ 12.50",
    # "Lunch 6 @ 1230"), and so did one after "@" with no count before it or a count in brackets, one after "at" and a
    # paid-for thing's named count, and a product's total after an arrow left its factors showing
    ("Lunch 6 @ 12.50", "Lunch 6 @ …"),
    ("Lunch 6 @ 1230", "Lunch 6 @ …"),
    ("Lunch 6 @ 9.30", "Lunch 6 @ …"),
    ("Lunch 6 @ 12,50", "Lunch 6 @ …"),
    ("Lunch 6 @12.50", "Lunch 6 @…"),
    ("Lunch 6 @ 12.50 each", "Lunch 6 @ … each"),
    ("Lunch @ 15", "Lunch @ …"),
    ("Lunch @ 12.50", "Lunch @ …"),
    ("Charter @ 1800", "Charter @ …"),  # a charter's price as often as its time, which the trip's page shows anyway
    ("Charter @ 1800, 6 guests", "Charter @ …, 6 guests"),
    ("Drinks @ 6, lunch @ 15", "Drinks @ …, lunch @ …"),
    ("Adults @ 15, kids @ 5", "Adults @ …, kids @ …"),
    ("Lunch (6) @ 15", "Lunch (6) @ …"),
    ("Lunch ( 6 ) @ 15", "Lunch ( 6 ) @ …"),
    ("Lunch (6) @ 12.50", "Lunch (6) @ …"),
    ("Lunch (x6) @ 15", "Lunch (x6) @ …"),
    ("Kayaks (2) @ 9", "Kayaks (2) @ …"),
    ("Ice 3 bags at 8", "Ice 3 bags at …"),
    ("Ice 3 bags at 12.50", "Ice 3 bags at …"),
    ("Bait 2 dozen at 6", "Bait 2 dozen at …"),
    ("Parking 2 cars at 5", "Parking 2 cars at …"),
    ("Fuel 20 gallons at 5", "Fuel 20 gallons at …"),
    ("Lunch 6 x 15 -> 90", "Lunch … x … -> …"),
    ("Lunch 6 x 15 => 90", "Lunch … x … => …"),
    ("Lunch 6 x 15 → 90", "Lunch … x … → …"),
    ("Lunch 6x15->90", "Lunch …x…->…"),
    ("Lunch 6 x 15 --> 90, deposit paid", "Lunch … x … --> …, deposit paid"),
    ("Lunch 6 x 25 -> 150", "Lunch 6 x … -> …"),
    ("Slip 14 x 2 -> 80 total", "Slip 14 x 2 -> … total"),
    # its review: an hour's shape after a word and "@" is a time, but not priced each or in a currency, nor beside a
    # price after "@"
    ("Drinks @ 6 each", "Drinks @ … each"),
    ("Drinks @ 6pp", "Drinks @ …pp"),
    ("Drinks @ 6 USD", "Drinks @ …"),
    ("Drinks @ 9.30 each", "Drinks @ … each"),
    ("Beer @ 5, lunch @ 12.50", "Beer @ …, lunch @ …"),
    ("Drinks @ $6, beer @ 5", "Drinks @ …, beer @ …"),
    ("Lunch @ 9.95", "Lunch @ …"),
    ("Party 6 @ 15", "Party 6 @ …"),
]

HARMLESS = [
    "Kayaks 2 x 2 = 4",  # a product whose total shows keeps its factors
    "3 vans, 8 apiece",
    "Rows 3 x 8, 24 total",
    "6 boats x 15 = 90 guests",
    "6 guests",
    "Prices include 6 guests and 2 coolers",
    "slip 14",
    "2 coolers",
    "Back by 16:00",
    "ramp B",
    "birthday: 40",
    "Pickup at 10.30, total of 6 with the kids",
    "Tip: bring 2 towels",
    "Charge 2 phones",
    "Owner use 2026",
    "Rate: 5 knots max",
    "Net: 2 landing nets aboard",
    "Total party: 4 adults and 2 children",
    "Paid parking: gate 3",
    "deposit the bags at slip 3",
    "Deposit 2 bags at the dock",
    "Call +1 415 555 0148 on arrival",
    "BRING ALL 3 COOLERS",
    "Sunset cruise; one guest uses a cane: help boarding",
    # a review: a count of paying guests is a count, and a percentage no amount of money
    "6 paid guests",
    "Two paid guests, one on a comp",
    "Paid 4 of 6 guests",
    "discount 25%",
    "Discount 10 percent on drinks",
    "tip 18% included",
    "25% off the second trip",
    "dock 3",
    "pier 39",
    "engine hours 1200",
    "Engine hours: 1200 at haul-out",
    "Tip: bring two towels",
    "Back at four",
    "Deposit: three life jackets in the locker",
    "Collected 3 bags from the lost and found",
    "cash box in cabin 2",
    # a review: figures as other countries write them, dates, times and phones stay
    "Pickup 10.30",
    "12.-14. Juni",
    "Pickup 12.06.2026",
    "Call +45 20 30 40 50",
    "depth 3,5 m",
    "We are 6 (2 kids)",
    "BRING ALL 3 COOLERS",
    "RS 2 on the left",
    # a review: a currency's code that is also an English word, and counts beside words the new rules know
    "ALL 4 ON BOARD",
    "Top 3 spots",
    "TOP 3 SPOTS",
    "Try 2 casts",
    "Pen 4",
    "Cup 2",
    "MAD 2 DAYS",
    "PEN 4",
    "CUP 2",
    "TOP 3",
    "TRY 2 CASTS",
    "Paid 12/06",
    "Kids 2+2",
    "each of 4 kids gets a hat",
    "collect 2 bags at the dock",
    "pay attention to 3 buoys",
    "200 m from the pier",
    "Dock 4, 2 pm",
    "2 each of snacks",
    "Paid 4 of 6 guests",
    "Gift card for 2",
    # a review: counts beside notes that speak of money read "[amount hidden]" ("Deposit paid. [amount hidden]");
    # guest counts, times, dates, places, phones, ages and lengths stay beside words of money
    "Deposit paid. TOP 3",
    "Pickup 10.30 each",
    "Deposit paid, 6 guests, slip 14, back by 16:00",
    "Deposit paid, party of 6, pickup 9.30 at dock 3",
    "Paid in full. 4 adults, 2 kids, ages 8 and 10",
    "Deposit paid, kids aged 8 and 10",
    "Balance settled, call 415 555 0148 on arrival",
    "Deposit paid, call (415) 555-0148",
    "Paid in full; text +1 415 555 0148",
    "Deposit received; trip on June 12, meet at 9",
    "Deposit paid, 38 ft sloop, 12 June",
    "Deposit paid, 38' sloop",
    "Paid in full, pier 39, engine hours 1200",
    "Deposit paid, birthday: 40",
    "Deposit paid, slip 14 or 15",
    "Deposit paid, VHF ch 16",
    "Paid 2026-06-12",
    "Deposit paid. Total 6",
    "Deposit paid, total of 6",
    "Paid in full. We are 8, arriving at 9.15",
    "Deposit paid. Bring 3 coolers and 20 pounds of ice",
    "Balance due on arrival. 6 guests",
    "Deposit paid at 9",
    "20 pounds of ice",
    "Guests: 24, deposit paid",
    "Pickup @ 9.30, balance paid",
    "Deposit paid, 3-hour trip",
    "Deposit paid, group 3 of 4",
    "Deposit paid, the 4 of us",
    "Deposit paid. Gate code 4821",
    "Deposit paid, wind 15 knots, channel 16",
    "Deposit paid, arriving Fri 12 June, 2 nights",
    "Deposit paid - pickup at Marina del Rey, dock 52, 10am",
    "Guest prepaid fuel surcharge. Party of 8 incl 2 kids (ages 6, 9). Meet at slip C-14 at 8:45.",
    "We're a group of 12. Deposit paid.",
    "Kids 5 and 7. Paid in full.",
    "Deposit paid. Room 214 at the Harbor Inn.",
    "Paid 50%, rest cash on the day, 8 guests",
    "Deposit paid, Fri 12, 10am, 2 kids under 5",
    # figures that name themselves, in notes without money
    "Pickup at 1234 Ocean Ave",
    "Pickup at 12 N Harbor Dr, 9am",
    "Sunset cruise for 25 people",
    "Married 30 years",
    "Anniversary, married since 1996",
    "Flight UA 283 lands at 14.45",
    "flight 283, then taxi",
    "Route 66 trip",
    "Bring 20 life jackets",
    "Deposit paid, 1 large cooler",
    "Hilton room 1204",
    "We are 25",
    "twenty of us",
    "Marina del Rey, dock 52",
    "Kids go for 10",
    # a review: since a figure from 20 on that nothing names is hidden anywhere, crew lost what a word did name: a
    # group's size, a flight with its airline's code, a booking's reference
    "Party size 30, one wheelchair user",
    "Group size: 24",
    "Headcount 35",
    "about 30 in the group",
    "Arriving on flight DL 1432 at 14:05",
    "Flt B6 615 lands 9:20",
    "Booking ref 48213",
    "Confirmation 58213, deposit paid",
    "Deposit paid, party size 30",
    # a review: a pickup time on a 24-hour clock, a mile marker and a zip code read "[amount hidden]"
    "Pickup 0830 at the hotel",
    "ETA 1430",
    "Boat leaves 0900 sharp. Deposit paid.",
    "Meet 1430 at slip 4",
    "Capacity 24",
    "Mile marker 24",
    "Zip 92101",
    # a review: counts, ages, ranges, limits and a pickup time beside money read "[amount hidden]"
    "Lunch for 22",
    "Ages 4, 7, 12 and 45",
    "Max 24 on board",
    "24 total",
    "20-25 guests",
    "approx 25",
    "grandma is 82",
    "Catch limit 20 per person",
    "3 vans, 8 each",
    "Max 24 on board, deposit paid",
    "Grandma is 82, paid in full",
    "Ages 4, 7, 12 and 45, deposit paid",
    "Catch limit 20 per person. Deposit paid.",
    # a review: a 24-hour clock that ends its clause is a time in a sentence of money too
    "Pickup 0830, deposit paid",
    "Deposit paid, pickup 0830",
    "Meet 0745 at slip 9, paid in full, 6 guests",
    "Boat leaves 0900 sharp, balance paid",
    # a review: a 24-hour clock with its leading zero is no amount, after "by" or "at" too; nor is a count of
    # no-shows
    "Balance due by 0900 on the day",
    "Deposit paid, be at slip 12 by 0815",
    "Paid in full, 2 no-shows",
    # a range before what it counts stays whole beside money
    "20-25 guests, deposit paid",
    "Ages 30-40, paid in full",
    # a review: a head count of a kind of guest read "[amount hidden]" though the single digit after it said the
    # list counts heads (under 20 since the fifteenth session; a head count written before its kind shows at any size)
    "Adults 12, kids 4",
    "Adults 12\nKids 4\nMeet 0800 at dock 3",
    "Family reunion: adults 14, kids 6 and 3",
    "22 adults, 4 kids",
    "Adults 4, kids 2",
    "kids aged 5 and 7",
    "Late checkout at 1600",
    "Back by 1730, 6 guests",
    "0830 pickup at the Hilton",
    "2 per cabin, max 2 per kayak",
    "Open 24/7, slip 14/15, 3/4 tank of fuel",
    "Bring 2 bags of ice",
    # a review: a British mobile number read "[amount hidden]", whole or in part
    "Guest mobile +44 7700 900123, deposit paid",
    "Text Sam on 07700 900123",
    "Guest 07700900123, balance paid",
    # a review: a head count of staff, "ppl", men or women read "[amount hidden]" beside money
    "Corporate: 18 staff, deposit paid",
    "Deposit paid, 5 ppl",
    "Paid in full: 3 men, 2 women, 1 child",
    "Dep 0800 from slip 4, bal pd, 6 guests",
    "Deposit paid, call 5555 0148",
    "Balance paid. 9123 4567 is her cell",
    "Deposit paid 415-555-0148 Dana",
    "Kayaks 2x, 3x life jackets, 2 x 2 hours",
    # a review: a family's size read "[amount hidden]" beside money, where a party's or a group's stayed
    "Family of 4, deposit paid",
    "Fam of 5, paid in full",
    # a review: a range of percentages read "[amount hidden]-20%", as if its first figure were an amount
    "Tip not included (suggest 15-20%)",
    "Deposit paid, tip 15-20% customary",
    "Tip 15 - 20 percent",
    "Pickup @ 9.30, 4 adults 2 kids",
    "Family: adults 4 kids 2, slip 14 gate 3",
    "Bring 20 towels 10 jackets",
    "Deposit 2 bags at the dock, 3 coolers",
    "Spent 2 hours at the sandbar, 2 paying guests",
    "2 paying guests, 1 comp, kids 4 and 6",
    "Paying guests 6, crew 2",
    "Paid in full, 6 guests, meet at 1745",
    "Deposit paid, pickup at 1530 from the Hilton",
    "Adults 12 kids 4",
    "Adults 12 / kids 4 and 6",
    "Invoice 15 sent, Bill 15 on the crew list",
    # a review: a place's number times a single digit counts it, and a head count with markup between it and "on
    # board" is one, in notes of money too (until 2026-12-07 the 2 and the 24 read "[amount hidden]")
    "Slip 14 x 2, deposit paid",
    "Deposit paid, slip 14 x 2",
    "Berth 4 x 2, balance paid",
    "Cabin 2C x 2, deposit paid",
    "Max <span>24</span> on board, deposit paid",
    "Deposit paid. Max <b>24</b> on board",
    "Max&nbsp;24&nbsp;on board, deposit paid",
    "Slip 14 x 2 nights, deposit paid",
    "Seats 12A x 1, deposit paid",
    "Slips #3 x 2, deposit paid",
    "Slip 14 x 2 boats, deposit paid",
    # a review: "24 total" a little over 40 characters before a head count a word of money would price, in a clause
    # no comma breaks, read as "total" alone for the counts after it (2026-12-07, the day it was read in stretches):
    # crew read "grandma is [amount hidden]" and "dad is [amount hidden]" (and "lunch for [amount hidden]" in others)
    "We are 24 in total with the kids and grandparents max 24 on board lunch for 22 grandma is 82",
    "24 total incl crew and both skippers up to 12 on board table for 12 dad is 50",
    # a product's total under 20 and a clock after its "@" stay
    "Kayaks 2 x 2 - 4 total",
    "Table 4 x 6 @ 8pm",
    "Table 4 x 6 @ 8:30",
    # a time after a product's "x" stays a time: minutes after its colon
    "Dep 6 x 15:30",
    "Lunch 6 x 15:30",
    "back 15:30",
    "Kayaks 2 x 2: 4 total",
    # what a party pays for, its figure named a count, a place, a time or a quantity
    "Ice 8 bags",
    "Ice 2x8 bags",
    "Bait 2 dozen",  # its review: hidden as "Bait [amount hidden] dozen" (dozens its count, no price)
    "Bait: 3 doz squid",
    "Fuel 12 gal",
    "Parking spot 5",
    "Parking: bay 5",
    "Parking level 2",
    "Parking lot 5",
    "Ice for 8",
    "Ice approx 8",
    "Fuel at 9",
    "Ice x8",
    "Parking 5 min walk",
    "Towels 6",
    "Lunch 6",
    "Rows 3 x 8, 24 total",
    # how many on board, each boat or trip, beside money too
    "2 boats, max 12 on board each",
    "Max 24 on board per trip, deposit paid",
    "Max 24 onboard, fee paid",
    # a review: a typed non-breaking or thin space, the character itself, read as no space (2026-12-07): crew read
    # "Max [amount hidden] on board" where "Max 24&nbsp;on board" kept its 24; the note reaches them as it was typed
    "Max 24\u00a0on board, deposit paid",
    "Max\u202f24\u2009on board, deposit paid",
    "Slip\u00a014 x\u00a02, deposit paid",
    "Deposit paid, lunch\u00a0for\u00a022",
    # the fifteenth session: a clock after "@" stays a time, beside a count too when it has minutes or a word of a
    # time names the count; "back @ 1530" (no count, no word of money) read "[amount hidden]" until then
    "Dep @ 7",
    "Meet @ 8:30",
    "Pickup 6 @ 10.30",
    "Pickup 6 @ 10",
    "Meet 6 @ 9",
    "Pickup 6 @ 1530",
    "back @ 1530",
    "Back @ 1530, 6 guests",
    "Crew @ 0700",
    "Kayaks 2 @ 0900",
    "Lunch 6 @ 7pm",
    "Lunch 6 @ 12:30",
    "Lunch 6 @ 7 sharp",
    "Lunch 6 @ 7 pm",
    "Slip 6 @ 10",
    "Gate 3 @ 9",
    "Deck 2 @ 4",
    "Dep @ 15:30",
    "Pickup @ 10: 2 boats",
    "Day 2 @ 9",
    "Boat 2 @ 9",
    "Dep 6 @ 7",
    # and a paid-for thing's named counts stay counts
    "Rentals 2 kayaks 1 paddleboard",
    "Ice 3 bags 2 coolers",
    "Ice 3 bags, 6 guests",
    # the sixteenth session: a time after "@" a word of a time, a place or who is to be there comes before, or written
    # with ":" or "pm", stays a time ("Lunch 6 @ 1230", kept until then, now reads "Lunch 6 @ [amount hidden]": after
    # the word of what is counted, a clock's shape is a price as often); so does one after "at" but a paid-for count's
    "Meet @ 12.30",
    "Pickup @ 9",
    "Dinner 6 @ 7pm",
    "Dinner 6 @ 7:00",
    "Lunch @ 12:30",
    "Charter @ 18:00",
    "Crew @ 7",
    "Everyone @ 9.30",
    "Boat ready @ 9",
    "All aboard @ 9",
    "High tide @ 1430",
    "Lunch served @ 12.30",
    "Pickup at the Hilton @ 9.30",
    "Arrive marina @ 9.30",
    "Pickup (6) @ 10",
    "Crew 6 @ 9.30",
    "Full day @ 9",
    "Back at 8",
    "Meet at 8",
    "Ice 3 bags at 8am",
    "Ice 3 bags at 8:00",
    "Ice 3 bags, meet at 8",
    "Ice 3 bags at the dock at 8",
    "Kayaks 2 x 2 -> 4",
    # its review: the first fix hid a time after any word but a short list and "@" ("Dinner @ [amount hidden]"); a
    # whole hour up to 12 or a quarter hour after a word and "@" is a time again, and so is a party's clock
    "Dinner @ 7",
    "Sunset cruise @ 7",
    "Sail @ 9",
    "Taxi @ 8",
    "Check-in @ 9.30",
    "Lunch @ 12.30",
    "Briefing @ 8.45",
    "Flight lands @ 14.30",
    "Ceremony @ 5.30, cake @ 6.15, fireworks @ 9",
    "Dinner @ 7, lunch @ 12.30",
    "Dinner @ 7 for 6 guests",
    "Party 6 @ 9.30",
    "Family (4) @ 9.30",
    # a word of a time earlier in the clause makes any clock's shape after "@" a time, not only an hour's
    "Pickup at the Hilton @ 9.40",
    "Pickup at the Hilton @ 1030",
    "Meet at the dock office @ 8.50",
]


#: Notes as a charter operator gets them, counts, times, places and money mixed, as crew read them. A figure in
#: doubt is hidden: "maybe 22", "up to 45" and "24 total" in notes of money, "min 8" in a sentence of money, "at
#: 1600" (a clock after "at" may be an amount), "40 on the big one".
OPERATOR_NOTES = [
    (
        "Party of 14, lunch for 14 (2 vegetarian). Deposit 350 paid via Venmo, balance 700 cash at the dock.",
        "Party of 14, lunch for 14 (2 vegetarian). Deposit … paid via Venmo, balance … cash at the dock.",
    ),
    (
        "Pickup 0745 at the Harborview Hotel lobby, 2 vans, 7 each. Balance 1,050 due on arrival.",
        "Pickup 0745 at the Harborview Hotel lobby, 2 vans, 7 each. Balance … due on arrival.",
    ),
    (
        "Ages 6, 9, 11 and 44. Grandpa is 78, needs help boarding. Paid in full.",
        "Ages 6, 9, 11 and 44. Grandpa is 78, needs help boarding. Paid in full.",
    ),
    (
        "Max 24 on board. Quoted 2,400 for the day, 600 deposit received.",
        "Max 24 on board. Quoted … for the day, … deposit received.",
    ),
    (
        "Approx 20 guests, maybe 22. Captain gets 300, deck hand 150.",
        "Approx 20 guests, maybe …. Captain gets …, deck hand ….",
    ),
    (
        "Catch limit 10 per person, bag limit 5 for snapper. Rods 25 each to rent.",
        "Catch limit 10 per person, bag limit 5 for snapper. Rods … each to rent.",
    ),
    (
        "Corporate group 30-35 people, invoice 4,800 to Acme Ltd, net 30.",
        "Corporate group 30-35 people, invoice … to Acme Ltd, net ….",
    ),
    (
        "Bachelorette party, 12 ladies, meet 1100 at slip 7. Bringing own drinks. Paid 900.",
        "Bachelorette party, 12 ladies, meet 1100 at slip 7. Bringing own drinks. Paid ….",
    ),
    (
        "ETA 0930 from the airport, flight UA 1432. Balance 450 by Zelle.",
        "ETA 0930 from the airport, flight UA 1432. Balance … by Zelle.",
    ),
    (
        "Sunset cruise for 8, champagne for 8 included. Tip 100 left for crew.",
        "Sunset cruise for 8, champagne for 8 included. Tip … left for crew.",
    ),
    ("Lunch for 26, 18 pp, paid by card.", "Lunch for 26, … pp, paid by card."),
    (
        "Family reunion: adults 18, kids 6. Deposit 500, rest 1,500 on the day.",
        "Family reunion: adults 18, kids 6. Deposit …, rest … on the day.",
    ),
    ("24 total incl. 4 crew. Deposit paid.", "… total incl. 4 crew. Deposit paid."),
    (
        "Grandma is 91 and uses a wheelchair, ramp at dock 4. Paid 1,200 in full.",
        "Grandma is 91 and uses a wheelchair, ramp at dock 4. Paid … in full.",
    ),
    ("2 boats, 12 each, leaving 0800 sharp from pier 39.", "2 boats, 12 each, leaving 0800 sharp from pier 39."),
    (
        "Wedding party of 40, up to 45 with the band. Catering 3,200 all in.",
        "Wedding party of 40, up to … with the band. Catering … all in.",
    ),
    (
        "Kids 4 and 7 need small life jackets. Pickup 0900, balance 380 cash.",
        "Kids 4 and 7 need small life jackets. Pickup 0900, balance … cash.",
    ),
    (
        "Whale watch, approx 30 on board, 2 hrs. Refund 120 to the Nguyens (2 no-shows).",
        "Whale watch, approx 30 on board, 2 hrs. Refund … to the Nguyens (2 no-shows).",
    ),
    (
        "Deposit received. Boat leaves 0830 sharp, be at slip 12 by 0815.",
        "Deposit received. Boat leaves 0830 sharp, be at slip 12 by 0815.",
    ),
    (
        "Group of 16 from Portland, arriving Fri 12 June, 3 nights. Owes 640.",
        "Group of 16 from Portland, arriving Fri 12 June, 3 nights. Owes ….",
    ),
    (
        "Anniversary, married 25 years. Rose petals. 150 extra for the decorations.",
        "Anniversary, married 25 years. Rose petals. … extra for the decorations.",
    ),
    (
        "Fishing trip, 6 anglers, catch limit 20 per person. Bait 40 extra.",
        "Fishing trip, 6 anglers, catch limit 20 per person. Bait … extra.",
    ),
    ("Up to 12 guests, 85 per head, min 8.", "Up to 12 guests, … per head, min …."),
    ("Ages 8, 10 and 13. Deposit 250 paid; 500 on arrival.", "Ages 8, 10 and 13. Deposit … paid; … on arrival."),
    (
        "Meet at Marina del Rey, dock 52, 10am. 20-25 guests. Venmo 400 pending.",
        "Meet at Marina del Rey, dock 52, 10am. 20-25 guests. Venmo … pending.",
    ),
    (
        "Shuttle: 3 vans, 9 each, from the Hilton at 0815. Driver tip 20 each.",
        "Shuttle: 3 vans, 9 each, from the Hilton at 0815. Driver tip … each.",
    ),
    ("Headcount 18, 3 kids under 5. Remaining balance 675.", "Headcount 18, 3 kids under 5. Remaining balance …."),
    (
        "Birthday: dad turns 60. 30 guests expected. Cake in cooler.",
        "Birthday: dad turns 60. 30 guests expected. Cake in cooler.",
    ),
    (
        "Late checkout at 1600. Paid 2,000, 250 security deposit held.",
        "Late checkout at 1600. Paid …, … security deposit held.",
    ),
    (
        "Lunch for 40 from Gino's, 22 each, billed to the company.",
        "Lunch for 40 from Gino's, … each, billed to the company.",
    ),
    (
        "Call Dana on 415 555 0148 when at gate 3. Deposit 200 paid.",
        "Call Dana on 415 555 0148 when at gate 3. Deposit … paid.",
    ),
    (
        "Approx 25, most first timers. Seasick bags on board please.",
        "Approx 25, most first timers. Seasick bags on board please.",
    ),
    ("Charter for 18, 4 hrs, 1,600 all in. Captain pay 320.", "Charter for 18, 4 hrs, … all in. Captain pay …."),
    ("Slips 14 and 15 booked. 2 boats. Fuel surcharge 75.", "Slips 14 and 15 booked. 2 boats. Fuel surcharge …."),
    (
        "Meet 1430 at the fuel dock, 14 guests. Balance settled.",
        "Meet 1430 at the fuel dock, 14 guests. Balance settled.",
    ),
    (
        "Booking ref 58213. Party size 22. Paid 50%, rest 900 cash.",
        "Booking ref 58213. Party size 22. Paid 50%, rest … cash.",
    ),
    (
        "Dinner for 12 at 1900 after docking, table for 12 booked at the Crab Shack.",
        "Dinner for 12 at 1900 after docking, table for 12 booked at the Crab Shack.",
    ),
    (
        "Max 6 on the small boat, 40 on the big one. Rental 250/hr.",
        "Max 6 on the small boat, … on the big one. Rental …/hr.",
    ),
    (
        "About 30 in the group, ages 20-35. 200 down, 800 on the day.",
        "About 30 in the group, ages 20-35. … down, … on the day.",
    ),
    ("grandma is 82, she paid 82 for her ticket", "grandma is 82, she paid … for her ticket"),
    (
        "Family of 5, kids 6 and 9. Adults 85, kids 12 at the dock. Slip 14, gate 3.",
        "Family of 5, kids 6 and 9. Adults …, kids … at the dock. Slip 14, gate 3.",
    ),
]


#: Notes a charter operator's staff type, as crew read them: money in €, £, $ and "USD", in thousands ("1.2k"), as a
#: range, a tip, a surcharge, a deposit or cash on board, beside times ("7:30", "0730", "7.30pm"), slips, head counts,
#: ages, references and phone numbers, with typos and shorthand. Every amount hidden; every count, time, place and
#: reference kept, but a figure in doubt: the "x 6" and "kids 6 & 9" of a sentence of money, the "net 30" of an
#: invoice.
STAFF_NOTES = [
    (
        "Deposit €250 pd, balance €750 cash on board. 6 guests, slip 22, meet 7:30",
        "Deposit … pd, balance … cash on board. 6 guests, slip 22, meet 7:30",
    ),
    (
        "Fuel surcharge $45 added. Pickup 0730 at the Hyatt, 4 adults 2 kids",
        "Fuel surcharge … added. Pickup 0730 at the Hyatt, 4 adults 2 kids",
    ),
    (
        "Half paid (1.2k), rest 1.2k on the day. Party of 10, ages 30-40",
        "Half paid (…), rest … on the day. Party of 10, ages 30-40",
    ),
    (
        "Quote was 300-400 depending on fuel. Guests 8, back by 5pm",
        "Quote was …-… depending on fuel. Guests 8, back by 5pm",
    ),
    (
        "Tip 15% incl, cash on board 200 for bait & ice. Slip B-12",
        "Tip 15% incl, cash on board … for bait & ice. Slip B-12",
    ),
    (
        "USD 1,850 paid in full. 12 pax, 2 kids (ages 5, 8), veg lunch x3",
        "… paid in full. 12 pax, 2 kids (ages 5, 8), veg lunch x3",
    ),
    ("balence due 600 on arival, call mike 555-0148", "balence due … on arival, call mike 555-0148"),
    (
        "Deposit recieved £150. 4 people, pickup 7.30pm from the Quay Hotel",
        "Deposit recieved …. 4 people, pickup 7.30pm from the Quay Hotel",
    ),
    ("Captain tip was 100 cash, crew split. 3 crew on board", "Captain tip was … cash, crew split. 3 crew on board"),
    ("Adults 85, kids 5. Meet 0800 at dock 3", "Adults …, kids …. Meet 0800 at dock 3"),
    ("Adults 12, kids 4. Meet 0800 at dock 3", "Adults 12, kids 4. Meet 0800 at dock 3"),
    ("Bait 40. Ice 15. Leaving 6am sharp", "Bait …. Ice …. Leaving 6am sharp"),
    ("Fuel 180, ice 12 bags, 2 coolers. Slip 9", "Fuel …, ice 12 bags, 2 coolers. Slip 9"),
    (
        "Paid $500 deposit via Zelle, $1,000 bal due 48 hrs before. 14 guests",
        "Paid … deposit via Zelle, … bal due 48 hrs before. 14 guests",
    ),
    ("Snorkel gear rental 10 each, 6 sets. Back at 3:30", "Snorkel gear rental … each, 6 sets. Back at 3:30"),
    (
        "Cash on board: 450. Grandpa is 80, wheelchair, ramp at dock 2",
        "Cash on board: …. Grandpa is 80, wheelchair, ramp at dock 2",
    ),
    (
        "Booking ref 77120, 8 guests, 0930 departure, paid 2/3 of 1500",
        "Booking ref 77120, 8 guests, 0930 departure, paid 2/3 of …",
    ),
    ("Group of 20, lunch for 20, 25 pp extra. Meet 11:15", "Group of 20, lunch for 20, … pp extra. Meet 11:15"),
    ("Adults 85, kids 12 and 9. Meet at the fuel dock", "Adults …, kids … and …. Meet at the fuel dock"),
    (
        "Sunset cruise 7.30pm-9.30pm, 2 couples, champagne 60 a bottle",
        "Sunset cruise 7.30pm-9.30pm, 2 couples, champagne … a bottle",
    ),
    (
        "phone +44 7700 900123, deposit 100 GBP pd, remaining 400 on the day",
        "phone +44 7700 900123, deposit … pd, remaining … on the day",
    ),
    (
        "Fishing 4hrs, 5 anglers, rod rental 20/rod, licence 15 each",
        "Fishing 4hrs, 5 anglers, rod rental …/rod, licence … each",
    ),
    ("Overnight trip, 2 nights, 4 guests. 3k total, 1.5k paid", "Overnight trip, 2 nights, 4 guests. … total, … paid"),
    ("ETA 0930 balance 400", "ETA 0930 balance …"),
    ("Wedding: 45 guests, band of 4, catering 3.5k, DJ 600", "Wedding: 45 guests, band of 4, catering …, DJ …"),
    (
        "Deposit 50%, rest on arrival (approx 900). Pickup 0815 slip 31",
        "Deposit 50%, rest on arrival (approx …). Pickup 0815 slip 31",
    ),
    ("pd 250 dep, owes 250. 5 ppl, ETA 10:45", "pd … dep, owes …. 5 ppl, ETA 10:45"),
    ("Fuel top-up 2 tanks, 95 each. Departure 0700", "Fuel top-up 2 tanks, … each. Departure 0700"),
    ("Slip 14 till 1800. Dock fee 35/night", "Slip 14 till 1800. Dock fee …/night"),
    ("Ice 15 per bag, 4 bags. Pickup 7:30", "Ice … per bag, 4 bags. Pickup 7:30"),
    (
        "Balance USD 640 outstanding; pickup 07:30 at marina gate 2",
        "Balance … outstanding; pickup 07:30 at marina gate 2",
    ),
    ("Corporate: 18 staff, invoice #4471 for 2,700 net 30", "Corporate: 18 staff, invoice #4471 for … net …"),
    (
        "Pd €300 dep by card. 2 adults 1 kid (age 7). Meet 7.30pm, pontoon C",
        "Pd … dep by card. 2 adults 1 kid (age 7). Meet 7.30pm, pontoon C",
    ),
    ("tips: skipper 50, deckie 30 - cash envelope in galley", "tips: skipper …, deckie … - cash envelope in galley"),
    (
        "Bday boy turns 9, 11 kids + 4 parents. Cake ok. Balance 320 USD cash on board",
        "Bday boy turns 9, 11 kids + 4 parents. Cake ok. Balance … cash on board",
    ),
    (
        "USD 2.4k total, 1.2k dep rcvd 3/14. Pickup 0700 Ritz Carlton dock",
        "… total, … dep rcvd 3/14. Pickup 0700 Ritz Carlton dock",
    ),
    (
        "Cash on board 600 (balance). Ages 35-50, 2 seasick prone",
        "Cash on board … (balance). Ages 35-50, 2 seasick prone",
    ),
    ("£85pp x 6 = £510, paid in full. Meet at 10:15 slip 8", "…pp x … = …, paid in full. Meet at 10:15 slip 8"),
    ("Group of 9 + dog. Paid 1/2 (375), rest on the day", "Group of 9 + dog. Paid 1/2 (…), rest on the day"),
    ("Charter 1,500-1,800 depending on route. 16 pax max", "Charter …-… depending on route. 16 pax max"),
    ("Tip jar left 75. Guests 7, 2 under 12", "Tip jar left …. Guests 7, 2 under 12"),
    (
        "Late checkout at 1600, Marina Inn room 12. Paid in full",
        "Late checkout at 1600, Marina Inn room 12. Paid in full",
    ),
    (
        "Lunch from Gino's 25 x 6, drinks BYO. Meet 9:45 at slip 3",
        "Lunch from Gino's … x 6, drinks BYO. Meet 9:45 at slip 3",
    ),
    (
        "Fam of 4 (kids 6 & 9), $ 95 per adult, kids half. Text 07700 900456 when parked",
        "Fam of 4 (kids … & …), … per adult, kids half. Text 07700 900456 when parked",
    ),
]


@pytest.mark.parametrize(("notes", "shown"), MONEY)
def test_an_amount_of_money_in_the_notes_is_hidden_from_crew(notes: str, shown: str) -> None:
    assert crew_notes(notes) == shown.replace("…", HIDDEN_AMOUNT)


@pytest.mark.parametrize("notes", HARMLESS)
def test_other_figures_in_the_notes_reach_crew_as_written(notes: str) -> None:
    assert crew_notes(notes) == notes


def test_each_line_of_the_notes_is_read_on_its_own() -> None:
    notes = "Owner share 624\n6 guests\nbalance due 1200 on arrival"
    assert crew_notes(notes) == f"Owner share {HIDDEN_AMOUNT}\n6 guests\nbalance due {HIDDEN_AMOUNT} on arrival"


@pytest.mark.parametrize(("notes", "shown"), OPERATOR_NOTES)
def test_an_operators_notes_reach_crew_with_their_money_hidden(notes: str, shown: str) -> None:
    assert crew_notes(notes) == shown.replace("…", HIDDEN_AMOUNT)


@pytest.mark.parametrize(("notes", "shown"), STAFF_NOTES)
def test_a_staffs_notes_reach_crew_with_every_amount_hidden_and_every_count_kept(notes: str, shown: str) -> None:
    assert crew_notes(notes) == shown.replace("…", HIDDEN_AMOUNT)


#: A review: a rupiah business writes its money as Indonesia does, "Rp 5.000.000" (a dot between thousands, more
#: than once), and yen as many write them; each reached crew as written.
MILLIONS = [
    ("Paid Rp 5.000.000 deposit, balance on the day", "Paid … deposit, balance on the day"),
    ("Balance Rp2.500.000 cash at the dock", "Balance … cash at the dock"),
    ("Rp. 750.000 for the snorkel gear", "… for the snorkel gear"),
    ("Paid 1.200.000 JPY", "Paid …"),
    ("Deposit IDR 2.500.000 received", "Deposit … received"),
    ("Total 12.500.000,50 IDR", "Total …"),
]


#: A price list whose items give each kind of guest a count ("x2", "2x", "2 x", "(x2)", "2 adults @") and a figure:
#: once one item's figure is a price, each item's figure in that place is, however small; the counts stay. Until
#: 2026-12-07 "Adults x2 85, kids x1 5" showed its 5, "adults x2 85 kids x1 5" its 85 and "adults 2x85 kids 1x5" both.
COUNTED_PRICE_LISTS = [
    ("Adults x2 85, kids x1 5", "Adults x2 …, kids x1 …"),
    ("adults x2 85 kids x1 5", "adults x2 … kids x1 …"),
    ("Adults x 2 85, kids x 1 5", "Adults x 2 …, kids x 1 …"),
    ("Adults x2 @ 85, kids x1 @ 5", "Adults x2 @ …, kids x1 @ …"),
    ("Adult x2: 85, Child x1: 5", "Adult x2: …, Child x1: …"),
    ("Adults (x2) 85, kids (x1) 5", "Adults (x2) …, kids (x1) …"),
    ("Adult ×2 85, Child ×1 5", "Adult ×2 …, Child ×1 …"),
    ("Adults x2 45, kids x1 5", "Adults x2 …, kids x1 …"),
    ("Kids x1 5, adults x2 85", "Kids x1 …, adults x2 …"),
    ("Adults x2 85\nKids x1 5", "Adults x2 …\nKids x1 …"),
    ("adults 2x85 kids 1x5", "adults 2x… kids 1x…"),
    ("Adults 2 x 85, kids 1 x 5", "Adults 2 x …, kids 1 x …"),
    ("Adults: 2 x 85, Kids: 1 x 5", "Adults: 2 x …, Kids: 1 x …"),
    ("Adult 85 x2, Child 5 x1", "Adult … x2, Child … x1"),
    ("2x adult 85, 1x child 5", "2x adult …, 1x child …"),
    ("2 x Adult (85), 1 x Child (5)", "2 x Adult (…), 1 x Child (…)"),
    ("2 Adults 85, 1 Child 5", "2 Adults …, 1 Child …"),
    ("2 adults at 85, 1 child at 5", "2 adults at …, 1 child at …"),
    ("2 adults - 85, 1 child - 5", "2 adults - …, 1 child - …"),
    ("2 adults 85 1 child 5", "2 adults … 1 child …"),
    ("Adults 2 (85), kids 1 (5)", "Adults 2 (…), kids 1 (…)"),
    ("adults 2 @ 85, kids 1 @ 5", "adults 2 @ …, kids 1 @ …"),
    ("Adults 2 @ 85 kids 1 @ 5", "Adults 2 @ … kids 1 @ …"),
    ("Adults x2 85, kids x1 5 at 16:00", "Adults x2 …, kids x1 … at 16:00"),
    # the counts stay in a sentence of money too, where a figure nothing names is hidden
    ("Adults 2 x 85, kids 1 x 5, deposit paid", "Adults 2 x …, kids 1 x …, deposit paid"),
    ("Adults x2 85, kids x1 5, deposit paid", "Adults x2 …, kids x1 …, deposit paid"),
    # a figure a word of money names before a kind of guest is no count of them, and stays hidden
    ("Deposit 85 kids 5", "Deposit … kids …"),
    # as they were: "@" after a count, and a currency, already priced each item
    ("2 adults @ 85, 1 child @ 5", "2 adults @ …, 1 child @ …"),
    ("2 adults @85, 1 child @5", "2 adults @…, 1 child @…"),
    ("Adults x2 $85, kids x1 5", "Adults x2 …, kids x1 …"),
    # items one a line as a bullet or a full stop writes them, or each priced "each": until 2026-12-07 the 5 showed
    ("Adults x2 85.\nKids x1 5.", "Adults x2 ….\nKids x1 …."),
    ("Adults x2 85. Kids x1 5.", "Adults x2 …. Kids x1 …."),
    ("- Adult x2: 85\n- Child x1: 5", "- Adult x2: …\n- Child x1: …"),
    ("• Adults x2 85\n• Kids x1 5", "• Adults x2 …\n• Kids x1 …"),
    ("* Adults x2 85\n\n* Kids x1 5", "* Adults x2 …\n\n* Kids x1 …"),
    ("2 adults at 85 each, 1 child at 5 each", "2 adults at … each, 1 child at … each"),
    ("2 adults at 85 each and 1 child at 5 each", "2 adults at … each and 1 child at … each"),
    ("2 adults @ 85 ea. / 1 child @ 5 ea.", "2 adults @ … ea. / 1 child @ … ea."),
    # a price in thousands, a count in brackets, "=" or "x" before the price: until 2026-12-07 the 5 showed
    ("Adults x2 1,200, kids x1 5", "Adults x2 …, kids x1 …"),
    ("Adults x2 1.200, kids x1 5", "Adults x2 …, kids x1 …"),
    ("Adult (2) 85, child (1) 5", "Adult (2) …, child (1) …"),
    ("Adults 2 = 85, kids 1 = 5", "Adults 2 = …, kids 1 = …"),
    ("2 adults x 85, 1 child x 5", "2 adults x …, 1 child x …"),
    # a code after each price, an em dash, numbered lines, a remark in brackets: until 2026-12-07 a count or a price
    # showed ("Child: [amount hidden] x [amount hidden]" lost the child's count, "Kids ×1 — 5" showed the 5)
    ("Adult: 2 x 85 USD\nChild: 1 x 5 USD", "Adult: 2 x …\nChild: 1 x …"),
    ("Child: 1 x 5 USD", "Child: 1 x …"),
    ("Adults ×2 — 85\nKids ×1 — 5", "Adults ×2 — …\nKids ×1 — …"),
    ("1) Adults x2 85\n2) Kids x1 5", "1) Adults x2 …\n2) Kids x1 …"),
    ("1. Adults x2 85\n2. Kids x1 5", "1. Adults x2 …\n2. Kids x1 …"),
    ("Kids x1 5 (under 12), adults x2 85", "Kids x1 … (under 12), adults x2 …"),
    # a price a kind of guest follows, after the item's own count: until 2026-12-07 the 85 showed ("85 kids")
    ("Adults x2 85 kids free", "Adults x2 … kids free"),
    ("adults 2 @ 85 kids 1 free", "adults 2 @ … kids 1 free"),
    ("Adults 2 x 85 kids under 5 free", "Adults 2 x … kids under 5 free"),
    ("Adult x2 85 infants free", "Adult x2 … infants free"),
    # counts in words: until 2026-12-07 the kid's 5 showed
    ("Adults two @ 85, kids one @ 5", "Adults two @ …, kids one @ …"),
    ("two adults 85, one kid 5", "two adults …, one kid …"),
    ("Adults x two 85, kids x one 5", "Adults x two …, kids x one …"),
    # each item's total after "=": until 2026-12-07 "kids 1 x 5 = 5" showed both
    ("Adults 2 x 85 = 170, kids 1 x 5 = 5", "Adults 2 x … = …, kids 1 x … = …"),
    ("Adult x2 85 = 170\nChild x1 5 = 5", "Adult x2 … = …\nChild x1 … = …"),
    # a currency code after a count's "x" is the price's: until 2026-12-07 "Kids x1 USD 5" showed all
    ("Adults x2 USD 85, kids x1 USD 5", "Adults x2 …, kids x1 …"),
    ("Kids x1 USD 5", "Kids x1 …"),
    ("Kids x1 EUR 5", "Kids x1 …"),
    # a kind's figures joined as a list are its ages, not its price: crew size life jackets by them (until
    # 2026-12-07 the first age read as a price once another item was priced)
    ("Adults x2 85, kids x2 (5, 7)", "Adults x2 …, kids x2 (5, 7)"),
    ("Adults x2 85, kids x2 (5 and 7)", "Adults x2 …, kids x2 (5 and 7)"),
    ("Adults x2 45, kids x2 5 and 7", "Adults x2 …, kids x2 5 and 7"),
    ("Adults x4 85\nKids x2 5 & 7 years old", "Adults x4 …\nKids x2 5 & 7 years old"),
    ("Adults x2 85, Kids x3 5, 7, 9", "Adults x2 …, Kids x3 5, 7, 9"),
    ("2 Adults 85, 2 Kids 5, 7 yrs", "2 Adults …, 2 Kids 5, 7 yrs"),
    ("Adults x2 85, kids x2 5/7", "Adults x2 …, kids x2 5/7"),
    ("Adults x2 85, kids x2 10,12", "Adults x2 …, kids x2 10,12"),
    ("Adults x6 21+, kids x2 10", "Adults x6 …+, kids x2 10"),  # "21+" an age, the 21 hidden in doubt, no price
    # but cents after a comma are still a price, and so is a figure a count of something else follows
    ("Adults x2 12,50, kids x1 5", "Adults x2 …, kids x1 …"),
    ("Kids x2 12,50, adults x2 85", "Kids x2 …, adults x2 …"),
    ("Adults x2 85, kids x1 5, 3 hours", "Adults x2 …, kids x1 …, 3 hours"),
    ("Adults x2 85, kids x1 5, 2 infants", "Adults x2 …, kids x1 …, 2 infants"),
    # a count times a figure is a price per head however small, the count before the "x" unless the "x" is written
    # against the second figure alone: until 2026-12-07 "Adults 2x15, kids 1x5" reached crew as written
    ("Adults 2x15, kids 1x5", "Adults 2x…, kids 1x…"),
    ("adults 2x15 kids 1x5", "adults 2x… kids 1x…"),
    ("Adults 2 x 15, kids 1 x 5", "Adults 2 x …, kids 1 x …"),
    ("Adult 15 x2, child 5 x1", "Adult … x2, child … x1"),
    ("Kids 2x5", "Kids 2x…"),
    ("Adults 25x30", "Adults …x…"),  # 25 adults at 30 or 30 at 25: until 2026-12-07 the 30 showed
    ("Kids: 3 x 12", "Kids: 3 x …"),
    ("Adults 2x15, kids 1x5, deposit paid", "Adults 2x…, kids 1x…, deposit paid"),
    # any word counted with "x" and a figure is an item of a list that prices one: until 2026-12-07 the 5s showed
    ("Grown-ups x2 85, littles x1 5", "Grown-ups x2 …, littles x1 …"),
    ("Adults x2 85, dog x1 5", "Adults x2 …, dog x1 …"),
    ("Adults x2 85\nDog x1 5", "Adults x2 …\nDog x1 …"),
    ("Adults x2 85, life jackets x2 4", "Adults x2 …, life jackets x2 …"),
    ("Seniors x2 60, grandkids x3 5", "Seniors x2 …, grandkids x3 …"),
    # a price in words, however small, once its list prices one: until 2026-12-07 "kids x1 five" showed
    ("Adults x2 eighty-five", "Adults x2 …"),
    ("Adults x2 eighty-five, kids x1 five", "Adults x2 …, kids x1 …"),
    ("Adults x2 85, kids x1 five", "Adults x2 …, kids x1 …"),
    ("two adults eighty-five, one kid five", "two adults …, one kid …"),
    ("Adults x2 eighty five\nKids x1 twelve", "Adults x2 …\nKids x1 …"),
    # and ages in words stay
    ("Adults x2 85, kids x2 five and seven", "Adults x2 …, kids x2 five and seven"),
    # a review: a total written against its "=" ("2x85=170") hid the total alone, and the 85 reached crew
    ("Adults 2x85=170, kids 1x5=5", "Adults 2x…=…, kids 1x…=…"),
    ("Adults 2x15=30, kids 1x5=5", "Adults 2x…=…, kids 1x…=…"),
    ("Adults x2 85=170, kids x1 5=5", "Adults x2 …=…, kids x1 …=…"),
    # a review: a total in brackets after its price ("kids 1x5 (5)") showed, and told the kids' price
    ("Adults 2x85 (170), kids 1x5 (5)", "Adults 2x… (…), kids 1x… (…)"),
    ("Adults x2 85 (170), kids x1 5 (5)", "Adults x2 … (…), kids x1 … (…)"),
    # a review: a kind counted before it and after its "x" read "2 kids x1" as an item priced 1, and the 5 showed
    ("Adults x2 85, 2 kids x1 5", "Adults x2 …, 2 kids x1 …"),
    ("4 adults x4 85\n2 kids x2 5", "4 adults x4 …\n2 kids x2 …"),
    # a review: an age written "yo", "y/o", "y.o." or "yr old" after a count read as a price, and crew lost it
    ("Adults x2 85, kids x1 5 yo", "Adults x2 …, kids x1 5 yo"),
    ("Adults 2x15, kids 1x5 y/o", "Adults 2x…, kids 1x5 y/o"),
    # a review: the figure after a count's "x" read as part of a word, so that each price so written that no counted
    # list took reached crew: "Deposit 2x100" showed its 100, "Total 2x850" and "Tickets 2x85" all of it
    ("Deposit 2x100", "Deposit …x…"),
    ("Paid 2x150 cash", "Paid …x… cash"),
    ("Total 2x850", "Total 2x…"),
    ("Adult tickets 2x85", "Adult tickets 2x…"),
    ("Tickets 2x85", "Tickets 2x…"),
    ("Fuel 2x85", "Fuel 2x…"),
    # a review: a count times a price in brackets or after a dash was no item of a list, and the kids' 5 showed
    ("Adults (2x85), kids (1x5)", "Adults (2x…), kids (1x…)"),
    ("Adults - 2x85, Kids - 1x5", "Adults - 2x…, Kids - 1x…"),
    ("Kids (2x5)", "Kids (2x…)"),
    ("Adults (2 x 15), kids (1 x 5)", "Adults (2 x …), kids (1 x …)"),
    # a review: a price "each" written "ea" against its figure read as part of a word, and showed ("12pp" did not)
    ("Adults 2x85ea, kids 1x5ea", "Adults 2x…ea, kids 1x…ea"),
    ("wine 30ea", "wine …ea"),
    ("Lunch 15ea", "Lunch …ea"),
    ("Adults x2 85pp, kids x1 5pp", "Adults x2 …pp, kids x1 …pp"),
    # a review: "2 adults @ 15" hid the 15, but "2x adults @ 15" (the count with its "x") showed it
    ("2x Adults @ 15, 1x kid @ 5", "2x Adults @ …, 1x kid @ …"),
    ("1 x kid @ 5", "1 x kid @ …"),
    # a review: "Kids 2x5" hid the 5, but a count before its kind times a small figure ("2 adults x 15") showed it
    ("2 adults x 15, 1 kid x 5", "2 adults x …, 1 kid x …"),
    ("4 pax x 15", "4 pax x …"),
    # a review: a kind the notes do not know counted times its figure ("littles 1x5") was no item of the list: its 5
    # showed, its count read "[amount hidden]" (read as a price before a count, as "Lunch 15x6" is: it still does)
    ("Grown-ups 2x85, littles 1x5", "Grown-ups 2x…, littles …x…"),
    ("Erwachsene 2x85, Kinder 1x5", "Erwachsene 2x…, Kinder …x…"),
    ("Adults 2 x 85, Dog 1 x 5", "Adults 2 x …, Dog … x …"),
    ("Adults 2x15, dog 1x5", "Adults 2x…, dog 1x…"),
    # a review: a word of money right before a figure names it, a kind counted after an "x" next: until 2026-12-07 the
    # 85 and the 300 showed, read as a number of kids
    ("Deposit 85 kids x1 5", "Deposit … kids x1 …"),
    ("Balance 300 kids x2", "Balance … kids x2"),
    ("Deposit 85 kids (x1) 5", "Deposit … kids (x1) …"),
    # a review: a small figure after "@" or "at" and a kind's count is a price when it has no clock's shape and its
    # list names no time so ("2 adults at 10, 1 child at 10.30" stays): until 2026-12-07 the 15 and the 5 showed
    ("Adults 2 @ 15", "Adults 2 @ …"),
    ("Adults 2 at 15", "Adults 2 at …"),
    ("Adults 2 @ 15, kids 1 @ 5", "Adults 2 @ …, kids 1 @ …"),
    ("Kids 1 at 5", "Kids 1 at …"),
    ("Adults x2 @ 15, kids x1 at 5", "Adults x2 @ …, kids x1 at …"),
    ("2 adults at 15, 1 child at 5", "2 adults at …, 1 child at …"),
    # a review: adults and children as "A" and "C" against their counts, or a kind's count with "pax" after it: until
    # 2026-12-07 the kids' 5 showed
    ("2A x 85, 1C x 5", "2A x …, 1C x …"),
    ("2A @ 85, 1C @ 5", "2A @ …, 1C @ …"),
    ("Party: 2A x 85, 1C x 5", "Party: 2A x …, 1C x …"),
    ("Cabin 2 for 2A x 85, 1C x 5", "Cabin 2 for 2A x …, 1C x …"),
    ("Adults 2 pax x 85, kids 1 pax x 5", "Adults 2 pax x …, kids 1 pax x …"),
    ("Adults 2 pax @ 85, kids 1 pax @ 5", "Adults 2 pax @ …, kids 1 pax @ …"),
    # a list of prices after "x" and one of times after "at" on the next line: each read as written
    ("Kids 1 pax x 5\n2 adults at 10, 1 child at 10.30", "Kids 1 pax x …\n2 adults at 10, 1 child at 10.30"),
    ("Adults x2 at 85, kids x1 at 5, pickup at 9:30", "Adults x2 at …, kids x1 at …, pickup at 9:30"),
    # a time of another list, or of no list, on the line makes no price a time
    ("Adults 2 @ 15, pickup at 9:30", "Adults 2 @ …, pickup at 9:30"),
    ("Adults 2 @ 15, 2 adults at 10, 1 child at 10.30", "Adults 2 @ …, 2 adults at 10, 1 child at 10.30"),
    # a review: a clock after "at" beside a list makes its figures after "at" times, not those after "@" (until
    # 2026-12-07 the 15 showed)
    ("Adults 2 @ 15, 2 Adults at 9:30", "Adults 2 @ …, 2 Adults at 9:30"),
    ("Kids 1 @ 5, pickup 2 kids at 9:30", "Kids 1 @ …, pickup 2 kids at 9:30"),
    ("Pickup fee 2 adults at 15, 1 kid at 5", "Pickup fee 2 adults at …, 1 kid at …"),
    ("Meet at 9:30. Adults 2 @ 15", "Meet at 9:30. Adults 2 @ …"),
    ("Departing 9:30 with 2 adults at 15 and 1 kid at 5", "Departing 9:30 with 2 adults at … and 1 kid at …"),
    # a review: a word naming the next figure after an item's figure is no count of it (until 2026-12-07 the 5 showed)
    ("Adults 2x15 kids 1x5 ages 4 and 7", "Adults 2x… kids 1x… ages 4 and 7"),
    ("Adults x2 85 kids x1 5 ages 4", "Adults x2 … kids x1 … ages 4"),
    # the fifteenth session: a list of kinds counted after an "x" (or in brackets), each figure apart and under 20,
    # was read as ages and showed; one age is not written for a whole kind, so they are its prices, the counts kept
    ("Adults x2 15, kids x1 5", "Adults x2 …, kids x1 …"),
    ("Adults x2 15 kids x1 5", "Adults x2 … kids x1 …"),
    ("Adults ×2 15, kids ×1 5", "Adults ×2 …, kids ×1 …"),
    ("Adults (x2) 15, kids (x1) 5", "Adults (x2) …, kids (x1) …"),
    ("Adults x2: 15, kids x1: 5", "Adults x2: …, kids x1: …"),
    ("Adult (2) 15, child (1) 5", "Adult (2) …, child (1) …"),
    ("Adults x2 12\nKids x1 5", "Adults x2 …\nKids x1 …"),
    # the sixteenth session: so are such lists with the count before the kind, or after it with a space alone
    ("2 adults 15, 1 kid 5", "2 adults …, 1 kid …"),
    ("2 x Adult 15, 1 x Child 5", "2 x Adult …, 1 x Child …"),
    ("Adults 2 15, kids 1 5", "Adults 2 …, kids 1 …"),
    ("Adults 2 15 kids 1 5", "Adults 2 … kids 1 …"),
    ("Adults: 2 15, Kids: 1 5", "Adults: 2 …, Kids: 1 …"),
    ("Adults 2 15, kids 1 5, deposit paid", "Adults 2 …, kids 1 …, deposit paid"),
    ("2 adults 15\n1 kid 5", "2 adults …\n1 kid …"),
    ("2A 15, 1C 5", "2A …, 1C …"),
    ("2 adults 45, 1 kid 5", "2 adults …, 1 kid …"),
    # and an item's total after an arrow, as after "="
    ("Adults 2 x 85 -> 170, kids 1 x 5 -> 5", "Adults 2 x … -> …, kids 1 x … -> …"),
]


@pytest.mark.parametrize(("notes", "shown"), COUNTED_PRICE_LISTS)
def test_each_item_of_a_counted_price_list_has_its_price_hidden_and_its_count_kept(notes: str, shown: str) -> None:
    assert crew_notes(notes) == shown.replace("…", HIDDEN_AMOUNT)


#: Judged and kept: a list of kinds of guest under 20 read as head counts ("Adults 12, kids 5"), and a counted item no
#: price in its list says is priced.
COUNTED_KEPT = [
    "Adults 12, kids 5",
    "Kids x1 5",
    "Adults 2x, kids 1x",
    "2 kids 5 and 7, 4 adults",
    "4 adults 2 kids 3 infants",
    "Adults x2 3 hours, kids x1 5",
    "Kids 3 (ages 5 and 7)",
    "Kids (2) 5 and 7, adults (2)",
    # times after "at" or "@" are times, not prices that make a list priced (until 2026-12-07 "at 10.30" hid both)
    "2 adults at 10, 1 child at 10.30",
    "Adults 2 @ 9.30, kids 1 @ 9.30",
    "Adults x2 at 16.00, kids x1 at 8",
    "2 adults at 10.30",
    # a small figure for each kid counted, joined by commas, lists their ages (until 2026-12-07 read as cents)
    "Kids x2 10,12",
    "Kids two 5 and 7, adults four",
    "two adults, one kid 5",
    "Adults x2 4 kids 2 infants",
    "Kids x2 5,7",
    "2 kids 10,12",
    "Kids 2 (10,12)",
    "Adults x2, kids x2 8,10",
    "2 adults x 3 hours",
    # a word counted with "x" alone, or in a list that prices nothing, is no price: a size, a count, an age
    "Life jackets x2 4",
    "dog x1 5",
    "Rods x2 4, reels x1 3",
    "Kayaks x2, paddles x4",
    "Adults x2 15",
    "Adults x2 15, kids x1 5 y/o",
    "Adults x2 15, kids x2 (5, 7)",
    "Adults x2 15, dog x1 5",  # one kind of guest counted so: its figure is as often an age
    "Kids x1 5, life jackets x2 4",
    "Kids x1 5, life jackets x2 4. Kids x1 5, life jackets x2 4.",  # one kind of guest said twice
    "Kids x2 5 and 7 years old",
    "Kids x3 5, 7, 9",
    "Kids 2x5 years old",
    "Kids 2 x 3 hours",
    "Kids 2x5 and 7",
    "Kids x2 five and seven",
    "Kids x1 five",
    "Adults x2 3 hours, dog x1 5",
    "Kids 2x5 yo",
    "Kids 2x5 y/o",
    "Kids 2 x 5 y.o.",
    "Kids 2x5 yr old",
    "Kids x1 5 y/o",
    "Kids 3x 5-7yo",
    "Kids 2x5-7 y/o",
    # and a figure after a count's "x" that something names stays, read on its own
    "2x20 min snorkel",
    "Tanks 2x80 cu ft",
    "Anchors 2x25 lb",
    "2x40 ft lines",
    "Boat 2x200hp",
    "Bring 4x4 truck",
    "Dive tanks 2x12L",
    "Life jackets 2x4",
    "Kids (2x5 and 7)",
    "Kids (2x5 yo)",
    "2 kids x 5 and 7",
    "2 kids x 5 yo",
    "2 adults x 3 hours, 1 kid x 2 hours",
    "Rods 2x4, reels 2x3",
    "Life jackets 2x4, fins 2x9",
    # a time after "@" or "at" with a clock's shape, or in a list that names one so, stays a time
    "Adults 2 @ 9.30",
    "Adults x2 at 16:00, kids x1 at 8",
    "2 Adults at 9:30, 1 kid at 8",
    "Adults 2 at 1600",
    "Kids 1 @ 0930",
    # a review: a word of a time before a list in its clause makes its figures after "at" or "@" times (until
    # 2026-12-07 crew read "Pickup 2 adults at [amount hidden]")
    "Pickup 2 adults at 10 from the Hilton",
    "Pickup: 4 adults at 9, 2 kids at 10",
    "Meet at the marina: 6 adults at 10",
    "2A 1C",
    "4 adults 2 kids x1",
    # a review: "A" or "C" after a number a place's word names is its letter, not adults or children (until 2026-12-07
    # the counts after the "x" read [amount hidden])
    "Cabin 2C x 2",
    "Gate 2A x 3",
    "Slip 1C x 2",
    "Berth 4A x 2, 4C x 1",
    "Seats 12A x 1, 12C x 1",
    "Cabins 2A x 2, 2C x 2",
    # the sixteenth session: a count before or after its kind with a figure apart, alone or beside no other kind of
    # guest, stays (an age as often), and so do counts of hours
    "2 adults 15",
    "Adults 2 15",
    "2 x Adult 15",
    "2 adults 15, 1 dog 5",
    "2 adults 15, 2 kids 5 and 7",
    "Adults 2 3 hours, kids 1 2 hours",
    "Kids 2 5,7",
]


@pytest.mark.parametrize("notes", COUNTED_KEPT)
def test_a_counted_item_no_price_says_is_priced_reaches_crew_as_written(notes: str) -> None:
    assert crew_notes(notes) == notes


@pytest.mark.parametrize(("notes", "shown"), MILLIONS)
def test_millions_written_with_dots_or_in_rupiah_are_hidden_from_crew(notes: str, shown: str) -> None:
    assert crew_notes(notes) == shown.replace("…", HIDDEN_AMOUNT)


#: Lines a long note repeats up to the 2,000 characters a booking's notes hold: each line is read as it is alone.
LONG_NOTES = [
    "Deposit 85 kids x1 5, 2x3 slip 14, Adults 2 @ 15, 2 adults at 10, 1 child at 10.30\n",
    "Paid 200 of 400, ages 4 and 7; 3 vans, 8 each; Lunch for 22. ",
    "2x3 ",
    "Deposit 85 ",
    "Max <span>24</span> on board, slip 14 x 2, deposit paid. ",
    "max 24 on board lunch for 22 ",  # a clause no comma breaks, each figure asking it for a word of money
    "parking 5; Dep 6 x 15:30, lunch 6 x 15: 90, ice 8 bags\n",  # the fifteenth session's shapes
    "Adults x2 15, kids x1 5\n",
    "Lunch 6 @ 15, ice 3 bags 8, back @ 1530\n",
    "Lunch 6 @ 12.50, lunch (6) @ 15, ice 3 bags at 8, 2 adults 15, 1 kid 5, lunch 6 x 15 -> 90\n",  # the sixteenth's
    "(6) @ 15 ",  # a bracket before "@" looked for near the figure, not in all the note before it
]


@pytest.mark.parametrize("line", LONG_NOTES)
def test_a_long_note_reads_as_each_of_its_lines_alone(line: str) -> None:
    """Each figure is read by the words of its clause near it (a clause read whole before each figure made a 2,000
    character note's first crew view take most of a second): a note of MAX_NOTES repeating a line reads as the line."""
    times = MAX_NOTES // len(line)
    assert crew_notes(line * times) == crew_notes(line) * times


def test_a_word_of_money_far_back_in_a_long_clause_still_prices_the_count_it_would_name() -> None:
    """A word of money 150 characters back, in a clause no comma breaks, still makes "max 50 on board" a price, as "Tip
    max 50 on board" is: the clause is read whole for a word of money."""
    filler = "with the boat the crew the fuel the ice the bait the rods the snorkel gear the towels the music "
    notes = f"Total {filler}the flowers the cake and the drinks for everyone max 50 on board"
    assert notes.index("50") > 150
    assert crew_notes(notes) == notes.replace("50", HIDDEN_AMOUNT)


#: A review: markup or spaces from a pasted e-mail between a word and its figure, longer than the words read before a
#: figure (a styled span, a run of "&nbsp;"): until 2026-12-07 they pushed the word out of reach, and crew read
#: "Deposit: … 85", "Paid … 200 of …" and "Rate: … 45 kids x1 5", and lost "Slip … 14" and "Pickup … 10.30".
PASTED_BETWEEN = [
    '<span style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; color: #222" title="Meet at the dock">',
    "&nbsp;" * 18,
    "<br>" * 30,
    " " * 110,
]
WORD_AND_FIGURE = [
    ("Deposit: ", "85 kids x1 5"),
    ("Paid ", "85 each"),
    ("Paid ", "200 of 400"),
    ("Rate: ", "45 kids x1 5"),
    ("Slip ", "14, deposit paid"),
    ("Pickup ", "10.30, deposit paid"),
    ("Lunch for ", "22"),
]


@pytest.mark.parametrize("between", PASTED_BETWEEN)
@pytest.mark.parametrize(("word", "figure"), WORD_AND_FIGURE)
def test_markup_or_spaces_between_a_word_and_its_figure_read_as_a_space(word: str, between: str, figure: str) -> None:
    read = crew_notes(word + figure)
    assert read != word + figure or word == "Lunch for " or figure.startswith(("14", "10.30"))
    assert crew_notes(word + between + figure) == word + between + read[len(word) :]
