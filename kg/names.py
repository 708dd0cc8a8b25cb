"""Name keys shared by extraction and linking: a strict key for identity, a loose one for variants.

:func:`normalise` decides when two strings name the same thing for identity ("The Kremlin" and
"kremlin", "Côte d’Ivoire" and "Cote d'Ivoire"). :func:`variant_key` is looser: it also makes the
usual romanisation variants of one name equal ("Zaporizhzhia" / "Zaporizhia", "Zelensky" /
"Zelenskyy" / "Zelenskiy", "Odessa" / "Odesa", "Kiev" / "Kyiv", "Lugansk" / "Luhansk", "Kharkov" /
"Kharkiv"). It is for finding candidates, never for identity on its own. Both are pure functions of
the text.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

#: Quote-, apostrophe- and dash-like characters, mapped to one ASCII form before anything else.
_UNIFY = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u02bc": "'",  # modifier letter apostrophe (Ukrainian romanisation)
        "\u02b9": "'",  # modifier letter prime (soft sign)
        "\u00b4": "'",  # acute accent used as apostrophe
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)

#: Latin letters that Unicode does not decompose into a base letter plus a mark.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}
)

_APOSTROPHE_OR_DOT = re.compile(r"['.]")
_NOT_WORD = re.compile(r"[\W_]+")

#: Romanisation rules of :func:`variant_key`, applied in order until nothing changes. Each makes
#: two common spellings of one sound equal (Cyrillic romanisations, English/German habits).
VARIANT_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "sh"),  # Khrushchev / Khrushchov; Ukrainian щ
    ("tsch", "ch"),  # German spelling of ч
    ("sch", "sh"),  # Vereschuk / Vereshchuk, Schmidt / Shmidt
    ("tch", "ch"),  # Tchaikovsky / Chaikovsky
    ("zh", "z"),  # Zaporizhzhia / Zaporizhia; ж
    ("kh", "h"),  # Kharkiv / Harkiv; х
    ("ts", "c"),  # ц written ts, tz or c
    ("tz", "c"),
    ("ph", "f"),
    ("w", "v"),  # Kharkow / Kharkov
    ("x", "ks"),  # Alexei / Aleksei
    ("j", "i"),  # ja / ya / ia, Jurij / Yuriy
    ("y", "i"),  # Zelenskyy / Zelenskiy / Zelenskii; Mykola / Mikola
    ("ie", "i"),  # Kiev / Kyiv (Russian ye, Ukrainian yi), Dmitriev / Dmytriiv
    ("g", "h"),  # Lugansk / Luhansk, Gomel / Homel: Russian ghe is g, Ukrainian h
)
#: A word ending in Russian "-ov" is the Ukrainian "-iv" (Kharkov / Kharkiv, Lvov / Lviv).
_RUSSIAN_OV = re.compile(r"ov\b")
_DIGRAPH_RULES = tuple((old, new) for old, new in VARIANT_RULES if len(old) > 1)
_LETTER_RULES = str.maketrans({old: new for old, new in VARIANT_RULES if len(old) == 1})
_DOUBLED = re.compile(r"([a-z])\1+")
#: True while a rule (or a doubled letter) still has something to do.
_RULE_APPLIES = re.compile("|".join(re.escape(old) for old, _ in VARIANT_RULES) + r"|([a-z])\1")

#: The ASCII part of :func:`normalise` as one table: apostrophes and dots go, "&" is "and",
#: other punctuation is a space.
_ASCII_PUNCTUATION = str.maketrans(
    {
        **{ch: " " for ch in string.punctuation + string.whitespace},
        "'": None,
        ".": None,
        "`": None,
        "&": " and ",
    }
)


@lru_cache(maxsize=1 << 16)  # a corpus repeats its names; linking and merging key them often
def normalise(text: str) -> str:
    """The identity key of a name: same key, same name (up to case, accents and punctuation).

    NFKC, unified quotes and dashes, casefold, accents stripped, apostrophes and dots dropped
    ("U.S." -> "us", "d'Ivoire" -> "divoire"), other punctuation -> space, spaces collapsed,
    and a leading "the " dropped.
    """
    if text.isascii():  # the common case, and a faster path to the same result
        text = " ".join(text.lower().translate(_ASCII_PUNCTUATION).split())
    else:
        text = unicodedata.normalize("NFKC", text).translate(_UNIFY).casefold()
        text = _strip_marks(text).translate(_UNDECOMPOSED).replace("&", " and ")
        text = " ".join(_NOT_WORD.sub(" ", _APOSTROPHE_OR_DOT.sub("", text)).split())
    return text[4:] if text.startswith("the ") else text


def variant_key(text: str) -> str:
    """A looser key under which common romanisation variants of one name are equal.

    Applies :data:`VARIANT_RULES` to :func:`normalise`'s result until it is stable, then merges
    doubled letters ("Odessa" -> "odesa"). General rules only: never a list of names.
    """
    return variant_of_normalised(normalise(text))


def close_variants(name: str, other: str) -> bool:
    """Whether two names are spelling variants of one another: the same :func:`variant_key`
    and about the same length. Transliterations add or drop a letter or two ("Zaporizhzhia",
    "Zaporizhia"), they do not halve a name ("Xi" is not "Xiji", though both key to "ksi")."""
    a, b = normalise(name), normalise(other)
    if variant_of_normalised(a) != variant_of_normalised(b):
        return False
    return abs(len(a) - len(b)) <= max(1, max(len(a), len(b)) // 4)


def variant_of_normalised(key: str) -> str:
    """:func:`variant_key` of a string that is already :func:`normalise`'d (saves the work)."""
    while True:
        for old, new in _DIGRAPH_RULES:
            if old in key:
                key = key.replace(old, new)
        key = _RUSSIAN_OV.sub("iv", _DOUBLED.sub(r"\1", key.translate(_LETTER_RULES)))
        if not _RULE_APPLIES.search(key):
            # the rules can spell a new leading article ("þhe" -> "thhe" -> "the"): drop it too,
            # so that the key of a key is the key itself
            while key.startswith("the "):
                key = key[4:]
            return key


