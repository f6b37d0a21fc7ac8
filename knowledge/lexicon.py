"""The words the matcher knows: fillers, stopwords, domain synonyms, slots, intents.

Everything here is vocabulary of a hair salon's front desk in general, not of one salon or one
question: the salon's own names (its staff, its name) come from the business profile at runtime.

Concepts are plain strings. A few prefixes give them a role (see `analysis.Analysis`):
- `day:`, `holiday:`, `audience:`, `variant:`, `person:` — slots; when a question names one, the
  answer must be about that same value;
- `?price`, `?duration`, `?when`, `?person`, `?location`, `?phone`, `?count` — intents: the kind
  of information the caller asks for, which the answer must contain (a price, a time, a name ...).

Synonyms are the lever for recall (a missing one makes the receptionist escalate, which is safe);
slots, intents and risk words are the levers for precision (a missing one could let a wrong
answer through), so keep those generous.
"""

from __future__ import annotations

# --- intents --------------------------------------------------------------------------------
PRICE = "?price"
DURATION = "?duration"
WHEN = "?when"
PERSON = "?person"
LOCATION = "?location"
PHONE = "?phone"
COUNT = "?count"
INTENTS = frozenset({PRICE, DURATION, WHEN, PERSON, LOCATION, PHONE, COUNT})

# --- concepts with a special role -------------------------------------------------------------
BOOK = "book"  # booking an appointment
WALKIN = "walkin"  # coming in without one
HOURS = "hours"  # opening hours: open, close, hours
AVAILABILITY = "availability"  # a person's or a slot's availability: never a static fact
WORK = "work"  # becomes AVAILABILITY next to a person's name, else dropped
DURATION_WORD = "duration"  # "3 hours", "45 minutes" in a text (not opening hours)
WHEREABOUTS = "whereabouts"  # "where", before matching decides whether it means the salon's location
PERSONAL = "personal"  # the caller's own appointment, stylist or bill: known to no static fact
DAYPART = "daypart"  # morning, evening ...: answered by opening times, and by nothing else
BRANCH = "branch"  # another location of the salon: none is known, so no fact of this one answers for it
NOW = "now"  # today, tonight, this week: what is true at the moment asked, see POLICIES
STAFF = "staff"  # a stylist, a hairdresser, the team: someone who works at the salon
RELATIVE = "relative"  # someone of the caller's who is not family: a friend, a partner, a neighbour
ARRIVE = "arrive"  # the caller arriving ("running late"): a late arrival is no late cancellation

