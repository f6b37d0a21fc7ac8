"""Priority and topic tags for a caller's question, read from its words.

The words are read as word families (`knowledge.concerns`: forms, prefixes and short phrases,
tolerant of a slip of the keyboard or of speech-to-text), shared with the knowledge lookup, which
never lets a model answer what a person must. The strongest priority any rule finds wins:

- urgent: someone's health or safety, happening or happened: a skin reaction, a burn, swelling,
  bleeding, trouble breathing, an injury or an accident, however worded ("my scalp is still
  burning from the bleach", "her face puffed up after the dye", "I think I'm having a reaction").
  The same words asked about beforehand ("is the bleach going to burn?", "can dye cause a rash?")
  are a question for a person, not an emergency: medium;
- high: a complaint, including a result gone wrong ("the colour came out orange", "she cut it
  way too short"); a caller's own result to fix before an event or a deadline ("can you fix my
  colour before my wedding on Saturday?"); a refund, a billing error, a disputed charge; a
  problem with today's appointment;
- medium: a person must decide something about the caller's booking, account or result;
- low: a general question the knowledge base lacks ("do you do colour correction?").
"""

from collections.abc import Callable
from dataclasses import dataclass

from helprequests.models import HelpRequest
from knowledge import concerns
from knowledge.concerns import Family, family

Priority = HelpRequest.Priority

# --- what raises a priority beyond knowledge.concerns -------------------------------------------

EVENT = family(
    "event",
    forms=[
        "wedding*", "event*", "party", "interview*", "photoshoot", "shoot", "graduation", "prom", "funeral",
        "gala", "ceremony", "birthday", "presentation", "date", "performance", "concert", "flight", "trip",
        "vacation", "holiday", "reunion", "audition", "recital", "christening", "baptism", "anniversary",
        "bride", "bridal", "quinceanera",
    ],
    phrases=["photo shoot", "big day", "bar mitzvah", "bat mitzvah"],
)  # fmt: skip
# How many minutes or hours away an event starting soon is said to be ("in ninety minutes").
SOON = (
    "two", "three", "four", "five", "ten", "fifteen", "twenty", "thirty", "forty", "forty five", "fifty",
    "sixty", "ninety", "a few", "a couple of", *map(str, (2, 3, 4, 5, 10, 15, 20, 30, 40, 45, 50, 60, 90)),
)  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend")
DEADLINE = family(
    "deadline",
    forms=["tomorrow", "tonight", "tmrw", "tmr"],
    phrases=[
        "this evening", "this afternoon", "in the morning", "next week", "in a few days", "in two days",
        "in a couple of days", "in a couple days", "in an hour", "in a few hours", "later today",
        *(f"{when} {day}" for when in ("on", "this", "by", "before", "next", "until") for day in WEEKDAYS),
        *(f"in {count} {unit}" for count in SOON for unit in ("minutes", "mins", "hours", "hrs")),
    ],
)  # fmt: skip
# The caller's own result ("my colour", "her cut") and wanting it put right.
OWN_RESULT = family(
    "own result",
    phrases=[
        f"{whose} {what}"
        for whose in ("my", "her", "his", "our", "the")
        for what in (
            "hair", "colour", "color", "cut", "haircut", "highlights", "balayage", "roots", "toner",
            "perm", "relaxer", "extensions", "blowout", "ends", "fringe", "bangs", "layers", "dye",
        )
    ],
)  # fmt: skip
REPAIR = family("repair", forms=["fix*", "redo", "correct*", "repair*", "touch*"], phrases=["sort out", "put right"])
TODAYS_APPOINTMENT = family(
    "today's appointment",
    forms=["emergenc*", "urgent*", "asap", "immediately"],
    phrases=[
        "todays appointment", "appointment today", "appointment is today", "appointment was today",
        "appt today", "running late", "stuck in traffic", "late for my appointment", "delayed for my appointment",
        "missed my appointment", "right now", "right away", "straight away", "as soon as possible",
        "as soon as you can",
    ],
)  # fmt: skip
# A person must decide something about this caller's booking or account.
DECISION = family(
    "decision",
    forms=["reschedul*", "availab*", "opening*", "waitlist", "exception*", "discount*", "waive*"],
    phrases=[
        "cancel my", "move my", "change my appointment", "change my booking", "my appointment",
        "my booking", "book me", "book a", "book an", "book in", "to book", "can i book", "squeeze me in", "fit me in",
        "my account", "my deposit", "price match", "special request",
    ],
)  # fmt: skip