#: Head words that make a name a facility's: "Chernobyl nuclear power plant", "Zaporizhzhia NPP".
FACILITY_HEAD = re.compile(
    r"\s+(?:(?:nuclear|atomic)\s+power\s+(?:plants?|stations?)|nuclear\s+generating\s+"
    r"stations?|nuclear\s+(?:plants?|stations?|facility|facilities)|power\s+(?:plants?|"
    r"stations?)|generating\s+stations?|npps?|plants?|facility|facilities|stations?)$",
    re.IGNORECASE,
)


#: How a country's group of each kind is named when the gazetteer has no entry for it.
GROUP_NAMES = {"ArmedForces": "Armed forces of {}", "GovernmentBody": "Government of {}"}


def group_key(kind: str, country: str) -> str:
    """The identity key of a country's armed forces or government, whatever words name it
    ("Russian troops", "the armed forces of Russia"): ``"armed forces of q159"``."""
    return normalise(GROUP_NAMES[kind].format(country))


def facility_core(name: str) -> str:
    """The name without its facility head word ("Chernobyl Nuclear Power Plant" -> "Chernobyl",
    "Zaporizhia NPP" -> "Zaporizhia"), or the name itself if it has none."""
    stripped = name.strip()
    core = FACILITY_HEAD.sub("", stripped).strip()
    return core if core else stripped


def is_short_name(text: str) -> bool:
    """True for names too short to identify anything alone: 3 characters or fewer, or an
    all-capitals abbreviation ("UN", "IAEA", "U.S.")."""
    compact = normalise(text).replace(" ", "")
    if len(compact) <= 3:
        return True
    letters = _APOSTROPHE_OR_DOT.sub("", text.strip())
    return " " not in letters and letters.isalpha() and letters.isupper()


def _strip_marks(text: str) -> str:
    """Drop accents from Latin letters only: in Cyrillic, "й" and "ї" are letters of their own."""
    out: list[str] = []
    latin_base = False
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            if not latin_base:
                out.append(ch)
            continue
        latin_base = ch.isascii()
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))
