"""The words of a demand's item (``detail["item"]``), as the board's "D:" buttons and the advisor quote them.

Why a module of its own: the cue analyser (``cues.py``) finds that a turn demands something and where; what the
thing is called is a separate craft (where a clause ends past a name set after a person, where a long item is cut,
whose name at its end is whom he addresses, what the pattern's reach left out), grown over cues 0.26.6–0.27.6 to
some 200 lines of pure text functions. They read only the text and the patterns (``cue_patterns``), so they are
tested through the analyser's items (``tests/analysis/test_cues.py``) and surveyed by ``eval/demand_items.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from talkdown.analysis import cue_patterns as rx
from talkdown.analysis.base import Turn


def clause_end(body: str) -> int:
    """Where the clause that opens ``body`` ends (``rx.CLAUSE_END``), read past a name set after the person it
    names ("my brother, Dr Samir Haidari, released": ``rx.APPOSITIVE`` after ``rx.APPOSED_TO``).

    Why: the comma before the name was read as the clause's end, so "I'd like my brother, Dr Samir Haidari,
    released." gave the item "my brother" and "One, the regional director, Mr Abernathy, to come down here"
    "the regional director" (until cues 0.26.7), while "I want my brother, ... released" kept the name and what
    is to be done; the board's "D:" button and the ledger then named a relative, not the man to be released.
    At the sentence's end a name without a title after a person word is the person's too ("I'd like my lawyer,
    Sam." gives "my lawyer, Sam", as "Get me my lawyer, Sam." does; ``unaddressed`` takes a negotiator's name
    the window shows off both): until cues 0.27.6 only a titled one was, and the two wordings disagreed; in the
    training sets every such name in a demand names the person ("I want my daughter, Ellen.", "I wanna talk to
    my other brother, Kwame.", "you call my wife, Olga."), none is whom he addresses."""
    at = 0
    while (stop := rx.CLAUSE_END.search(body, at)) is not None:
        name = rx.APPOSITIVE.match(body, stop.start()) if body[stop.start()] == "," else None
        if name is None or not rx.APPOSED_TO.search(body[: stop.start()].rstrip()):
            return stop.start()
        if not name["close"]:  # the name ends the sentence: "Release my brother, Dr Samir Haidari."
            return name.end("name")
        at = name.end()
    return len(body)


def past_reach(item: str, text: str, end: int, reached: bool) -> tuple[str, str]:
    """``item`` without a word its pattern's reach (``rx.ITEM_REACH`` characters) cut in two, and the words of
    its sentence that the reach left out ("" when it stopped at the sentence's end or where its words did).

    Why: a long item ended where the reach did, in the middle of a word ("the ruling overturned in writing,
    signed, slid under the doo", "a letter from the housing association, in writing, saying th")."""
    if not reached or end >= len(text) or text[end] in ".!?;":
        return item, ""
    rest = rx.SENTENCE_END.split(text[end:], maxsplit=1)[0]
    if not rest.strip():
        return item, ""
    if text[end - 1].isalnum() and text[end].isalnum():  # the reach ended inside a word
        head, _, part = item.rpartition(" ")
        return (head, part + rest) if head else (item, rest)
    return item, rest


def tidy_item(item: str, cut_off: str = "") -> str:
    """What a user reads as the thing demanded: without the deadline, threat or clause that follows it ("my kids
    brought here by noon or someone gets hurt" -> "my kids brought here", "the coffee, he walks" -> "the
    coffee"), without the punctuation around it, and short: about ten words (twelve at most), cut where a phrase ends
    (``_cut_short``). ``cut_off``: the words of its sentence the pattern did not reach (``past_reach``)."""
    head = rx.ITEM_TAIL.split(item, maxsplit=1)
    loose = rx.ITEM_LOOSE_END.search(head[0])
    if len(head) > 1 or loose is not None:  # it ends at a tail or a loose "and": whatever the reach left out
        cut_off = ""
    kept = (head[0][: loose.start()] if loose else head[0]).lstrip(" .,;:!?-")
    kept = unaddressed(kept or item.strip(" .,;:!?-") or item)
    words = kept.split()
    if len(words) > 10 or cut_off.strip():
        words = _cut_short(words, cut_off)
    return " ".join(words).rstrip(",;:-")


def unaddressed(item: str, names: frozenset[str] = frozenset()) -> str:
    """``item`` without the name of whom he is talking to at its end ("the food, Sam" -> "the food";
    ``rx.VOCATIVE_END``). A titled name after a word for a person names that person and stays ("my brother, Dr
    Samir Haidari", "my lawyer, Detective Reyes"), unless it is one of ``names``, the negotiators' names the
    window shows (``negotiator_names``).

    Why: until cues 0.27.3 "Bring the food, Sam." gave the item "the food, Sam", and the board's "D:" button and
    the ledger named the negotiator he was talking to as part of the thing demanded."""
    voc = rx.VOCATIVE_END.search(item)
    if voc is None or voc.start() == 0:
        return item
    before = rx.ADDED_TOO.sub("", item[: voc.start()].rstrip())
    named = rx.APPOSED_TO.search(before) is not None or _a_brand(before, voc)
    if named and not names.intersection(voc["name"].split()):
        return item
    return rx.ITEM_LOOSE_END.sub("", item[: voc.start()]) or item


def _a_brand(before: str, voc: re.Match[str]) -> bool:
    """Whether the name at an item's end is the brand or kind of the thing before it ("cigarettes, Marlboro Reds",
    "a beer, Stella Artois"), not whom he is talking to: after a thing word (``rx.DEMAND_ITEM`` ending the words
    before it), a name of two or more words without a title, or one that is itself a thing word ("Marlboro").

    Why: until cues 0.27.6 "I want cigarettes, Marlboro Reds." gave "cigarettes", the brand read as a name he
    addresses. One word is a name there ("an Irish coffee, Stevie", "a beer, Nicky", as the training sets have it),
    so "a beer, Budweiser" still gives "a beer"."""
    if voc["title"] or not rx.THING_ENDS.search(before):
        return False
    return " " in voc["name"] or rx.DEMAND_ITEM.search(voc["name"]) is not None


def negotiator_names(window: Sequence[Turn]) -> frozenset[str]:
    """The names the window shows the negotiators by: each word of a negotiator turn's speaker that is capitalised
    (a transcript's "Sam Reyes"; not a party id or "counsellor"), and the name a negotiator gives ("Hi, I'm Jo",
    "This is Sergeant Reyes": ``rx.INTRODUCED``)."""
    names: set[str] = set()
    for turn in window:
        if turn.side != "negotiator":
            continue
        names.update(w for w in (turn.speaker or "").split() if w[:1].isupper() and w[1:2].islower())
        names.update(w for m in rx.INTRODUCED.finditer(turn.text) for w in m["name"].split())
    return frozenset(names)


def _cut_short(words: list[str], cut_off: str) -> list[str]:
    """An item's ``words`` cut to about ten, where a phrase ends (``cut_off``: the words after them, when the
    pattern's reach left them out of ``words``).

    The first ten, then: when the cut leaves a phrase open ("... read on the national" + "radio", "... say I'm
    not" + "a thief"), the one or two words that close the item or its clause are taken in (at most twelve
    words); else, when the word after the cut carries the phrase on, the cut moves back before the last two
    words' first phrase opener (``rx.PHRASE_OPENERS``: an article, a preposition, a conjunction...) or after
    their comma ("... in my" + "hand before ..." -> "..., signed"); a name is whole as it is ("... to Alicante").
    Last, a word that says nothing at the end goes ("... to look me in" -> "... to look me").

    Why: until cues 0.26.8 the cut fell after the tenth word (or the sixtieth character, mid-word) whatever it
    was, and only a preposition or article there was dropped, so the board's "D:" button read "the communiqué of
    our movement is read on the national", "a car with the keys in it and a full", "... signed, in m"."""
    after = [*words[10:], *cut_off.split()]
    kept = words[:10]
    if not after:
        return _without_dangling(kept)
    last = kept[-1]
    closed = last.endswith((",", ";", ":")) or (last[:1].isupper() and last != "I")
    carries_on = not closed and not _opens_phrase(after[0])
    joined = any(w.lower() in rx.CONJUNCTIONS for w in kept[-2:])  # "... and the" + "road clear": a new item
    if (carries_on or last.lower() in rx.DANGLING_END) and not joined:
        for n in (1, 2):
            ends = n <= len(after) and (n == len(after) or after[n - 1].endswith((",", ";", ":")))
            if ends and not _opens_phrase(after[n - 1]):
                return [*kept, *after[:n]]
    if carries_on:
        for k in range(max(2, len(kept) - 2), len(kept)):
            if _opens_phrase(kept[k]) or kept[k - 1].endswith((",", ";", ":")):
                kept = kept[:k]
                break
    return _without_dangling(kept)


def _without_dangling(words: list[str]) -> list[str]:
    kept = list(words)
    while len(kept) > 1 and kept[-1].lower().strip(",;:") in rx.DANGLING_END:
        kept.pop()
    return kept


def _opens_phrase(word: str) -> bool:
    return word.lower().strip(",;:.!?\"'()") in rx.PHRASE_OPENERS