# --- topic tags ---------------------------------------------------------------------------------

TOPICS: tuple[Family, ...] = (
    family(
        "pricing",
        forms=[
            "pric*", "cost*", "charg*", "fee", "fees", "pay*", "refund*", "bill*", "discount*", "deposit*",
            "dollar*", "money", "cheap*", "expensive", "tip", "tips", "tipping",
        ],
        phrases=["how much"],
    ),
    family(
        "booking",
        forms=[
            "book*", "appointment*", "appt", "reschedul*", "cancel*", "availab*", "opening*", "walkin*",
            "schedul*", "waitlist", "slot*", "reserv*", "late",
        ],
        phrases=["walk in", "walk ins"],
    ),
    family(
        "color",
        forms=[
            "colour*", "color*", "dye*", "highlight*", "balayage", "bleach*", "blond*", "toner", "root*",
            "ombre", "gray", "grey", "brunette", "lowlight*",
        ],
    ),
    family(
        "treatments",
        forms=["keratin", "treatment*", "condition*", "smoothing", "perm", "perms", "relax*", "scalp", "mask*"],
    ),
    family("mens", forms=["men", "mens", "guy*", "barber*", "beard*", "fade", "fades", "shave*", "mustache*"]),
    family("bridal", forms=["bridal", "bride*", "wedding*", "updo*", "prom"], phrases=["special event"]),
    family("curly", forms=["curl*", "coil*", "kink*", "wavy"]),
    family(
        "products",
        forms=["product*", "shampoo*", "brand*", "sell*", "buy*", "serum*", "spray*"],
        phrases=["gift card", "gift cards", "gift certificate", "conditioner you sell", "conditioners you sell"],
    ),
    family(
        "policies",
        forms=[
            "polic*", "cancel*", "deposit*", "noshow*", "late", "refund*", "pet", "pets", "dog*", "parking",
            "park", "wheelchair", "accessib*", "child*", "kids",
        ],
        phrases=["no show", "patch test"],
    ),
)  # fmt: skip


# Each tag, and how it is told from the words said.
TAG_RULES: dict[str, Callable[[tuple[str, ...]], bool]] = {
    "medical": concerns.harm,
    "complaint": concerns.complaint,
    **{topic.name: topic.said_in for topic in TOPICS},
}
# What a supervisor's expertise may name: the tags above, and "general", the tag of a question
# no rule tags. Another word would never be routed (no question is ever tagged with it), so the
# Supervisor model's expertise validator (`models.validate_topics`: the admin, the API and the
# salon profile run it) refuses it with this list rather than accept a topic that silently does nothing.
KNOWN_TOPICS = (*TAG_RULES, "general")


def unknown_topics(topics: list[str]) -> str | None:
    """A sentence naming the topics that are not KNOWN_TOPICS, or None when all are."""
    unknown = [topic for topic in topics if topic not in KNOWN_TOPICS]
    if not unknown:
        return None
    named = ", ".join(f"“{topic}”" for topic in unknown)
    verb = "is not a topic" if len(unknown) == 1 else "are not topics"
    return f"{named} {verb} questions are routed by; use any of: {', '.join(KNOWN_TOPICS)}."


@dataclass(frozen=True)
class Triage:
    priority: str
    tags: list[str]


def triage(question: str) -> Triage:
    """Classify a question: its priority and the topic tags used to pick a supervisor."""
    said = concerns.words(question)
    tags = [tag for tag, is_said in TAG_RULES.items() if is_said(said)]
    return Triage(priority=_priority(question, said), tags=tags or ["general"])


def _priority(question: str, said: tuple[str, ...]) -> str:
    if concerns.harm_happening(said):
        return Priority.URGENT
    own_result_to_fix = REPAIR.said_in(said) and OWN_RESULT.said_in(said)
    before_an_event = EVENT.said_in(said) or DEADLINE.said_in(said)
    if (
        concerns.complaint_here(question)
        or concerns.money_going_wrong(said)
        or (own_result_to_fix and before_an_event)
        or TODAYS_APPOINTMENT.said_in(said)
    ):
        return Priority.HIGH
    if concerns.harm(said) or own_result_to_fix or DECISION.said_in(said):
        return Priority.MEDIUM
    return Priority.LOW