# Multi-word expressions, rewritten before anything else (longest first). A value may expand to
# several tokens; tokens starting with "?" are intents, "@" marks a concept that skips stemming.
PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    # fillers and politeness that carry no meaning
    ("you", "guys"): ("you",),
    ("you", "all"): ("you",),
    ("you", "know"): (),
    ("i", "mean"): (),
    ("kind", "of"): (),
    ("sort", "of"): (),
    ("i", "was", "wondering"): (),
    ("i", "wanted", "to", "know"): (),
    ("can", "you", "tell", "me"): (),
    ("could", "you", "tell", "me"): (),
    ("do", "you", "know"): (),
    ("i", "would", "like", "to", "know"): (),
    ("go", "ahead"): (),  # handing the turn over ("... Go ahead."), or "can I go ahead and book?"
    # "sat" after someone is the verb ("if he sat with me"), not Saturday's three letters
    **{(who, "sat"): () for who in ("i", "he", "she", "we", "they", "it", "who", "just", "had", "have", "and")},
    **{("sat", where): (where,) for where in ("with", "down", "beside", "next", "there", "here")},
    # intents
    ("how", "much", "time"): (DURATION,),
    ("how", "many", "minutes"): (DURATION,),
    ("how", "many", "hours"): (DURATION,),
    ("how", "many", "hrs"): (DURATION,),
    ("how", "much"): (PRICE,),
    ("how", "many"): (COUNT,),
    ("how", "far", "in", "advance"): (WHEN, "@ahead"),
    ("how", "far", "ahead"): (WHEN, "@ahead"),
    ("how", "soon"): (WHEN,),
    ("how", "long"): (DURATION,),
    # "it doesn't take long, does it?", "is it a quick one?": how long it takes, asked yes or no
    **{
        (verb, *very, "long"): (DURATION,) for verb in ("take", "takes", "taking") for very in ((), ("very",), ("too",))
    },
    ("quick", "one"): (DURATION,),
    ("it", "quick"): (DURATION,),
    ("that", "quick"): (DURATION,),
    # choosing among the team asks for a person, not about the team ("which of your stylists ...",
    # "which of your people ..."; a group said only as one of them)
    **{
        (lead, *among, role): (PERSON,)
        for lead in ("which", "what", "any", "one")
        for among in ((), ("of", "your"), ("of", "the"), ("of", "you"))
        for role in (
            *("stylist", "stylists", "hairdresser", "hairdressers", "colorist", "colorists", "barber", "barbers"),
            *(("people", "staff", "team", "guys", "girls", "ladies") if among else ()),
        )
        if lead != "one" or among
    },
    **{
        (lead, where, whose, "team"): (PERSON,)
        for lead in ("who", "anyone", "someone")
        for where in ("on", "in")
        for whose in ("your", "the")
    },
    ("what", "time"): (WHEN,),
    ("what", "times"): (WHEN,),
    ("until", "when"): (WHEN,),
    ("how", "late"): (WHEN, "@" + HOURS),
    ("open", "late"): (WHEN, "@" + HOURS),
    ("open", "early"): (WHEN, "@" + HOURS),
    ("close", "early"): (WHEN, "@" + HOURS),
    ("close", "late"): (WHEN, "@" + HOURS),
    ("how", "early"): (WHEN, "@" + HOURS),
    ("what", "days"): (WHEN,),
    ("which", "days"): (WHEN,),
    ("what", "day"): (WHEN,),
    ("which", "day"): (WHEN,),
    ("how", "do", "i", "get", "to"): (LOCATION, "@location"),
    ("how", "do", "i", "get", "there"): (LOCATION, "@location"),
    ("how", "do", "i", "find", "you"): (LOCATION, "@location"),
    ("phone", "number"): (PHONE, "@phone"),
    ("telephone", "number"): (PHONE, "@phone"),
    ("email", "address"): ("@email",),
    ("e", "mail", "address"): ("@email",),
    ("e", "mail"): ("@email",),
    ("web", "site"): ("@website",),
    # opening hours vs. openings (free slots)
    ("business", "hours"): ("@" + HOURS,),
    ("hours", "of", "operation"): ("@" + HOURS,),
    ("operating", "hours"): ("@" + HOURS,),
    ("opening", "hours"): ("@" + HOURS,),
    ("opening", "times"): ("@" + HOURS,),
    ("open", "hours"): ("@" + HOURS,),
    ("any", "opening"): ("@" + AVAILABILITY,),
    ("an", "opening"): ("@" + AVAILABILITY,),
    # services and things with a hyphen or a space in them
    ("in", "advance"): ("@ahead",),
    # "48 hours before", "two days ahead": an amount of time (`analysis._DURATION_TEXT`) before something
    (DURATION_WORD, "before"): ("@" + DURATION_WORD, "@ahead"),
    (DURATION_WORD, "ahead"): ("@" + DURATION_WORD, "@ahead"),
    (DURATION_WORD, "beforehand"): ("@" + DURATION_WORD, "@ahead"),
    (DURATION_WORD, "prior"): ("@" + DURATION_WORD, "@ahead"),
    ("show", "up"): ("@arrive",),
    ("turn", "up"): ("@arrive",),
    ("get", "there"): ("@arrive",),
    ("walk", "in"): ("@walkin",),
    ("walk", "ins"): ("@walkin",),
    ("blow", "dry"): ("@blowout",),
    ("blow", "drying"): ("@blowout",),
    ("blow", "out"): ("@blowout",),
    ("blow", "outs"): ("@blowout",),
    ("up", "do"): ("@updo",),
    ("up", "dos"): ("@updo",),
    ("touch", "up"): ("@touchup",),
    ("touch", "ups"): ("@touchup",),
    ("no", "show"): ("@noshow",),
    ("not", "show", "up"): ("@noshow",),
    ("not", "turn", "up"): ("@noshow",),
    ("not", "come"): ("@noshow",),
    ("no", "shows"): ("@noshow",),
    ("no", "charge"): ("@free",),
    ("no", "cost"): ("@free",),
    ("free", "of", "charge"): ("@free",),
    ("down", "payment"): ("@deposit",),
    ("running", "late"): ("@late", "@" + ARRIVE),
    ("running", "behind"): ("@late", "@" + ARRIVE),
    # "sun" is Sunday only beside opening hours ("hrs sun?"): alone it is a thing too
    **{
        said: ("@" + HOURS, "day:sunday")
        for said in (("hrs", "sun"), ("hours", "sun"), ("sun", "hrs"), ("sun", "hours"))
    },
    **{said: ("@" + HOURS, "day:sunday") for said in (("open", "sun"), ("open", "on", "sun"), ("opening", "sun"))},
    ("duration", "behind"): ("duration", "@late", "@" + ARRIVE),  # "twenty minutes behind" (analysis reads "duration")
    ("hair", "loss"): ("@hairloss",),
    ("fell", "out"): ("@hairloss",),
    ("falling", "out"): ("@hairloss",),
    ("special", "event"): ("@special-event",),
    ("special", "events"): ("@special-event",),
    ("close", "by"): (),
    ("close", "to", "the"): (),
    ("set", "aside"): (),
    ("in", "person"): (),
    ("is", "it", "true"): (),
    ("i", "can", "use"): (),
    ("can", "i", "use"): (),
    # a stylist's gender is not in any profile ("men's cuts" says whom Sam serves, not who Sam is)
    **{
        (gender, staff): ("@staff-gender", "@staff", PERSON)
        for gender in ("male", "female", "man", "woman", "lady", "guy", "girl")
        for staff in ("stylist", "stylists", "hairdresser", "hairdressers", "barber", "barbers", "colorist")
    },
    ("is", "that", "true"): (),
    # opening hours said other ways
    ("you", "start"): ("@" + HOURS,),
    ("you", "begin"): ("@" + HOURS,),
    ("doors", "open"): ("@" + HOURS,),
    # money slang
    ("run", "me"): (PRICE,),
    ("set", "me", "back"): (PRICE,),
    ("price", "list"): (PRICE, "@service"),
    ("your", "prices"): (PRICE, "@service"),
    ("your", "rates"): (PRICE, "@service"),
    ("how", "much", "notice"): (WHEN, "@ahead"),
    # where
    ("part", "of", "town"): ("@neighborhood",),
    ("part", "of", "the", "city"): ("@neighborhood",),
    ("cross", "street"): ("@neighborhood",),
    ("cross", "streets"): ("@neighborhood",),
    ("web", "address"): ("@website",),
    ("web", "page"): ("@website",),
    # booking, paying
    ("i", "schedule"): ("@book",),
    ("to", "schedule"): ("@book",),
    ("write", "a", "check"): ("@check",),
    ("write", "you", "a", "check"): ("@check",),
    ("personal", "check"): ("@check",),
    ("personal", "checks"): ("@check",),
    ("apple", "pay"): ("@applepay", "@mobilepay", "@pay"),
    ("google", "pay"): ("@googlepay", "@mobilepay", "@pay"),
    ("samsung", "pay"): ("@samsungpay", "@mobilepay", "@pay"),
    ("single", "process"): ("variant:single",),
    ("one", "process"): ("variant:single",),  # "the one process" is the single-process colour
    ("full", "head"): ("variant:full",),
    ("half", "head"): ("variant:partial",),
    ("partial", "head"): ("variant:partial",),
    ("who", "runs"): (PERSON, "@owner"),
    ("who", "run"): (PERSON, "@owner"),
    ("pay", "with", "my", "phone"): ("@pay", "@mobilepay"),
    ("pay", "with", "your", "phone"): ("@pay", "@mobilepay"),
    # services said other ways
    ("clean", "up"): ("@haircut",),
    ("cleaned", "up"): ("@haircut",),
    ("tidy", "up"): ("@haircut",),
    ("tidied", "up"): ("@haircut",),
    ("shape", "up"): ("@haircut",),
    # a beard trim is not a haircut: "how much is a trim?" must not get the beard's price
    **{phrase: ("@beardtrim",) for phrase in (("beard", "trim"), ("beard", "trims"), ("beard", "trimming"))},
    **{
        phrase: ("@beardtrim",)
        for phrase in (
            ("beard", "cleaned", "up"),
            ("beard", "tidied", "up"),
            ("beard", "tidy"),
            ("beard", "tidy", "up"),
        )
        + (("beard", "clean", "up"), ("beard", "cleanup"), ("beard", "shape", "up"), ("beard", "shaping"))
    },
    ("special", "occasion"): ("@special-event",),
    ("special", "occasions"): ("@special-event",),
    ("hair", "products"): ("@product",),
    ("hair", "product"): ("@product",),
    # things the demo salon does not know, named so that their words stay together
    ("gift", "card"): ("@giftcard",),
    ("gift", "cards"): ("@giftcard",),
    ("gift", "certificate"): ("@giftcard",),
    ("gift", "certificates"): ("@giftcard",),
    ("gift", "voucher"): ("@giftcard",),
    ("gift", "vouchers"): ("@giftcard",),
    ("wi", "fi"): ("@wifi",),
    ("internet", "access"): ("@wifi",),
    ("wheelchair", "access"): ("@accessibility",),
    ("wheelchair", "accessible"): ("@accessibility",),
    ("loyalty", "program"): ("@loyalty",),
    ("rewards", "program"): ("@loyalty",),
    ("reward", "program"): ("@loyalty",),
    ("punch", "card"): ("@loyalty",),
    ("loyalty", "card"): ("@loyalty",),
    ("rewards", "card"): ("@loyalty",),
    ("quick", "question"): (),
    ("check", "in"): ("@checkin",),
    ("check", "ins"): ("@checkin",),
    # time words relative to now: unknowable from static facts, so left as (uncovered) content
    ("right", "now"): ("@now",),
    ("day", "after"): ("@relative-day",),
    ("days", "after"): ("@relative-day",),
    ("weekend", "after"): ("@relative-day",),
    ("week", "of"): ("@relative-day",),
    **{("day", "before", h): ("@relative-day", f"holiday:{h}") for h in ("christmas", "thanksgiving", "easter")},
    ("this", "week"): ("@now",),
    ("next", "week"): ("@now",),
    # holidays (several words, or a word that would otherwise be a weekday)
    ("new", "year", "eve"): ("holiday:new-years-eve",),
    ("new", "years", "eve"): ("holiday:new-years-eve",),
    ("new", "year", "day"): ("holiday:new-year",),
    ("new", "years", "day"): ("holiday:new-year",),
    ("new", "years"): ("holiday:new-year",),
    ("new", "year"): ("holiday:new-year",),
    ("christmas", "eve"): ("holiday:christmas-eve",),
    ("xmas", "eve"): ("holiday:christmas-eve",),
    ("christmas", "day"): ("holiday:christmas",),
    ("thanksgiving", "day"): ("holiday:thanksgiving",),
    ("turkey", "day"): ("holiday:thanksgiving",),
    ("black", "friday"): ("holiday:black-friday",),
    ("good", "friday"): ("holiday:good-friday",),
    ("fourth", "of", "july"): ("holiday:independence-day",),
    ("4th", "of", "july"): ("holiday:independence-day",),
    ("july", "4th"): ("holiday:independence-day",),
    ("july", "4"): ("holiday:independence-day",),
    ("independence", "day"): ("holiday:independence-day",),
    ("memorial", "day"): ("holiday:memorial-day",),
    ("labor", "day"): ("holiday:labor-day",),
    ("labour", "day"): ("holiday:labor-day",),
    ("mother", "day"): ("holiday:mothers-day",),
    ("mothers", "day"): ("holiday:mothers-day",),
    ("father", "day"): ("holiday:fathers-day",),
    ("fathers", "day"): ("holiday:fathers-day",),
    ("valentine", "day"): ("holiday:valentines-day",),
    ("valentines", "day"): ("holiday:valentines-day",),
    ("easter", "sunday"): ("holiday:easter",),
    ("easter", "monday"): ("holiday:easter-monday",),
}

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()
TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Whole words looked up before stemming (slots and intents).
SURFACE: dict[str, tuple[str, ...]] = {
    # spoken numbers are numbers (soft, like digits): "he's seven"
    **{word: (f"num:{value}",) for value, word in enumerate(NUMBER_WORDS) if word != "one"},
    **{
        form: (f"day:{day}",)
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        for form in (day, day + "s")
    },
    "tues": ("day:tuesday",),
    "thurs": ("day:thursday",),
    # the three-letter forms of a text or a calendar ("sat hrs?"); not "sun", a thing too
    **{day[:3]: (f"day:{day}",) for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday")},
    "weekend": ("day:saturday", "day:sunday"),
    "weekends": ("day:saturday", "day:sunday"),
    "weekday": tuple(f"day:{d}" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")),
    "weekdays": tuple(f"day:{d}" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")),
    "christmas": ("holiday:christmas",),
    "xmas": ("holiday:christmas",),
    "thanksgiving": ("holiday:thanksgiving",),
    "easter": ("holiday:easter",),
    "halloween": ("holiday:halloween",),
    "hanukkah": ("holiday:hanukkah",),
    # "holidays" in general is a value of the holiday slot too: "hours on holidays" is not "hours"
    "holiday": ("holiday:any",),
    "holidays": ("holiday:any",),
    # who is asked for
    "men": ("audience:men",),
    "man": ("audience:men",),
    "mens": ("audience:men",),
    "male": ("audience:men",),
    "guy": ("audience:men",),
    "guys": ("audience:men",),
    "gent": ("audience:men",),
    "gents": ("audience:men",),
    "gentleman": ("audience:men",),
    "gentlemen": ("audience:men",),
    "women": ("audience:women",),
    "woman": ("audience:women",),
    "womens": ("audience:women",),
    "female": ("audience:women",),
    "lady": ("audience:women",),
    "ladies": ("audience:women",),
    "kid": ("audience:children",),
    "kids": ("audience:children",),
    "child": ("audience:children",),
    "children": ("audience:children",),
    "childrens": ("audience:children",),
    "toddler": ("audience:children",),
    "toddlers": ("audience:children",),
    # (family words: "my daughter", "my husband" are vocabulary data, knowledge/fixtures/vocabulary.yaml)
    **{w: ("audience:children",) for w in ("boy", "boys", "girl", "girls")},
    # variants of one service
    "full": ("variant:full",),
    "partial": ("variant:partial",),
    "partials": ("variant:partial", "highlight"),  # a salon's "partials" are partial highlights
    "single": ("variant:single",),
    "double": ("variant:double",),
    # a role asks for a person: the answer must name one
    **{
        w: (STAFF, PERSON)
        for w in ("stylist", "stylists", "hairdresser", "hairdressers", "hairstylist", "hairstylists")
    },
    **{w: ("color", PERSON) for w in ("colorist", "colorists", "colourist", "colourists")},
    "barber": ("barber", PERSON),
    "barbers": ("barber", PERSON),
    # intents
    "when": (WHEN,),
    "who": (PERSON,),
    "whom": (PERSON,),
    "anyone": (PERSON,),
    "anybody": (PERSON,),
    "someone": (PERSON,),
    "somebody": (PERSON,),
    # "where are you?" asks for the salon's location; "where can I park?" for parking (analysis
    # keeps WHEREABOUTS only when the question names nothing else)
    "where": (LOCATION, WHEREABOUTS),
    "address": (LOCATION, "location"),
    "addy": (LOCATION, "location"),  # chat for address
    "number": (PHONE, "phone"),
    "cost": (PRICE,),
    "costs": (PRICE,),
    "price": (PRICE,),
    "prices": (PRICE,),
    "pricing": (PRICE,),
    "priced": (PRICE,),
    "charge": (PRICE,),
    "charges": (PRICE,),
    "charged": (PRICE,),
    "fee": (PRICE,),
    "fees": (PRICE,),
    "expensive": (PRICE,),
    "cheap": (PRICE,),
    "rate": (PRICE,),
    # a sum of money said asks for the price ("is it a hundred and twenty dollars?")
    **{w: (PRICE,) for w in ("dollar", "dollars", "bucks", "usd")},
    "person": (PERSON,),
    "name": (PERSON,),
    "names": (PERSON,),
    # the caller's own booking or bill (see analysis._PERSONAL): never a general fact
    "personalrecord": (PERSONAL,),
    # a card brand is a way to pay
    **{w: ("card", "pay") for w in ("visa", "mastercard", "amex")},
    "rates": (PRICE,),
    "opening": (HOURS,),
    "openings": (AVAILABILITY,),
}

# Domain synonyms: concept -> words that mean it. Words are stemmed when the table is built, so
# list surface forms; a form listed here never reaches the stopword list.
SYNONYMS: dict[str, tuple[str, ...]] = {
    HOURS: ("hours", "hrs", "open", "opens", "close", "closes", "closed", "closing", "shut", "shuts"),
    AVAILABILITY: (
        "available",
        "availability",
        "unavailable",
        "slot",
        "slots",
        "spot",
        "spots",
        "busy",
        "vacancy",
        "vacancies",
        "schedule",
        "schedules",
    ),
    # "work" is about a person's availability next to a name, and means nothing otherwise
    WORK: ("work", "works", "working", "worked"),
    "haircut": ("haircut", "haircuts", "cut", "cuts", "cutting", "trim", "trims", "trimming", "chop"),
    "blowout": ("blowout", "blowouts", "blowdry", "blowdries", "blowdrying"),
    "color": (
        "color",
        "colors",
        "colour",
        "colours",
        "coloring",
        "colouring",
        "colored",
        "coloured",
        "dye",
        "dyes",
        "dyed",
        "dyeing",
        "tint",
        "tinting",
    ),
    "highlight": ("highlight", "highlights", "highlighting", "highlighted"),
    "balayage": ("balayage", "balayages", "balayaged"),  # a concept of its own: vocabulary data says it
    "bridal": ("bridal", "bride", "brides", "wedding", "weddings"),
    "updo": ("updo", "updos"),
    "treatment": ("treatment", "treatments", "treat"),
    "condition": ("condition", "conditioning", "conditioner"),
    "smooth": ("smooth", "smoothing"),
    "touchup": ("touchup", "touchups", "retouch"),
    "curl": ("curl", "curls", "curly"),
    "specialty": (
        "specialize",
        "specialise",
        "specializes",
        "specialises",
        "specializing",
        "specialising",
        "specialized",
        "specialty",
        "specialties",
        "speciality",
        "specialities",
        "specialist",
        "specialists",
        "expert",
        "experts",
        "expertise",
    ),
    "owner": ("owner", "owners", "owns", "boss", "proprietor"),
    STAFF: ("staff", "team", "employee", "employees"),
    "pay": ("pay", "pays", "paying", "paid", "payment", "payments"),
    "check": ("check", "checks", "cheque", "cheques"),
    "card": ("card", "cards"),
    "book": (
        "book",
        "books",
        "booking",
        "bookings",
        "booked",
        "appointment",
        "appointments",
        "appt",
        "reserve",
        "reservation",
        "reservations",
        "scheduling",
        "scheduled",
    ),
    "cancel": (
        "cancel",
        "cancels",
        "cancelled",
        "canceled",
        "cancelling",
        "canceling",
        "cancellation",
        "cancellations",
        "cancelation",
        "cancelations",
    ),
    "late": ("late", "lateness", "tardy", "delayed"),
    "arrive": ("arrive", "arrives", "arriving", "arrival"),
    "deposit": ("deposit", "deposits"),
    "consultation": ("consultation", "consultations", "consult", "consults"),
    "allergy": ("allergy", "allergies"),
    "ahead": ("ahead", "advance", "beforehand", "notice"),
    # "need", "required": weak (SOFT), so "is a deposit required?" still finds "need a deposit"
    "required": (
        "required",
        "require",
        "requires",
        "mandatory",
        "expected",
        "expect",
        "necessary",
        "obligatory",
        "need",
        "needs",
        "needed",
        "compulsory",
    ),
    "free": ("free", "complimentary"),
    "tip": ("tip", "tips", "tipping", "gratuity", "gratuities"),
    "location": ("located", "location", "locations", "directions", "find"),
    "neighborhood": ("neighborhood", "neighbourhood", "neighborhoods", "area"),
    "phone": ("phone", "telephone", "call", "calls", "calling", "ring"),  # "what number do I ring?"
    "email": ("email", "emails"),
    "website": ("website", "websites", "site", "online", "webpage", "url"),
    WALKIN: ("walkin", "walkins"),
    "noshow": ("noshow", "noshows", "miss", "missed", "misses"),
    "purchase": (
        "sale",
        "sell",
        "sells",
        "selling",
        "sold",
        "buy",
        "buys",
        "buying",
        "bought",
        "purchase",
        "purchases",
        "purchasing",
        "carry",
        "carries",
        "stock",
        "stocks",
    ),
    # the salon's history ("when did you open?") is not its opening hours, and is not in the profile
    "past": ("did", "opened", "founded", "established"),
    "discount": ("discount", "discounts", "discounted", "deal", "deals", "promo", "promos", "promotion", "promotions"),
    "nail": ("nail", "nails", "manicure", "manicures", "mani"),
    "pedicure": ("pedicure", "pedicures", "pedi"),
    "accessibility": (
        "wheelchair",
        "wheelchairs",
        "accessible",
        "accessibility",
        "handicap",
        "handicapped",
        "disabled",
        "disability",
    ),
    "wifi": ("wifi", "internet"),
    "restroom": ("restroom", "restrooms", "bathroom", "bathrooms", "toilet", "toilets", "washroom", "washrooms"),
    "loyalty": ("loyalty", "rewards", "reward"),
    "special-event": ("prom", "proms", "gala", "galas", "quinceanera", "homecoming"),
    "allow": ("allow", "allows", "allowed", "permit", "permits", "permitted", "welcome", "welcomed"),
    # generic words, kept only as weak evidence (see SOFT)
    "style": ("style", "styles", "styled", "styling"),
    "vehicle": ("car", "cars", "vehicle", "vehicles", "truck", "suv"),
    "program": ("program", "programs", "programme", "scheme"),
    "salon": ("salon", "salons", "shop", "place", "business", "store", "studio"),
    "hair": ("hair", "hairs"),
    "service": ("service", "services"),
    "policy": ("policy", "policies", "rule", "rules"),
    "client": ("client", "clients", "customer", "customers", "people", "folks", "guest", "guests", "patron", "patrons"),
    "day": ("day", "days", "daily"),
    "week": ("week", "weeks", "weekly"),
    "time": ("time", "times"),
    # parts of a day: no fact is about them, so "evening appointments" is never answered by accident
    DAYPART: ("morning", "mornings", "afternoon", "afternoons", "evening", "evenings", "night", "nights"),
    # relative to today: unknowable from static facts
    "now": ("today", "tonight", "tomorrow", "tmrw", "now"),
}

# Words that only join the services one question names ("a men's cut and a beard trim together",
# "the total for both"): asked of each service, they are said of none (`matching.Index.answers_in_parts`).
JOINING = frozenset({"together", "altogether", "total", "combin", "plus"})
# Services that are a kind of something another service's name may hold: a blowout is a style,
# so "a women's haircut and blow dry" is the "women's haircut and style", not that and a blowout.
KIND_OF: dict[str, str] = {"blowout": "style", "updo": "style"}

# Concepts that count as weak evidence: a question made only of these matches nothing unless it
# is nearly the entry's own question, and they need not appear in an answer.
SOFT = frozenset(
    {
        "salon",
        "hair",
        "service",
        "policy",
        "client",
        "day",
        "week",
        "time",
        "required",
        "style",
        RELATIVE,  # a friend, a partner: family words are vocabulary data (fixtures/vocabulary.yaml)
        "vehicle",
        "program",
    }
)

# Animals (as the matcher reads them: stems, vocabulary meanings): said anywhere in a turn, one may
# be who a service is for ("my dog is a poodle, how much is a haircut?"), so a clause read as the
# question keeps them (`matching.Index._asked_part`), and no entry about people answers.
ANIMALS = frozenset({"dog", "cat", "pet", "kitten", "pony", "hors", "rabbit", "bunny", "hamster", "animal"})
# A need of the caller's body or of getting in ("I'm in a wheelchair", "I'm pregnant", "my scalp is
# sensitive"): kept the same way, since it may change what the answer is (no walk-in policy
# answers whether a wheelchair gets in, no price whether colour is safe in pregnancy).
NEEDS = frozenset(
    {"accessibility", "mobility", "crutch", "walker", "stroller", "pram", "blind", "deaf", "autism", "autistic"}
    | {"pregnant", "pregnancy", "sensitiv", "anxiety"}
)

# Rules that hold whatever the day: a cancellation, walk-in, deposit, lateness or payment policy.
# "Today" changes no answer about them ("can I walk in today?" is the walk-in policy), while it
# does about opening hours (read as the weekday) and anything about a free chair or a person.
POLICIES = frozenset({"cancel", WALKIN, "deposit", "late", "noshow", "pay", "tip"})

# What a concept implies, added wherever it is read (questions and answers alike): a cheque or a
# card is a way to pay, a no-show is about an appointment, a neighborhood is a location.
IMPLIES: dict[str, tuple[str, ...]] = {
    **{method: ("pay",) for method in ("check", "cash", "credit", "debit", "card", "venmo", "paypal", "zelle")},
    **{method: ("pay",) for method in ("bitcoin", "crypto", "applepay", "googlepay", "samsungpay", "mobilepay")},
    "noshow": ("book",),
    "beardtrim": ("beard",),
    "neighborhood": ("location",),
    **{place: ("location",) for place in ("street", "avenue", "road", "boulevard", "corner", "block")},
}

# The services each class of services holds in every salon: a clause about "color services" is
# about a balayage too, so "is a deposit needed for balayage?" is answered by "Color services over
# $150 ... need a $50 deposit". Only kinds that are always of the class: an updo may or may not be
# a bridal service, so "bridal services" says nothing of updos.
SERVICE_CLASSES: dict[str, tuple[str, ...]] = {
    "color": ("balayage", "highlights", "root", "touchup", "lowlights", "toner", "gloss", "ombre"),
}

# Occasions a service may be for ("an updo for prom", "a blowout for our anniversary dinner"): a
# kind of a service only where the salon offers that service for it (the bridal and special-event
# updo); elsewhere a blowout for prom is a blowout (see `matching.Index._for_an_occasion`).
# "occasion" is what the vocabulary data makes of the occasions no entry names (fixtures/vocabulary.yaml).
OCCASIONS = frozenset({"bridal", "special-event", "occasion"})

# Nouns that a word right before them only qualifies: "color consultations" are consultations and
# "late cancellations" cancellations, so a fact saying them does not answer "how much is color?"
# or "what if I'm late?" (see `analysis.Analysis.modifiers`).
COMPOUND_HEADS = frozenset({"consultation", "cancel", "test"})

# "when" starts a question only at the start or after one of these; elsewhere it joins two
# clauses ("do I pay a deposit when I book?") and asks for no time.
QUESTION_LEADS = frozenset(
    {"and", "or", "but", "so", "until", "till", "since", "from", "by", "about", "know", "tell", "me", "us"}
    | {"wondering", "ask", "asking", "idea", "sure", "say", "exactly", "then"}
)

# Who may follow a relative "where" ("a site where I can look things up", "a place where people
# park"): the clause then describes the thing before it and asks for no place.
RELATIVE_SUBJECTS = frozenset({"i", "you", "we", "they", "he", "she", "it", "people", "someone", "somebody", "one"})

# Verbs of dealing with someone already there: a role said after one of them ("do I tip the
# stylist?", "chatting with a colorist", "pay the barber", "a consultation with a stylist") names
# who is dealt with, and asks for no person's name. The small words that may stand between the verb
# and the role are skipped.
DEALT_WITH = frozenset(
    {"tip", "tips", "tipping", "tipped", "pay", "pays", "paying", "paid", "thank", "thanking", "talk", "talking"}
    | {"speak", "speaking", "chat", "chatting", "ask", "asking", "tell", "telling", "message", "text", "call"}
    | {"consultation", "consultations", "consult"}
)
DEALT_WITH_BETWEEN = frozenset({"the", "a", "an", "my", "your", "our", "his", "her", "their", "to", "with", "for"})

# Praise words that, in a "who" question, only ask who does something ("who's best for balayage").
EVALUATIVE: tuple[str, ...] = ("good", "best", "great", "top", "better", "recommend", "suggest")

# Concepts that qualify something but cannot carry a question alone ("new" in "new clients"):
# they must be covered like any content word, but a match needs at least one other anchor.
MODIFIERS = frozenset(
    {
        "new",
        "first",
        "old",
        "long",
        "short",
        "big",
        "small",
        "good",
        "best",
        "better",
        "other",
        "more",
        "less",
        "extra",
        "same",
        "different",
        "last",
        "early",
        "quick",
        "whole",
        "usual",
        "regular",
        "normal",
        "free",
    }
)

# Words that speech-to-text writes as another that sounds the same, with the words after which
# the heard word can only be the one meant ("wood you" is "would you", while "wood floors" stays
# wood; "what thyme do you clothes on Thursday" asks when the salon closes).
HOMOPHONES: dict[str, tuple[str, frozenset[str]]] = {
    "wood": ("would", frozenset({"you", "i", "it", "we", "they", "he", "she", "there", "that"})),
    "wear": ("where", frozenset({"are", "is", "do", "can", "abouts"})),
    "witch": ("which", frozenset({"one", "ones", "stylist", "stylists", "day", "days", "of", "is", "do"})),
    "weather": ("whether", frozenset({"or", "you", "i", "it", "the", "there", "they", "we"})),
    "thyme": ("time", frozenset({"do", "does", "are", "is", "will", "you", "on", "of", "to", "can"})),
    # a Scots or Irish "ma" before whom or what it is the caller's ("ma wee sister", "ma hair")
    "ma": (
        "my",
        frozenset(
            {"wee", "hair", "sister", "brother", "mum", "mam", "maw", "da", "dad", "wife", "man", "husband"}
            | {"daughter", "son", "boy", "girl", "wean", "weans", "pal", "mate", "friend", "granny", "gran"}
        ),
    ),
    # a Jamaican "mi" before what the caller does or has ("mi have thick hair", "if mi reach")
    "mi": ("i", frozenset({"have", "want", "need", "reach", "go", "did", "can", "would", "get", "come", "haffi", "a"})),
    "clothes": ("close", frozenset({"on", "at", "today", "tonight", "tomorrow", "early", "late", "for"})),
}

# Words said to a receptionist that carry no meaning for matching.
FILLERS = frozenset(
    {
        "um",
        "umm",
        "uh",
        "uhh",
        "er",
        "erm",
        "hmm",
        "so",
        "like",
        "well",
        "hey",
        "true",  # a tag question: "you shut at four, true?"
        "hi",
        "hello",
        "yeah",
        "yes",
        "okay",
        "ok",
        "oh",
        "actually",
        "basically",
        "just",
        "really",
        "please",
        "thanks",
        "thank",
        "kindly",
        "question",
        "wondering",
        "anyway",
        "alright",
    }
)

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "pm",
        "do",
        "does",
        "doing",
        "done",
        "have",
        "has",
        "had",
        "having",
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "you",
        "your",
        "yours",
        "yourself",
        "we",
        "us",
        "our",
        "ours",
        "ourselves",
        "yourselves",
        "itself",
        "himself",
        "herself",
        "themselves",
        "they",
        "them",
        "their",
        "it",
        "its",
        "he",
        "she",
        "him",
        "her",
        "his",
        "hers",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "how",
        "why",
        "whose",
        "can",
        "could",
        "would",
        "will",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "about",
        "from",
        "by",
        "as",
        "into",
        "up",
        "down",
        "out",
        "over",
        "under",
        "and",
        "or",
        "but",
        "if",
        "then",
        "than",
        "too",
        "very",
        "also",
        "any",
        "some",
        "all",
        "each",
        "every",
        "no",
        "not",
        "nor",
        "get",
        "gets",
        "getting",
        "got",
        "go",
        "goes",
        "going",
        "come",
        "comes",
        "coming",
        "want",
        "wants",
        "wanna",
        "know",
        "tell",
        "let",
        "give",
        "make",
        "makes",
        "see",
        "say",
        "look",
        "looking",
        "ask",
        "asking",
        "something",
        "anything",
        "everything",
        "ought",
        "one",
        "ones",
        "thing",
        "things",
        "much",
        "many",
        "else",
        "happen",
        "happens",
        "happened",
        "offer",
        "offers",
        "offering",
        "provide",
        "provides",
        "accept",
        "accepts",
        "accepted",
        "accepting",
        "take",
        "takes",
        "taking",
        "kind",
        "kinds",
        "type",
        "types",
        "sort",
        "sorts",
        "after",
        "before",
        "during",
        "while",
        "through",
        "between",
        "until",
        "till",
        "around",
        "near",
        "nearby",
        "next",
        "currently",
        "still",
        "ever",
        "always",
        "usually",
        "generally",
        "typically",
        "normally",
        "able",
        "possible",
        "fine",
        "sure",
        "try",
        "again",
        "leave",
        "only",
        "both",
        "either",
        "per",
        "via",
        "whether",
        "approximately",
        "roughly",
        "least",
        "most",
        "yet",
        "form",
        "forms",
        "method",
        "methods",
        "option",
        "options",
        "way",
        "ways",
        "anywhere",
        "somewhere",
        "anyplace",
        "along",
        "put",
        "without",
        "handle",
        "handles",
        "handled",
        "exactly",
        "little",
        # verbs of thinking and saying frame a question ("I was thinking of ...", "I've heard ..."),
        # read through their lemmas, so every form of them
        "think",
        "wonder",
        "hope",
        "guess",
        "believe",
        "suppose",
        "consider",
        "decide",
        "imagine",
        "mention",
        "hear",
        "wish",
    }
)
