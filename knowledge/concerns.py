"""What a caller says that only a person should handle, read from their words: someone's health or
safety, a result gone wrong, money going the wrong way.

Two users, one vocabulary: help-request triage (`helprequests.triage`: how urgent) and the lookup's
model path (`knowledge.grounding`: such a question is never shown to a model, it reaches a
person). The offline voice agent transfers on the same urgency, and on `asks_for_a_person`, which
the briefing of a transfer (`calls.summaries`) reads too. It lives here because knowledge is the
lower app: helprequests, calls and the voice worker may use it, not the other way round.

The vocabulary is data: word families (`Family`), each a set of word forms, where a form ending
in `*` matches any word it begins; and phrases, a few forms in a row. The text is read as words
(lower case, apostrophes dropped: "I'm" is "im"), so punctuation and spacing do not matter, and
a slip of the keyboard or of speech-to-text does not hide a word of five letters or more (a
doubled letter more or less, one letter left out, added or swapped with its neighbour, the first
letter kept): "alergic", "swolen", "bleding", "blistres".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


def words(text: str) -> tuple[str, ...]:
    """The text as lower-case words, apostrophes dropped ("can't" is "cant")."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("'", "")
    return tuple(re.findall(r"[a-z0-9]+", lowered))


_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=50_000)
def _collapse(word: str) -> str:
    """The word with each doubled letter said once ("appointmment" is "apointment")."""
    return _DOUBLED.sub(r"\1", word)


def _one_slip(word: str, form: str) -> bool:
    """One letter left out, added, or swapped with its neighbour, the first letter kept."""
    if word[0] != form[0] or abs(len(word) - len(form)) > 1 or word == form:
        return False
    if len(word) == len(form):
        diffs = [i for i in range(len(word)) if word[i] != form[i]]
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == form[diffs[1]]
            and (word[diffs[1]] == form[diffs[0]])
        )
    shorter, longer = (word, form) if len(word) < len(form) else (form, word)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


TYPO_MIN_LENGTH = 5


@lru_cache(maxsize=20_000)
def is_form(word: str, form: str, slips: bool = False) -> bool:
    """Whether `word` is `form` (a prefix when `form` ends in `*`), a doubled letter more or less
    and, with `slips`, one slip."""
    if form.endswith("*"):
        stem = form[:-1]
        if word.startswith(stem) or (len(stem) >= TYPO_MIN_LENGTH and _collapse(word).startswith(_collapse(stem))):
            return True
        return slips and len(stem) >= TYPO_MIN_LENGTH and len(word) >= len(stem) and _one_slip(word[: len(stem)], stem)
    if word == form or (len(form) >= TYPO_MIN_LENGTH and _collapse(word) == _collapse(form)):
        return True
    return slips and len(form) >= TYPO_MIN_LENGTH and len(word) >= TYPO_MIN_LENGTH and _one_slip(word, form)


