"""Priority and topic tags for a caller's question, read from its words.

Rules are patterns over whole words and their common inflections, grouped by meaning; the
strongest priority that any rule finds wins. Urgent means a risk to someone's health or safety.
"""

import re
from dataclasses import dataclass

from helprequests.models import HelpRequest

Priority = HelpRequest.Priority


def _words(*patterns: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


# Health and safety: the owner is texted at once.
URGENT = _words(
    r"injur",
    r"hurt",
    r"burn",
    r"bleed",
    r"blood",
    r"(?:got|was|been) cut\b",
    r"cut (?:myself|herself|himself)",
    r"allergic",
    r"allerg\w* (?:reaction|attack|flare)",
    r"anaphyla",
    r"swell",
    r"swollen",
    r"rash",
    r"hives",
    r"blister",
    r"chemical reaction",
    r"reaction to",
    r"can'?t breathe",
    r"breathing",
    r"dizz",
    r"faint",
    r"emergenc(?:y|ies)\b.*\b(?:scalp|skin|eye|face)",
    r"in my eye",
    r"eye(?:s)? (?:is|are)? ?(?:sting|burn|red)",
    r"sting",
    r"itch",
    r"ooz",
    r"\bpus\b",
    r"infect",
    r"peeling",
    r"swallow",
    r"throat",
    r"short(?:ness)? of breath",
    r"chest pain",
    r"light-?headed",
    r"nause",
    r"vomit",
    r"throw(?:ing)? up",
    r"pass(?:ed)? out",
    r"unconscious",
    r"seizure",
    r"slipp",
    r"trip(?:ped)? (?:on|over)",
    r"fell (?:down|over|off|on|and)",
    r"fall (?:down|over|off)",
    r"twisted (?:my|an?|her|his)",
    r"sprain",
    r"broke(?:n)? (?:my |her |his )?(?:arm|leg|wrist|ankle|bone|finger|toe|nose)",
    r"wound",
    r"stitches",
    r"gash",
    r"chok",
    r"hair (?:is )?falling out",
    r"fire\b",
    r"smoke\b",
    r"gas leak",
    r"unsafe",
    r"danger",
    r"ambulance",
    r"hospital",
    r"doctor",
    r"poison",
)
# A caller unhappy with the service: high priority, and tagged `complaint`.
COMPLAINT_WORDS = (
    r"complain",
    r"unhappy",
    r"not happy",
    r"disappoint",
    r"terrible",
    r"awful",
    r"horrible",
    r"ruin",
    r"worst",
    r"rude",
    r"angry",
    r"upset",
    r"botch",
    r"mess(?:ed)? up",
    r"wrong colou?r",
    r"uneven",
    r"unacceptable",
    r"nothing like",
    r"not what I (?:asked|wanted)",
    r"hate (?:it|my|the)",
    r"way too",
    r"too (?:short|much off|dark|light|blonde|orange|brassy)",
    r"re-?do\b",
    r"fix(?:ed)? (?:it|my|this|that)\b",
    r"want it fixed",
    r"patchy",
    r"faded",
    r"break(?:s|ing)? off",
    r"damag",
    r"fried",
    r"furious",
    r"livid",
    r"ridiculous",
    r"fed up",
    r"(?:nobody|no one|never) (?:called|answered|got back|returned)",
    r"(?:an hour|hours|\d+ minutes) late",
    r"kept me waiting",
    r"had to leave",
    r"manager",
)
# Complaints, money going the wrong way, or today's appointment in trouble.
HIGH = _words(
    *COMPLAINT_WORDS,
    r"refund",
    r"overcharg",
    r"charged (?:me )?twice",
    r"charged\b[^.?!]{0,30}\b(?:twice|two times|double)",
    r"double[- ]charg",
    r"(?:got|was|been|were|being) (?:over)?charged",
    r"charged? (?:me|my)\b",
    r"never (?:got|received|had)\b",
    r"(?:receipt|bill|invoice|statement|total|amount)\b[^.?!]{0,30}\b(?:wrong|incorrect|mistake)",
    r"(?:wrong|incorrect|mistake)\b[^.?!]{0,20}\b(?:receipt|bill|invoice|statement|total|amount)",
    r"reimburs",
    r"chargeback",
    r"billing",
    r"bill\b",
    r"wrong (?:amount|price|charge)",
    r"money back",
    r"dispute",
    r"today'?s appointment",
    r"appointment (?:is |was )?today",
    r"running late",
    r"stuck in traffic",
    r"(?:late|delayed) for my appointment",
    r"missed my appointment",
    r"emergenc",
    r"urgent",
    r"asap",
    r"right now",
    r"immediately",
)
# A person must decide something about this caller's booking or account.
MEDIUM = _words(
    r"reschedul",
    r"cancel my",
    r"move my",
    r"change my (?:appointment|booking)",
    r"my (?:appointment|booking)",
    r"book (?:me|an appointment)",
    r"can i book",
    r"squeeze me in",
    r"availab",
    r"opening",
    r"waitlist",
    r"my account",
    r"my deposit",
    r"exception",
    r"discount",
    r"price match",
    r"special request",
)

TAG_RULES: dict[str, re.Pattern] = {
    "medical": URGENT,
    "complaint": _words(*COMPLAINT_WORDS),
    "pricing": _words(
        r"pric",
        r"cost",
        r"how much",
        r"charg",
        r"fee",
        r"pay",
        r"refund",
        r"bill",
        r"discount",
        r"deposit",
        r"\$",
        r"dollar",
        r"money",
        r"cheap",
        r"expensive",
        r"tip\b",
        r"tipping",
    ),
    "booking": _words(
        r"book",
        r"appointment",
        r"reschedul",
        r"cancel",
        r"availab",
        r"opening",
        r"walk[- ]?in",
        r"schedul",
        r"waitlist",
        r"slot",
        r"reserv",
        r"running late",
        r"\blate\b",
    ),
    "color": _words(
        r"colou?r",
        r"dye",
        r"highlight",
        r"balayage",
        r"bleach",
        r"blonde?",
        r"toner",
        r"root",
        r"ombre",
        r"gray|grey",
        r"brunette",
        r"lowlight",
    ),
    "treatments": _words(r"keratin", r"treatment", r"condition", r"smoothing", r"perm\b", r"relax", r"scalp", r"mask"),
    "mens": _words(r"\bmen'?s\b", r"\bguy", r"barber", r"beard", r"fade", r"shave", r"mustache"),
    "bridal": _words(r"bridal", r"bride", r"wedding", r"updo", r"prom", r"special[- ]event"),
    "curly": _words(r"curl", r"coil", r"kink", r"wavy"),
    "products": _words(
        r"product",
        r"shampoo",
        r"conditioner(?:s)? (?:you )?sell",
        r"brand",
        r"sell",
        r"buy",
        r"gift card",
        r"gift certificate",
        r"serum",
        r"spray",
    ),
    "policies": _words(
        r"polic",
        r"cancel",
        r"deposit",
        r"no[- ]show",
        r"late",
        r"refund",
        r"patch test",
        r"pets?\b",
        r"dog",
        r"parking",
        r"park\b",
        r"wheelchair",
        r"accessib",
        r"child",
        r"kids",
    ),
}


@dataclass(frozen=True)
class Triage:
    priority: str
    tags: list[str]


def triage(question: str) -> Triage:
    """Classify a question: its priority and the topic tags used to pick a supervisor."""
    if URGENT.search(question):
        priority = Priority.URGENT
    elif HIGH.search(question):
        priority = Priority.HIGH
    elif MEDIUM.search(question):
        priority = Priority.MEDIUM
    else:
        priority = Priority.LOW
    tags = [tag for tag, pattern in TAG_RULES.items() if pattern.search(question)]
    return Triage(priority=priority, tags=tags or ["general"])
