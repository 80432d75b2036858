"""What kind of suicide cue a turn holds, in ``indicators.md``'s terms: the ``clue`` of a ``suicide_cue``.

Why: the board said "suicide cue" alike for "Nothing will fix this." and "Just shoot me.", but doctrine reads them
differently. Asking the officers to kill him, or wanting to go out fighting, are suicide-by-cop indicators (Perrou's
14, 10 and 11 [R20 S]); giving things away and a verbal will are McMains & Shannon's behavioural clues and Perrou's 6
and 13 [R22 P]. The team leader and the mental-health consultant weigh those first. The clue tells them which kind
they heard without rereading the log.

Rules, not a model: no labelled data gives these classes. Each class is the indicators.md examples and their
everyday paraphrases. A clue is only asked of a turn already labelled ``suicide_cue`` (by the rules or the model),
so its wordings need not tell a cue from a figure of speech; they do tell a request ("just shoot me", "you'll have to
kill me") from a fear or a figure of speech beside the cue ("they're going to shoot me", "my wife will kill me"). A turn
with no class's wording gets no clue; that is not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from talkdown.domain.annotations import Annotation

_I = re.IGNORECASE


@dataclass(frozen=True)
class Clue:
    id: str
    title: str  # what the board and the advice show
    doctrine: str  # where indicators.md describes it
    sbc: bool  # a suicide-by-cop indicator (Perrou)
    pattern: re.Pattern[str]


# Checked in this order, and the first that matches is the clue: suicide-by-cop signs first (they change the
# tactical picture), then a plan or the means and a stated intent (the most direct), then McMains & Shannon's
# verbal clue classes, hopelessness last (the widest wording).
CLUES: tuple[Clue, ...] = (
    Clue(
        "asks_to_be_killed",
        "asks to be killed",
        "Perrou SbC 14 asks_to_be_killed, 15 deadline_to_be_killed",
        True,
        re.compile(
            r"(?<!will )(?<!\'ll )(?<!gonna )(?<!going to )(?<!would )(?<!\'d )(?<!might )(?<!could )"
            r"\b(?:shoot|kill|take\s+out|finish|end)\s+me\b(?!\s+if\b)|\bput\s+me\s+down\b"
            r"|\bsuicide\s+by\s+cops?\b|\baim\s+for\s+my\s+(?:head|chest|heart)\b"
            r"|\b(?:let|make)\s+(?:the\s+)?(?:cops|police|them|you|snipers?)\s+(?:do\s+it|end\s+it)\b"
            r"|\bdo\s+it\s+for\s+me\b|\blet\s+(?:them|'?em|the\s+cops)\s+(?:do\s+it|come|shoot)\b"
            r"|\bgo\s+'?a?head\s+and\s+do\b|\bsaves?\s+me\s+(?:doing|the\s+(?:trouble|bother))\b"
            r"|\bwhat\s+they\s+came\s+(?:here\s+)?to\s+do\b|\bsend\s+(?:them|'?em)\s+in\b"
            r"|\bgo\s+'?a?head\s+and\s+shoot\b|\bwalk(?:ing)?\s+(?:at|toward|towards|out\s+at)\s+them\b"
            # cues 0.27.0: out at the officers with the weapon up, and leaving the rest to them
            r"|\bwith\s+(?:it|this|that|(?:the|my|a)\s+(?:gun|pistol|rifle|shotgun|knife|blade|weapon|piece|revolver|AR))"
            r"\s+(?:in\s+my\s+hands?|up|raised|pointed|drawn|out)\b|\bwalk(?:ing|s)?\s+(?:straight\s+)?(?:at|towards?)"
            r"\s+(?:those|the\s+(?:cops|cars|police|officers|line))\b"
            r"|\byour\s+(?:boys|guys|lot|men|snipers|officers|deputies)\s+(?:can\s+(?:do|decide)|better\s+be\s+ready)\b"
            r"|\bcan\s+do\s+(?:the\s+rest|what\s+they\s+do|what\s+they\s+have\s+to)\b"
            r"|\bdo\s+what\s+they'?re\s+(?:paid|trained)\b|\bshoot\s+straight\b|\ba\s+clear\s+(?:view|shot)\b"
            r"|\bcan\s+finish\s+(?:it|this|me)\b|\bdoing\s+their\s+(?:thing|job)\b",
            _I,
        ),
    ),
    Clue(
        "going_out_fighting",
        "going out fighting",
        "Perrou SbC 10 macho_death, 11 blaze_of_glory",
        True,
        re.compile(
            r"\bgo(?:ing)?\s+(?:down|out)\s+(?:fighting|shooting|swinging|big|in\s+(?:a\s+)?(?:blaze|style|glory)"
            r"|with\s+a\s+bang)\b|\bdie\s+like\s+a\s+man\b|\b(?:they'?ll|everyone\s+will|gonna)\s+remember\s+(?:this|me|my\s+name)\b"
            r"|\btake\s+(?:some|a\s+few|one)\s+(?:of\s+(?:you|them)\s+)?with\s+me\b",
            _I,
        ),
    ),
    Clue(
        "plan_or_means",
        "a plan or the means",
        "Perrou SbC 9 elaborate_death_plan; indicators.md: method",
        False,
        re.compile(
            r"\b(?:pills?|tablets?|overdose|od|rope|noose|hang\s+myself|razor|blade|wrists?|gun\s+to\s+my\s+head"
            r"|(?:in|into)\s+my\s+mouth|jump(?:ing)?(?:\s+off)?|ledge|bridge|planned|plan\b|how\s+many\s+\w+\s+it\s+takes"
            r"|exhaust|carbon\s+monoxide|train\s+tracks?|in\s+front\s+of\s+(?:a|the)\s+(?:train|truck|bus))\b"
            r"|\b(?:gun|glock|pistol|rifle|shotgun|revolver|sidearm|\.357|bullets?|chamber|piece|knife|railing|balcony"
            r"|roof|the\s+edge|petrol|gasoline|burn\s+myself|(?:car|engine)'?s?\s+(?:is\s+)?running|hose|floor)\b"
            r"|\bcord\b|\bcounted\s+(?:them|it)\s+out\b|\bhit\s+the\s+water\b|\bstrike\s+a\s+match\b|\bmy\s+arms?\b"
            # cues 0.27.0: the engine or the gas left on, vents taped, a sheet torn to strips, legs over the rail,
            # "I'm going over", a window, a train, pills put by
            r"|\b(?:engine|motor)\s+(?:runnin'?g?|on)\b|\bgas\s+(?:is\s+|'s\s+|stays\s+)?(?:on|still\s+on)\b|\bvents?\b"
            r"|\bstrips\b|\b(?:legs?|feet)\s+(?:are\s+)?(?:over|off)\b|\b(?:going|go)\s+(?:over|off)\b"
            r"|\bout\s+(?:of\s+)?the\s+window\b|\btrain'?s?\b|\bsaving\s+them\b|\bmorphine\b|\bpainkillers\b"
            r"|\b\d\d?:\d\d\b|\btracks\b|\brails?\b|\bswallowed\b|\bopen\s+my\s+(?:own\s+)?arm\b|\balready\s+cut\b",
            _I,
        ),
    ),
    Clue(
        "stated_intent",
        "says he means to die",
        "indicators.md: suicidal intent [R19 P]",
        False,
        re.compile(
            r"\b(?:kill(?:ing)?|hurt(?:ing)?|cut(?:ting)?)\s+myself\b|\bsuicid|\bend\s+(?:it|my\s+life|things)\b"
            r"|\b(?:want|wanna|going|gonna|ready)\s+(?:to\s+)?die\b|\brather\s+(?:be\s+dead|die)\b"
            r"|\bdon'?t\s+want\s+to\s+(?:live|be\s+here|wake\s+up)\b|\bcut\s+again\b|\bnot\s+scared\s+of\s+dying\b"
            r"|\b(?:thought|think|thinking)\s+about\s+it\b|\bthen\s+me\b|\bI\s+tried\b|\bI\s+die\b|\bI'?m\s+gone\b"
            r"|\b(?:gonna|going\s+to)\s+do\s+it\b|\bmakin[g']?\s+it\s+to\b"
            r"|\bfinish\s+myself\b|\bcarry\s+me\s+out\b|\bin\s+a\s+bag\b|\bby\s+my\s+own\s+hand\b"
            r"|\b(?:leav|get(?:t)?|walk|com|go)(?:e|ing)?\s+(?:off|out\s+of)?\s*(?:here|this\s+\w+)(?:\s+\w+)?\s+alive\b"
            r"|\bbetter\s+(?:if\s+)?I'?(?:\s+am|m)\s+(?:gone|dead)\b",
            _I,
        ),
    ),
    Clue(
        "final_arrangements",
        "final arrangements",
        "McMains & Shannon behavioural; Perrou SbC 6 giving_away_possessions, 13 verbal_will",
        False,
        re.compile(
            r"\b(?:can|gets?|should\s+get|is\s+to\s+get)\s+(?:have\s+|keep\s+)?(?:my|the)\s+\w+"
            r"|\b(?:keep|have)\s+the\s+(?:boat|truck|car|house|dog|bike|motorbike|piano|guitar|watch|ring)\b"
            r"|\b(?:gave|giving|give)\s+(?:away\s+)?(?:my|all\s+my)\s+\w+|(?:\bis|'s)\s+for\s+my\s+\w+"
            r"|\b(?:my|a)\s+(?:last\s+)?will\b(?!\s+to\b)|\bfuneral\b|\binsurance\b|\bbury\s+me\b"
            r"|\bwritten\s+(?:down|letters?|a\s+note|to\s+my)\b|\bwrote\s+(?:a\s+)?(?:letters?|notes?)\b"
            r"|\b(?:letters?|a\s+note)\s+(?:for|to)\s+my\b|\bloose\s+ends\b|\bsorted\s+everything\b"
            r"|\baffairs\s+in\s+order\b"
            r"|\btake\s+care\s+of\s+(?:my|the)\s+(?:kids|children|dog|cat|boys|girls|wife|mum|mom)\b"
            r"|\b(?:left|wrote|written|write)\s+(?:\w+\s+){0,3}(?:letters?|notes?)\b|\bsigned\s+(?:\w+\s+){1,2}over\b"
            r"|\bpaid\s+the\s+rent\b|\b(?:leave|left)\s+(?:\w+\s+){0,2}a\s+mess\b|\bmess\s+to\s+(?:sort|clear|clean)"
            r"|\b(?:goes?|go)\s+to\s+(?:my|the\s+\w+s\b|\w+'s)|\bput\s+my\s+things\s+in\s+order\b"
            r"|\bwhere\s+to\s+find\s+me\b|\bpolicy'?s?\s+(?:is\s+)?paid\b|\bdeeds\b|\bpapers\s+are\b"
            r"|\bgive\s+(?:the|my)\s+\w+\s+to\b|\btake\s+(?:care\s+of\s+)?(?:the|\w+'s)\s+(?:dog|cat|kids)\b"
            # cues 0.27.0: passwords and PINs passed on, a life policy, who gets what, a thing going to someone, the pet
            r"|\bpasswords?\b|\bPINs?\b|\bpolic(?:y|ies)\b|\blife\s+cover\b|\bwho\s+gets\s+what\b"
            r"|\b(?:written|wrote)\s+(?:it\s+all|everything)\s+(?:down|out)\b|\b(?:goes|gone|go)\s+to\s+(?-i:[A-Z])"
            r"|\b(?:take|feed|walk|look\s+after|mind|see\s+to)\s+(?:the\s+|my\s+)?(?:dogs?|cats?|pets?|baby|kids)\b"
            r"|\b(?:wrote|written|left)\s+(?:\w+\s+){1,2}(?:a\s+)?(?:letter|note|card)s?\b"
            r"|\bmake\s+sure\s+(?:my\s+|our\s+)?\w+(?:\s+next\s+door)?\s+(?:gets?|takes?|has|keeps)\b|\bfeed\s+\w+\b",
            _I,
        ),
    ),
    Clue(
        "goodbye",
        "a goodbye",
        "McMains & Shannon situational (goodbyes)",
        False,
        re.compile(
            r"\bgood\s*-?\s*bye\b|\bfarewell\b|\btell\s+(?:my\s+|her\s+|him\s+|them\s+)?\w+(?:\s+\w+)?\s+(?:I|that\s+I|I'm"
            r"|their\s+\w+|I\s+said)\b|\bI'?m\s+sorry\s+for\s+everything\b|\blast\s+time\s+(?:you'?ll|anyone)\b"
            r"|\btell\s+(?:my\s+|her\s+|him\s+|them\s+)?\w+\s+im\b|\bsaid\s+goodbye\b|\bI\s+love\s+(?:her|him|them|you)\b"
            # cues 0.27.0: sorry said, one more time, a life closed ("made my peace", "had a good innings")
            r"|\b(?:texted|messaged|told|sent)\s+(?:my\s+)?\w+\s+sorry\b|\bone\s+(?:more|last)\s+time\b|\bmade\s+my\s+peace\b"
            r"|\binnings\b|\bdone\s+my\s+living\b|\bmy\s+own\s+terms\b|\btime\s+of\s+my\s+(?:own\s+)?choosing\b",
            _I,
        ),
    ),
    Clue(
        "time_reference",
        "a time after which nothing matters",
        "McMains & Shannon time reference",
        False,
        re.compile(
            r"\bafter\s+(?:tonight|today|this)\b|\bwon'?t\s+(?:be\s+(?:around|here|needing)|need)\b"
            r"|\bby\s+(?:tomorrow|morning)\b|\b(?:soon|tonight)\s+it'?(?:s|ll\s+be)\s+over\b|\bnot\s+my\s+problem\b"
            r"|\bwith\s+(?:her|him|them)\s+again\s+soon\b|\bdon'?t\s+worry\s+about\s+me\s+any\s*more\b"
            r"|\bgo\s+home\s+to\s+the\s+lord\b|\bmeet\s+my\s+maker\b|\bsee\s+(?:her|him|them|mum|mom|dad)\s+again\b"
            r"|\bmuch\s+longer\b|\bbefore\s+I\s+go\b|\b(?:when|once)\s+the\s+sun\s+goes\s+down\b|\bafter\s+midnight\b"
            r"|\bnothing\s+(?:for\s+me\s+)?after\s+(?:that|this|today|tonight)\b"
            r"|\bjoin\s+\w+\b|\bmeet\s+god\b|\bgo\s+together\b|\bgo\s+to\s+sleep\b|\bwhen\s+it\s+gets\s+dark\b|\bruns\s+out\b"
            # cues 0.27.0: "won't matter tomorrow", "not around for the results", "won't see the morning", "no after"
            r"|\bmatter\s+(?:much\s+|any\s+)?(?:longer|tomorrow|after)\b|\b(?:at|after|by)\s+\w+\s+it\s+(?:doesn'?t|won'?t)"
            r"\s+matter\b|\bme\s+(?:much|any)\s+longer\b|\bbe(?:ing)?\s+around\s+(?:for|by|when|after)\b"
            r"|\bsee(?:ing)?\s+(?:the\s+)?(?:morning|tomorrow|sunrise)\b|\bno\s+(?:after|tomorrow)\b|\bwaiting\s+much\b"
            r"|\bafter\s+(?:tomorrow|midnight)\s+(?:none|nothing)\b|\bdon'?t\s+see\s+(?:much|a\s+\w+)\s+(?:after|for\s+me)\b",
            _I,
        ),
    ),
    Clue(
        "better_off_without_me",
        "others better off without him",
        "McMains & Shannon relationship; indicators.md: burdensomeness",
        False,
        re.compile(
            r"\bbetter\s+(?:off\s+)?without\s+me\b|\bbetter\s+off\b|\bburden\b|\bin\s+the\s+way\b"
            r"|\b(?:nobody|no\s+one|no-one)\s+(?:would|will|'?d)?\s*(?:even\s+)?(?:miss|notice|care)"
            r"|\b(?:they'?ll|she'?ll|he'?ll)\s+be\s+sorry\b|\bwaste\s+of\s+space\b|\bsick\s+of\s+me\b|\bsave\s+(?:them|the"
            r"\s+family|everyone)\b|\bnobody\s+cares\b"
            r"|\beasier\s+for\s+(?:every\w*|them|her|him|all)\b|\bless\s+(?:stress|mess|hassle|trouble)\s+for\b"
            r"|\b(?:doesn'?t|don'?t)\s+need\s+me\b"
            r"|\bdeserves?\s+better\b|\b(?:much\s+)?easier\s+(?:for\s+)?every\w*"
            # cues 0.27.0: "happier if I wasn't here", "a liability", "taking up space", "doing everybody a favour"
            r"|\bwithout\s+me\b|\bif\s+I\s+(?:wasn'?t|weren'?t|was\s+gone|was\s+dead)\b|\bliability\b|\ba\s+cost\b"
            r"|\btaking\s+up\s+space\b|\b(?:every\w+|them|her|him)\s+a\s+favou?r\b|\bnuisance\b|\b(?:shot|rid)\s+of\s+me\b|\bneeds?\s+me\b"
            r"|\bcost\s+(?:them|her|him|my|every\w*)\b|\bdragging\b|\bless\s+(?:drama|stress)\b|\bproblem\s+for\b"
            r"|\bmess\s+(?:to\s+(?:sort|clear|clean)|for|everyone)\b|\bdeserves?\s+better\s+than\s+me\b"
            r"|\bif\s+I\s+just\s+(?:wasn'?t|weren'?t)\b",
            _I,
        ),
    ),
    Clue(
        "hopelessness",
        "hopelessness",
        "Perrou SbC 12 hopelessness; McMains & Shannon situational",
        False,
        re.compile(
            r"\bno\s+(?:point|hope|way\s+out|reason\s+to|future|use)\b|\bwhat'?s\s+the\s+point\b|\bhopeless\b"
            r"|\bnothing(?:\s+(?:will|can|is\s+going\s+to|gonna|'?ll)|'s\s+(?:going\s+to|gonna))\s+(?:ever\s+)?(?:fix|change"
            r"|help|get\s+better)"
            r"|\bcan'?t\s+(?:do\s+this|go\s+on|take\s+(?:it|this)|face)\b|\b(?:so\s+)?tired\s+of\b|\bgive\s+up\b"
            r"|\bI'?m\s+done\b|\bgiving\s+up\b|\bnothing\s+left\b|\b(?:lost\s+the|no)\s+will\s+to\s+live\b|\bnothing\s+to\s+live\s+for\b"
            r"|\bnothin[g']?\s+left\b|\bgot\s+to\s+lose\b|\bnothing\s+(?:for\s+me|to\s+go\s+home\s+to)\b"
            r"|\bnothing'?s?\s+(?:ever\s+)?(?:going|gonna)\s+(?:to\s+)?(?:be|change)\b|\bwant\s+it\s+(?:to\s+stop|over)\b"
            r"|\b(?:life'?s|it'?s)\s+(?:actually\s+|all\s+)?over\b|\bdon'?t\s+see\s+(?:any|a|what)\b|\bno\s+way\s+(?:out|I)\b"
            r"|\bso\s+done\b"
            # cues 0.27.0: "it's never going to stop", "it doesn't get better", "no version of this"
            r"|\bnever\s+(?:going\s+to\s+|gonna\s+)?(?:stops?|ends?)\b|\bget(?:s|ting)?\s+(?:any\s+)?better\b"
            r"|\bgets?\s+worse\b|\bbe\s+like\s+this\b|\bno\s+(?:climbing|coming)\b|\bno\s+version\b|\bdone\s+w\b"
            r"|\bgetting\s+worse\b|\bsee\s+(?:another|any\s+other)\s+way\b|\bnothing\s+(?:left\s+)?to\s+go\s+home\s+to\b",
            _I,
        ),
    ),
)
BY_ID = {c.id: c for c in CLUES}


def clue_of(text: str) -> Clue | None:
    """The first class in ``CLUES`` whose wording ``text`` holds (a turn already labelled ``suicide_cue``)."""
    return next((c for c in CLUES if c.pattern.search(text)), None)


def stored_clue(ann: Annotation) -> Clue | None:
    """The clue a stored annotation carries (``detail["clue"]`` of a ``suicide_cue``), or None: the one reading of
    it for the board's chip and the advisor's suicide-by-cop card."""
    return BY_ID.get(str(ann.detail.get("clue"))) if ann.label == "suicide_cue" else None