@dataclass(frozen=True)
class Family:
    """Words and phrases that say one thing. `forms`: single words; `phrases`: word sequences;
    `slips`: whether a word with one slip counts (for words that must never be missed: a slip
    also turns some other words into these, "patch" into "patchy")."""

    name: str
    forms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    slips: bool = False

    def __post_init__(self) -> None:
        # Which words are one of `forms`, remembered per family: triage asks every family about
        # every word of a question, and most words come back in the next question.
        object.__setattr__(self, "_known_words", {})
        # `is_form` over every form, asked at once: the exact forms as sets and the prefixes as
        # tuples for `str.startswith`, each also with doubled letters said once (long forms only);
        # a slip keeps the first letter, so only forms of the word's first letter can be one slip off.
        exact = [form for form in self.forms if not form.endswith("*")]
        prefixes = [form[:-1] for form in self.forms if form.endswith("*")]
        long_enough = TYPO_MIN_LENGTH
        object.__setattr__(self, "_exact", frozenset(exact))
        object.__setattr__(self, "_exact_collapsed", frozenset(_collapse(f) for f in exact if len(f) >= long_enough))
        object.__setattr__(self, "_prefixes", tuple(prefixes))
        object.__setattr__(self, "_prefixes_collapsed", tuple(_collapse(p) for p in prefixes if len(p) >= long_enough))
        by_letter: dict[str, tuple[str, ...]] = {}
        for form in self.forms:
            by_letter[form[0]] = (*by_letter.get(form[0], ()), form)
        object.__setattr__(self, "_forms_by_letter", by_letter)

    def is_said_by(self, word: str) -> bool:
        """Whether `word` alone is one of this family's forms (`is_form` of any of them)."""
        known: dict[str, bool] = self._known_words
        said = known.get(word)
        if said is None:
            collapsed = _collapse(word)
            said = (
                word in self._exact
                or word.startswith(self._prefixes)
                or collapsed in self._exact_collapsed
                or collapsed.startswith(self._prefixes_collapsed)
            )
            if not said and self.slips and word:
                said = any(is_form(word, form, True) for form in self._forms_by_letter.get(word[0], ()))
            if len(known) < 20_000:
                known[word] = said
        return said

    def positions(self, said: tuple[str, ...]) -> list[int]:
        """Where in `said` (word positions) this family is said."""
        found = [i for i, word in enumerate(said) if self.is_said_by(word)]
        for first, *rest in self.phrases:
            for i in range(len(said) - len(rest)):
                if is_form(said[i], first, self.slips) and all(
                    is_form(said[i + k], form, self.slips) for k, form in enumerate(rest, start=1)
                ):
                    found.append(i)
        return sorted(set(found))

    def said_in(self, said: tuple[str, ...]) -> bool:
        return bool(self.positions(said))


def family(name: str, forms: Iterable[str] = (), phrases: Iterable[str] = (), slips: bool = False) -> Family:
    return Family(name, tuple(forms), tuple(tuple(p.split()) for p in phrases), slips)


def near(said: tuple[str, ...], one: Family, other: Family, within: int = 4) -> bool:
    """Whether the two families are said within `within` words of each other."""
    return any(abs(i - j) <= within for i in one.positions(said) for j in other.positions(said))


# --- health and safety --------------------------------------------------------------------------

