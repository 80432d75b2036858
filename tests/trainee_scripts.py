"""Trainee lines that lead a simulated subject to a known point, shared by the engine's and the service's tests.

Why shared: the debrief tests (tests/sim) and the inject tests (tests/services) both need a bank_robbery session
in which he asks for food and water and a trade then frees the elderly customer; one script keeps them in step
when the scenario or the subject's wording changes.
"""

from __future__ import annotations

# bank_robbery: he asks for food and water on exchange 7; the trainee labels, paraphrases and affirms first and
# trades for it (the elderly customer, Mr. Okafor, walks out) on the 4th line after, the 11th.
LATE_TRADE = [
    "My name is Sam, I'm with the police negotiation team. What's going on in there right now?",
    "Sounds like this went really wrong really fast.",
    "Left you standing there. Tell me more about that.",
    "It sounds like you feel abandoned by the person who was supposed to have your back.",
    "That's not something I can decide, but I'll pass it up to the people who decide.",
    "Mm-hm. I'm listening.",
    "What's been the hardest part of all this?",
    "So what you're saying is you owe money to dangerous people and you felt you had no choice.",
    "You sound really frightened about what happens next.",
    "You've kept everyone safe so far, and that matters.",
    "I'll push for the water. In return, could Mr. Okafor come out as a sign of good faith?",
]

# bank_robbery: he asks for the car in his reply to the 2nd line; the 3rd promises it falsely, and listening lines
# follow until the promise is found out, PROMISE_DUE (5) exchanges later, on the 8th.
FALSE_PROMISE = [
    *LATE_TRADE[:2],
    "Sure, you'll get the car, no problem.",
    "Tell me more about that.",
    "What's been the hardest part of all this?",
    "Sounds like you're scared of what happens next.",
    "Mm-hm. I'm listening.",
    "So you feel nobody had your back.",
]
