"""Words that may disclose harm. Pure: no database, no Rasa, no Flask.

A careers conversation is where some pupils first say something a safeguarding lead must
hear. Such words are never read back, never made into a career entry and never quoted in
a document: the engine answers calmly and they are kept as a concern for the school's
designated safeguarding lead. Detection favours recall: a curated list of phrases, matched
loosely (any person, any tense, common misspellings, with or without "not"), so that a
concern is sometimes raised that a person then sets aside, but none is missed
(tests/data/safeguarding.yml: examples and non-examples).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Who might do harm or be harmed, as pupils name them.
RELATIONS = (
    r"(?:mum|mam|mom|mummy|dad|daddy|nan|nana|grandad|grandma|gran|brother|sister|uncle|"
    r"auntie|aunty|aunt|cousin|stepdad|step dad|stepmum|step mum|carer|foster \w+|"
    r"boyfriend|girlfriend|mums boyfriend|dads girlfriend|friend|teacher|neighbour)"
)
PERSON = (
    rf"(?:me|him|her|them|us|(?:my|his|her|our) {RELATIONS}|{RELATIONS}|someone|somebody|"
    r"people|they|he|she|i)"
)
HURT_VERBS = (
    r"(?:hit|hits|hitting|hurt|hurts|hurting|beat|beats|beating|beaten|kick|kicks|kicked|"
    r"kicking|punch|punches|punched|punching|slap|slaps|slapped|smack|smacks|smacked|"
    r"strangle|strangles|strangled|choke|chokes|choked|burn|burns|burnt|burned|bite|bites|"
    r"bit|throw|throws|threw|pushes|pushed|shove|shoved|batter|batters|battered|whack|"
    r"whacks|whacked|bash|bashes|bashed|stab|stabbed|knife|belt|belted|abuse|abuses|"
    r"abused|abusing)"
)

# (category, pattern) over normalised words (lower case, apostrophes dropped).
PATTERNS: tuple[tuple[str, str], ...] = (
    # hurting
    ("hurting", rf"\b{PERSON}\s+(?:\w+\s+)?{HURT_VERBS}\s+{PERSON}\b"),
    ("hurting", rf"\b{HURT_VERBS}\s+(?:me|him|her|them)\b"),
    ("hurting", r"\b(?:bruise|bruises|bruised|black eye|marks on my|hurts at home|gets hurt at home)\b"),
    (
        "hurting",
        r"\b(?:beat me up|beats me up|beat him up|beat her up|gets beaten|got beaten|get hit|gets hit|got hit|getting hit)\b",
    ),
    ("hurting", r"\b(?:fight|fights|fighting|shouting|screaming) at home\b"),
    ("hurting", r"\b(?:threw|throws|throw|throwing) (?:things|stuff|stuff|plates|bottles) at (?:me|him|her|us)\b"),
    ("hurting", r"\b(?:was|been|being|got|gets|get) (?:abused|beaten|attacked|assaulted)\b"),
    # touching and sexual harm
    (
        "touching",
        r"\b(?:touch|touches|touched|touching|feel|feels|felt|grab|grabs|grabbed)\s+(?:me|him|her)\s+(?:down there|there|in my private|in her private|in his private|on my private|where)\b",
    ),
    ("touching", r"\b(?:private parts|privates|down below|down there|my willy|my fanny|my bum|her bum|his willy)\b"),
    ("touching", r"\b(?:touches|touched|touching) me\b"),
    ("touching", rf"\b{PERSON}\s+(?:\w+\s+){{0,3}}touch (?:me|him|her)\b"),
    ("touching", r"\b(?:sex|sexual|rape|raped|raping|molest|molested|groped|grope|fingered)\b"),
    ("touching", r"\b(?:kiss|kisses|kissed) me (?:and|when) i\b|\bmakes? me kiss\b"),
    (
        "touching",
        r"\b(?:take|takes|took|taking) (?:my|off my|me) clothes\b|\btake my clothes off\b|\bwithout (?:my|any) clothes\b|\bnaked\b|\bnudes?\b",
    ),
    (
        "touching",
        r"\b(?:rude|dirty|naughty) (?:pictures|photos|pics|videos|films)\b|\bsend (?:him|her|them) (?:pictures|photos|pics) of me\b",
    ),
    (
        "touching",
        r"\bour (?:little )?secret\b|\bnot allowed to tell\b|\bsaid (?:i|not to) tell\b|\bdont tell anyone\b|\bmust not tell\b",
    ),
    # neglect
    (
        "neglect",
        r"\b(?:no|not any|not enough|never any|never got|never get|dont get any|dont get) (?:food|dinner|tea|breakfast|lunch|meals?)\b",
    ),
    (
        "neglect",
        r"\b(?:not|never|dont|doesnt|didnt|nobody|no one|no body)\s+(?:\w+\s+)?(?:feed|feeds|fed|feeding|give me food|gives me food|gave me food|make me food|makes me food|cook for me|cooks for me)\b",
    ),
    ("neglect", r"\balways hungry\b|\bhungry all the time\b|\b(?:starving|hungry) at home\b|\bnothing to eat\b"),
    (
        "neglect",
        r"\b(?:left|leave|leaves) (?:me |us |him |her )?(?:on my own|alone|on our own|on his own|on her own)\b|\bhome alone\b|\blocked (?:me )?(?:in|out)\b|\blocks me in\b",
    ),
    ("neglect", r"\b(?:no bed|sleep on the floor|no clean clothes|no heating|no electric|dirty clothes every day)\b"),
    # harm to self, wanting to die
    (
        "self_harm",
        r"\b(?:(?:want|wants|wanted|going) to|wanna) (?:die|be dead|kill (?:myself|himself|herself)|end it|end my life|not be here|disappear forever)\b",
    ),
    ("self_harm", r"\b(?:kill|kil|killing|hurt|hurting|harm|harming) (?:myself|meself|himself|herself|my self)\b"),
    (
        "self_harm",
        r"\b(?:cut|cutting|cuts|scratch|scratching|burn|burning) (?:myself|meself|himself|herself|my self|my arms?|his arms?|her arms?|my legs?|my wrists?)\b",
    ),
    (
        "self_harm",
        r"\b(?:suicide|suicidal|suiside|self harm\w*|selfharm\w*|overdose|hang myself|jump off|wish i was dead|wish i were dead|wish i wasnt alive|better off dead|dont want to be alive|dont want to live|no point living|want to disappear|cant go on)\b",
    ),
    # fear at home, violence at home
    (
        "fear_at_home",
        r"\b(?:scared|frightened|afraid|terrified|petrified|scared stiff) (?:at|of going|to go|of being at|about going) home\b",
    ),
    (
        "fear_at_home",
        r"\b(?:scared|frightened|afraid|terrified) of (?:my|his|her|our) (?:mum|mam|mom|dad|stepdad|step dad|stepmum|step mum|uncle|brother|nan|grandad|carer|mums boyfriend|dads girlfriend|foster \w+)\b",
    ),
    (
        "fear_at_home",
        r"\b(?:dont|do not|doesnt|dont ever|never) want to go (?:back )?home\b|\bnot safe at home\b|\bunsafe at home\b",
    ),
    (
        "fear_at_home",
        r"\b(?:dad|mum|mam|stepdad|step dad|mums boyfriend|he|she) (?:hits|hurts|beats|kicks|punches) (?:mum|mam|dad|my mum|my dad|my brother|my sister)\b",
    ),
    # others harming: exploitation, threats, online
    (
        "exploitation",
        r"\b(?:made|makes|make) me (?:carry|sell|hold|hide|deliver) (?:drugs|stuff|packages|parcels|bags)\b|\bcounty lines\b",
    ),
    (
        "exploitation",
        r"\b(?:threaten|threatens|threatened) (?:to )?(?:hurt|kill|beat)\b|\bsaid (?:he|she|they) would (?:hurt|kill|beat)\b",
    ),
    (
        "exploitation",
        r"\b(?:man|woman|someone|somebody|person) (?:online|on the internet|on snapchat|on tiktok|on roblox|on fortnite|in a game) (?:asked|wants|told|keeps asking)\b",
    ),
    (
        "exploitation",
        r"\b(?:asked|asks|wants|wanted) (?:me|him|her) (?:for|to send) (?:photos|pictures|pics|nudes)\b|\bmeet up with (?:a man|someone from online|a stranger)\b",
    ),
    (
        "exploitation",
        r"\b(?:from|on) (?:online|the internet|roblox|fortnite|snapchat|tiktok|instagram|discord) (?:wants|asked|asks|keeps)\b|\b(?:met|meet|meeting) (?:up )?(?:with )?(?:a man|a woman|someone|somebody|a stranger|him|her)? ?from (?:online|the internet|roblox|fortnite|snapchat|tiktok|instagram|discord)\b",
    ),
)
_COMPILED = tuple((category, re.compile(pattern)) for category, pattern in PATTERNS)


@dataclass(frozen=True)
class Concern:
    """Words that may disclose harm: the category and the phrase that matched."""

    category: str
    phrase: str


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, anything else a space: "Don't!" -> "dont"."""
    text = re.sub(r"['\u2019\u2018`]", "", text.lower())
    return " ".join(re.findall(r"[a-z0-9]+", text))


def concern_in(text: str | None) -> Concern | None:
    """The first possible disclosure of harm in these words, or None."""
    if not text:
        return None
    words = normalise(text)
    for category, pattern in _COMPILED:
        found = pattern.search(words)
        if found:
            return Concern(category, found.group(0))
    return None