# A symptom, an injury or an accident, said on its own.
HARM = family(
    "harm",
    forms=[
        "rash*", "hives", "welts", "blister*", "allerg*", "anaphyla*", "swell*", "swollen", "puffy",
        "puffed", "bleed*", "bled", "blood*", "burn*", "sting*", "stung", "itch*", "ooz*", "pus",
        "infect*", "faint*", "dizz*", "lightheaded", "nause*", "vomit*", "unconscious", "seizure*",
        "breathe", "breathing", "breathless", "chok*", "injur*", "hurt*", "wound*", "stitches",
        "sprain*", "bruis*", "painful", "swallow*", "poison*", "reaction*", "scab*", "slipped", "tripped",
        "smoke", "unsafe", "danger*", "balloon*",
    ],
    phrases=[
        "on fire", "throw up", "threw up", "pass out", "passed out", "in my eye", "in her eye",
        "in his eye", "in their eye", "in my eyes", "cut me", "cut myself", "cut herself", "cut himself",
        "nicked me", "nicked my", "fell down", "fell over", "fell off",
        "fell on", "fell and", "fall down", "fall over", "twisted my", "twisted her", "twisted his",
        "broke my", "broke her", "broke his", "gas leak", "fire in", "hair falling out", "hair is falling out",
        "coming out in clumps", "falling out in clumps", "blew up", "blown up", "puffed up", "puffing up",
        "gone fat", "kind of fat", "gone all fat", "gone big", "got fat", "got big",
        "broke out", "break out", "breaking out", "broken out",
    ],
    slips=True,
)  # fmt: skip
# Someone cut ("I got cut", "she was cut by the razor"); not the hair said right before it ("the
# fringe was cut way too short", "my hair got cut uneven"): that is a result; nor anything "cut
# short" ("my appointment was cut short"): that was shortened.
CUT_OF_SOMEONE = family("cut of someone", phrases=["got cut", "was cut", "been cut", "get cut", "getting cut"])
HAIR = family(
    "hair",
    forms=["hair", "fringe", "bangs", "layers", "ends", "bob", "it", "sides", "top", "length"],
)
# Care a person went to: harm when said with a treatment or a product ("the hospital, because of
# the relaxer"), not when it explains something else ("I missed it, I was stuck in the hospital").
CARE = family(
    "care",
    forms=["hospital", "ambulance", "doctor", "paramedic*"],
    phrases=["emergency room", "urgent care", "a and e"],
)
TREATMENT = family(
    "treatment",
    forms=[
        "dye*", "bleach*", "colour*", "color*", "relaxer", "perm", "keratin", "treatment", "chemical*",
        "product*", "razor", "clippers", "scissors", "solution", "toner", "developer", "fumes", "after",
    ],
)  # fmt: skip
# "Allergy" said of a test is not harm: "an allergy test", "is a patch test needed for allergies?".
ALLERGY = family("allergy", forms=["allerg*"], slips=True)
TEST = family("test", forms=["test*", "patch", "check*"])
# A word that is a symptom only said of a body part: "my eyes are watering", "red and sore scalp".
HARM_OF_A_BODY_PART = family(
    "harm of a body part",
    forms=[
        "water*", "red", "redness", "sore", "tingl*", "raw", "tight", "hot", "numb", "tender", "pain",
        "peel*", "irritat*", "inflam*", "bump*", "spots", "crust*", "flak*", "cut", "cuts", "nicked",
        "closing",
    ],
    slips=True,
)  # fmt: skip
BODY_PART = family(
    "body part",
    forms=[
        "scalp", "skin", "face", "eye", "eyes", "eyelid*", "ear", "ears", "neck", "lip", "lips",
        "forehead", "hairline", "hand", "hands", "finger*", "arm", "arms", "throat", "head", "tongue",
        "cheek*", "nose", "chest", "back", "leg", "legs", "ankle", "wrist", "knee", "foot", "toe*",
        "temple*", "nape", "mouth",
    ],
)  # fmt: skip
# Asked before the fact, of what might happen: "is the bleach going to burn?", "can dye cause a
# reaction?", "what if I'm allergic?".
WHAT_MIGHT_HAPPEN = family(
    "what might happen",
    forms=["will", "would", "could", "might", "gonna", "cause*", "prevent*", "avoid*", "risk*", "worried"],
    phrases=["going to", "what if", "in case", "is it safe", "chance of", "likely to", "dont want", "do not want"],
)
# It is happening, or has happened, whatever else is said: "still burning", "when will the
# swelling go down?", "there are blisters", "I think I'm having a reaction".
HAPPENING = family(
    "happening",
    forms=["still", "already", "since", "keeps", "started", "now", "puffed", "yesterday"],
    phrases=[
        "right now", "wont stop", "will not stop", "having a", "im having", "i am having", "there are",
        "theres", "there is", "broke out", "break out", "came up", "go away", "go down", "calm down",
        "wear off", "get better", "last night", "this morning", "might be", "could be", "i think im",
        "i think i am", "i think i have", "i think my", "i think her", "i think his", "i got", "ive got",
        "i have got", "you used",
    ],
)  # fmt: skip


def _harm_positions(said: tuple[str, ...]) -> list[int]:
    """Where harm is said: a harm word, a symptom of a body part, care because of a treatment."""
    parts, treatments, tests = BODY_PART.positions(said), TREATMENT.positions(said), TEST.positions(said)
    of_a_test = {i for i in ALLERGY.positions(said) if any(abs(i - j) <= 4 for j in tests)}
    hair = HAIR.positions(said)
    return [
        *(i for i in HARM.positions(said) if i not in of_a_test),
        *(
            i
            for i in CUT_OF_SOMEONE.positions(said)
            if not any(0 < i - j <= 2 for j in hair) and not _cut_short(said, i)
        ),
        *(i for i in HARM_OF_A_BODY_PART.positions(said) if any(abs(i - j) <= 3 for j in parts)),
        *(i for i in CARE.positions(said) if any(abs(i - j) <= 6 for j in treatments)),
    ]


