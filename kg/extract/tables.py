"""The word lists extraction reads, loaded once into one frozen value and passed down.

Every list is data under ``kg/data/`` (entity patterns, triggers, time words, factuality cues,
role prepositions, anaphora, capitals, crafts); :func:`load_tables` reads and checks them all, so
a broken file stops a build before the first article. Nothing in :mod:`kg.extract` reads a file
or keeps a module-level cache: what a function needs arrives in its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract.actors import ActorTables, load_actor_tables
from kg.extract.arguments import Antecedents, load_antecedents
from kg.extract.factuality import FactualityCues, load_factuality_cues
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.roles import RoleTables, load_role_tables
from kg.extract.timex import TimeWords, load_time_words
from kg.extract.triggers import TriggerLexicon, doer_nouns, load_trigger_lexicon
from kg.extract.unnamed import TargetHeads, load_target_heads


@dataclass(frozen=True, slots=True)
class Tables:
    """Every word list of extraction."""

    lexicon: Lexicon
    triggers: TriggerLexicon
    time_words: TimeWords
    cues: FactualityCues
    roles: RoleTables
    antecedents: Antecedents
    actors: ActorTables
    target_heads: TargetHeads


def load_tables() -> Tables:
    """Read and check every word list (a few milliseconds; do it once per process)."""
    triggers = load_trigger_lexicon()
    return Tables(
        lexicon=load_lexicon(),
        triggers=triggers,
        time_words=load_time_words(),
        cues=load_factuality_cues(),
        roles=load_role_tables(),
        antecedents=load_antecedents(),
        actors=load_actor_tables(doer_nouns(triggers)),
        target_heads=load_target_heads(),
    )
