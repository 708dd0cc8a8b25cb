"""The default linker: candidates from the bundled gazetteer, nothing fetched."""

from __future__ import annotations

from dataclasses import replace

from kg.gazetteer.table import Gazetteer, GazetteerEntry
from kg.link.scoring import Candidate, Rival, match_of

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
        if " " not in name.strip():
            found += [
                replace(candidate_of(entry, name), match="surname")
                for entry in self.gazetteer.lookup_surname(name)
                if entry not in entries
            ]
        return tuple(found)

    def rivals(self, name: str) -> tuple[Rival, ...]:
        return tuple(Rival(w.cls, w.country, w.prominence) for w in self.gazetteer.withheld(name))

    def country_of_demonym(self, word: str) -> str | None:
        return self.gazetteer.country_of_demonym(word)

    def group(self, country_qid: str, kind: str) -> Candidate | None:
        entry = self.gazetteer.group(country_qid, kind)
        return None if entry is None else candidate_of(entry, entry.label)


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