def _cut_short(said: tuple[str, ...], position: int) -> bool:
    """Whether the "got cut" at `position` is "cut short" or "cut off": a visit shortened or a
    call dropped, not a person hurt."""
    return said[position + 2 : position + 3] in (("short",), ("off",))


# A condition of the body a chemical service may not be safe with, or one a stylist may not cut
# with: a question for a person, never an emergency by itself ("I'm pregnant, is keratin safe?",
# "she had head lice last week").
HEALTH_CONDITION = family(
    "health condition",
    forms=["pregnan*", "breastfeed*", "chemo*", "lice", "nits", "ringworm", "psoria*", "eczema", "dermatitis"],
    phrases=["head lice"],
)


def harm(said: tuple[str, ...]) -> bool:
    """Someone's health or safety is mentioned, happening or not."""
    return bool(_harm_positions(said)) or HEALTH_CONDITION.said_in(said)


ASKED_BEFORE_WITHIN = 5  # words between "will", "going to", "cause" ... and the harm they ask about
# Asking whether something can "still" be done says nothing is happening ("can I still get highlights?").
_ASKING_VERBS = frozenset({"can", "could", "do", "does", "should", "will", "would", "may", "might"})


def _still_asked(said: tuple[str, ...], position: int) -> bool:
    """Whether the "still" at `position` asks whether something can still be done ("can I still
    get a keratin treatment?"), not that something goes on ("my scalp is still burning")."""
    return said[position] == "still" and position >= 2 and said[position - 2] in _ASKING_VERBS


# A time long past: a reaction told of it is the caller's history ("I broke out in hives from dye
# years ago"), unless something is said to be going on now (`NOW`, `_going_on_now`).
LONG_AGO = family(
    "long ago",
    phrases=[
        "years ago", "year ago", "months ago", "last year", "years back", "in the past", "as a kid", "as a child",
        "when i was younger", "when i was a kid", "long time ago", "long ago", "a while back",
    ],
)  # fmt: skip
NOW = family(
    "now",
    forms=["still", "now", "currently", "today", "tonight", "yesterday", "keeps"],
    phrases=["right now", "at the moment", "this morning", "last night", "wont stop", "will not stop", "im having"],
)


# Said right before "now", these say nothing is going on ("not now", "it's fine now").
_OVER_NOW = frozenset({"not", "fine", "ok", "okay", "better", "good", "gone", "clear", "over"})


def _going_on_now(said: tuple[str, ...], position: int) -> bool:
    """Whether the word of `NOW` at `position` says something is going on: not "can I still get
    ...?" (`_still_asked`), nor "not now" or "it's fine now"."""
    if said[position] == "now" and position and said[position - 1] in _OVER_NOW:
        return False
    return not _still_asked(said, position)


def harm_happening(said: tuple[str, ...]) -> bool:
    """A symptom, injury or accident that is happening or has happened, not one asked about
    beforehand: an asked-about risk ("is the bleach going to burn?", "can dye cause a rash?") is
    a question for a person, not an emergency, and so is one long past, told as history. It
    counts as asked beforehand only when every mention of harm follows such a word closely and
    nothing says it is happening: when in doubt it is happening, since missing an emergency is
    the worse mistake."""
    mentions = _harm_positions(said)
    if not mentions:
        return False
    if LONG_AGO.said_in(said) and not any(_going_on_now(said, i) for i in NOW.positions(said)):
        return False
    if any(not _still_asked(said, i) for i in HAPPENING.positions(said)):
        return True
    # what the caller is allergic to ("I'm allergic to latex") is a standing condition, told
    allergies = ALLERGY.positions(said)
    mentions = [i for i in mentions if not (i in allergies and said[i + 1 : i + 2] == ("to",))]
    asking = WHAT_MIGHT_HAPPEN.positions(said)
    return not all(any(0 < i - j <= ASKED_BEFORE_WITHIN for j in asking) for i in mentions)


