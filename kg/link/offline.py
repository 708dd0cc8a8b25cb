"""The default linker: candidates from the bundled gazetteer, nothing fetched."""

from __future__ import annotations

from dataclasses import replace

from kg.gazetteer.table import Gazetteer, GazetteerEntry
from kg.link.scoring import Candidate, Rival, match_of
from kg.names import variant_key

SOURCE_PREFIX = "newskg-gazetteer"


class OfflineLinker:
    """Looks names up in a :class:`~kg.gazetteer.table.Gazetteer`."""

    source = SOURCE_PREFIX

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def candidates(self, name: str, *, head: bool = False) -> tuple[Candidate, ...]:
        """Entries answering to ``name`` exactly or as a spelling variant: "Odessa" is Odesa
        in Ukraine as well as Odessa, Texas; the scores weigh the looser match less."""
        exact = self.gazetteer.lookup(name)
        entries = (*exact, *(e for e in self.gazetteer.lookup_variant(name) if e not in exact))
        found = [candidate_of(entry, name, head=head) for entry in entries]
        words = name.split()
        if len(words) == 1:
            found += [
                replace(candidate_of(entry, name), match="surname")
                for entry in self.gazetteer.lookup_surname(name)
                if entry not in entries
            ]
        elif len(words) == 2:  # "Aleksandr Lukashenko": Alexander Lukashenko, spelt otherwise
            found += [
                replace(candidate_of(entry, name), match="variant_label")
                for entry in self.gazetteer.lookup_surname(words[1])
                if entry not in entries and same_given_name(words[0], entry.label.split()[0])
            ]
        return tuple(found)

    def rivals(self, name: str) -> tuple[Rival, ...]:
        return tuple(Rival(w.cls, w.country, w.prominence) for w in self.gazetteer.withheld(name))

    def country_of_demonym(self, word: str) -> str | None:
        return self.gazetteer.country_of_demonym(word)

    def group(self, country_qid: str, kind: str) -> Candidate | None:
        entry = self.gazetteer.group(country_qid, kind)
        return None if entry is None else candidate_of(entry, entry.label)


#: Two spellings of one given name share this many first letters of their variant keys
#: ("Aleksandr" and "Alexander": "alek"); "Maria" and "Svetlana" do not.
GIVEN_NAME_PREFIX = 4


def same_given_name(name: str, other: str) -> bool:
    """Whether two given names are spellings of one ("Aleksandr", "Alexander", "Oleksandr" is
    not: transliterations keep the start of a name)."""
    a, b = variant_key(name), variant_key(other)
    shared = min(len(a), len(b), GIVEN_NAME_PREFIX)
    return len(a) > 1 and len(b) > 1 and a[:shared] == b[:shared]


def candidate_of(entry: GazetteerEntry, name: str, *, head: bool = False) -> Candidate:
    """A candidate for ``name``, with how its name matched the entry's."""
    return Candidate(
        qid=entry.qid,
        label=entry.label,
        cls=entry.cls,
        country=entry.country,
        prominence=entry.prominence,
        match=match_of(name, entry.label, entry.aliases, head=head) or "variant_alias",
        name=name,
        source=f"{SOURCE_PREFIX}:{entry.source}",
        head=head,
        level=entry.level,
    )