# --- a result gone wrong, complaints ------------------------------------------------------------

# Said of a result, these are always bad.
BAD_RESULT = family(
    "bad result",
    forms=[
        "botch*", "ruin*", "patchy", "uneven*", "streaky", "splotchy", "blotchy", "spotty", "choppy",
        "crooked", "lopsided", "fried", "disaster", "brassy", "unacceptable", "butcher*", "damag*",
        "wreck*", "spoilt", "spoiled", "mangled", "frazzled",
    ],
    phrases=[
        "messed up", "mess up", "screwed up", "came out wrong", "wrong colour", "wrong color", "nothing like",
        "not what i asked", "not what i wanted", "not what i asked for", "way too", "hate it", "hate my",
        "hate the", "breaking off", "breaks off", "break off", "snapping off", "snaps off", "snapped off",
        "falling apart", "a mess", "redo", "re do",
        "fix it", "fix my", "fix this", "fix that", "fixed it", "want it fixed", "too much off",
        "took too much", "than i wanted", "than i asked", "than i expected", "than expected",
        "not what i expected", "isnt what i expected", "not right", "isnt right", "doesnt look right",
        "not quite right",
    ],
)  # fmt: skip
# Said of how a result came out, these are bad: "it came out orange", "went green", "too short",
# "the toner made my hair purple", "it left me orange".
RESULT_CAME_OUT = family(
    "result came out",
    phrases=[
        "came out",
        "come out",
        "turned out",
        "turned",
        "went",
        "gone",
        "fallen",
        "fell",
        "ended up",
        "is now",
        "looks",
        "too",
        "made",
        "left",
    ],
)
RESULT_QUALITY = family(
    "result quality",
    forms=[
        "wrong", "orange", "green", "yellow", "brass*", "dark*", "light*", "short*", "blonde*", "red",
        "purple", "pink", "grey", "gray", "brown", "black", "white", "flat", "frizz*", "thin", "thinner",
        "off", "weird", "strange", "different", "bad", "worse", "awful", "terrible", "horrible", "faded",
        "brittle", "drier", "straw",
    ],
)  # fmt: skip
COMPLAINT = family(
    "complaint",
    forms=[
        "complain*", "unhappy", "disappoint*", "terrible", "awful", "horrible", "worst", "rude", "angry",
        "upset", "furious", "livid", "ridiculous", "faded",
    ],
    phrases=[
        # a manager asked for, not a caller's own title ("I'm the office manager at a law firm")
        "the manager", "a manager", "your manager", "salon manager", "store manager", "shop manager",
        "not happy", "fed up", "nobody called", "no one called", "never called", "nobody answered",
        "no one answered", "never answered", "never got back", "nobody got back", "never returned",
        "kept me waiting", "had to leave", "an hour late", "hours late", "minutes late",
        "kept waiting", "left waiting", "rushed out", "rushed me", "treated like", "treated the way",
        "the way i was treated", "whoever is in charge", "whoevers in charge",
        "person in charge", "someone in charge", "somebody in charge",
        "ran behind", "minutes behind", "an hour behind", "sat on hold", "was on hold", "been on hold",
        "kept me on hold", "left on hold", "on hold for",
    ],
)  # fmt: skip


# Words from how a result came out to what it came out as ("came out straight-up orange").
RESULT_QUALITY_WITHIN = 4
# A result worse than before the visit: "my hair is more frizzy than before".
THAN_BEFORE = family("than before", phrases=["than before", "than it was", "than it used to be", "than ever"])


def result_gone_wrong(said: tuple[str, ...]) -> bool:
    """The caller's colour, cut or treatment came out wrong: said so ("botched", "patchy", "not
    what I asked for"), how it came out ("came out orange", "turned green", "too short") or
    that it is worse than before ("more frizzy than before"), but not a wish ("is my hair too
    dark for balayage?", "too short to braid?")."""
    if BAD_RESULT.said_in(said):
        return True
    qualities = [j for j in RESULT_QUALITY.positions(said) if said[j + 1 : j + 2] not in (("for",), ("to",))]
    return any(0 < j - i <= RESULT_QUALITY_WITHIN for i in RESULT_CAME_OUT.positions(said) for j in qualities) or any(
        0 < i - j <= 2 for i in THAN_BEFORE.positions(said) for j in qualities
    )


def complaint(said: tuple[str, ...]) -> bool:
    """Unhappy with the salon: a result gone wrong, the service, the wait, the staff."""
    return result_gone_wrong(said) or COMPLAINT.said_in(said)


# Where a result went wrong, when it was not here: another salon, the caller's own bathroom. In
# the clause that says so, a bad word tells the caller's story ("every salon I go to ruins my
# curls"), not a complaint to this salon (`complaint_about_elsewhere`).
ELSEWHERE = family(
    "elsewhere",
    forms=["diy"],
    phrases=[
        "every salon", "other salon", "other salons", "another salon", "last salon", "old salon", "old place",
        "previous place", "previous salon", "usual salon", "former salon", "every hairdresser", "last hairdresser",
        "old hairdresser", "another hairdresser", "last stylist", "old stylist", "previous stylist",
        "another stylist", "every stylist", "last place", "other place", "another place", "at home",
        "box dye", "box kit", "home kit", "home dye", "did it myself", "dyed it myself", "cut it myself",
        "supermarket dye", "drugstore dye", "my bathroom", "my kitchen sink", "other site", "another site",
        "other website", "another website", "trimming it myself", "trimmed it myself", "cutting it myself",
        "most people", "most salons",
        "most stylists", "most hairdressers", "other people", "everyone else", "everywhere else",
        # the caller's day around the visit ("the traffic is terrible", "work has been awful")
        "traffic", "the bus", "the buses", "the train", "the trains", "my commute", "the commute",
        "the weather", "at work", "my job", "my work", "work has been",
    ],
)  # fmt: skip


@lru_cache(maxsize=20_000)
def about_elsewhere(clause: str) -> bool:
    """Whether a clause is set at another salon or at the caller's home ("at my last salon the
    owner never cut hair"): the caller's story, not something asked of this salon. Remembered
    per clause: a turn's reading asks it of each clause more than once."""
    return ELSEWHERE.said_in(words(clause))


# A clause speaking of this salon or its staff ("you made it worse", "at yours", "here").
_OF_THIS_SALON = re.compile(r"\b(?:you|your|yours|here|y'all|yall)\b")


def of_this_salon(clause: str) -> bool:
    """Whether a clause speaks of this salon or its staff: a result gone wrong there is a complaint."""
    return bool(_OF_THIS_SALON.search(clause.lower()))


_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def complaint_here(text: str) -> bool:
    """A complaint (`complaint`) to this salon: said in a sentence that is not only the caller's
    story of a result gone wrong somewhere else ("My box dye at home went really wrong.", not
    "... and then you made it worse").  A complaint's priority is the salon's own problem's."""
    return any(
        complaint(words(sentence)) and not (complaint_about_elsewhere(sentence) and not of_this_salon(sentence))
        for sentence in _SENTENCE.findall(text)
    )


@lru_cache(maxsize=20_000)
def complaint_about_elsewhere(clause: str) -> bool:
    """A clause telling of a result gone wrong somewhere else ("my last salon butchered it", "a
    box dye at home went patchy"): no complaint to this salon, so the question it leads to may be
    answered. Never when someone may be hurt or money is in question, wherever it happened."""
    said = words(clause)
    return about_elsewhere(clause) and not harm(said) and not money_going_wrong(said)


# --- money going the wrong way ------------------------------------------------------------------

MONEY_BACK = family(
    "money back",
    forms=["refund*", "overcharg*", "reimburs*", "chargeback", "dispute*"],
    phrases=[
        "money back", "wrong amount", "wrong price", "wrong charge", "charged me", "charged my",
        "got charged", "was charged", "been charged", "were charged", "being charged", "charge on my card",
        "charges on my card", "charge on my account", "charge on my statement", "charge on my bill",
        "why did you charge", "why was i charged", "you charged me", "you charged my",
        "got hit with", "been hit with", "was hit with", "get hit with", "slapped with", "to prove it",
        "but i cancelled", "but i canceled", "but i did cancel",
    ],
)  # fmt: skip
# What a general fact never answers, whatever else the question holds (knowledge.analysis: only an
# entry whose own question says it too): harm, a result gone wrong, a complaint, money back, and
# these words, which triage weighs in their context instead of on their own.
ALSO_RISKY = family("also risky", forms=["hairloss", "pain", "sick", "emergenc*", "urgent*", "sue", "lawyer*"])


@lru_cache(maxsize=50_000)
def risky(word: str) -> bool:
    """Whether a word (or a stem the matcher reads it as) is one a general fact never answers.
    Remembered per word: the matcher asks it of every concept of every question."""
    return any(f.is_said_by(word) for f in (HARM, BAD_RESULT, COMPLAINT, MONEY_BACK, ALSO_RISKY))


CHARGED = family("charged", forms=["charg*", "billed", "paid"])
TWICE = family("twice", forms=["twice", "double*", "second"])
NEVER_HAD = family(
    "never had",
    phrases=["never got", "never had", "never received", "didnt get", "didnt have", "did not get", "did not have"],
)
BILL = family("bill", forms=["receipt", "bill", "billing", "billed", "invoice", "statement", "total", "amount"])
MISTAKE = family("mistake", forms=["wrong", "incorrect", "mistake*", "error*"])


def money_going_wrong(said: tuple[str, ...]) -> bool:
    """A refund, a billing error, a charge the caller disputes."""
    return (
        MONEY_BACK.said_in(said)
        or near(said, CHARGED, TWICE)
        or near(said, CHARGED, NEVER_HAD, within=10)
        or (BILL.said_in(said) and MISTAKE.said_in(said))
        or "billing" in said
    )


def needs_a_person(text: str) -> bool:
    """Health or safety (even asked beforehand), a complaint, or money going the wrong way: a
    question only a person should answer, never a model's pick of a stored answer."""
    said = words(text)
    return harm(said) or complaint(said) or money_going_wrong(said)


# --- asking for a person ------------------------------------------------------------------------

# A verb of talking or handing over, and someone to be handed to ("let me talk to a person", "put
# me through to the owner"), or a person named on their own ("representative", "human please").
_ASKS_FOR_A_PERSON = re.compile(
    r"\b(talk|speak|chat)\s+(to|with)\s+(a|an|the|your|some|someone|somebody|anyone|anybody|real|actual|live|"
    r"human|person|manager|owner|supervisor|staff)\b"
    r"|\b(real|actual|live)\s+(person|human|people)\b"
    r"|\b(transfer|connect|put)\s+me\s+(through|to|with)\b"
    r"|\b(want|need|get)\s+(a|the|your)\s+(manager|human|person|supervisor|owner|representative)\b"
    r"|^\W*(a\s+)?(human|person|operator|representative|manager)(\s+please)?\W*$"
)


def asks_for_a_person(text: str) -> bool:
    """The caller asks to be put through to a person: the voice agent transfers the call, and a
    person's briefing leaves the sentence out of what the caller wants (it is why, not what)."""
    said = re.sub(r"\s+", " ", text.lower().replace("\u2019", "'")).strip()
    return bool(_ASKS_FOR_A_PERSON.search(said))
