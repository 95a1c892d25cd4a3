"""Question sets: the YAML files a facilitator edits by hand, checked and turned into the model.

A facilitator is not a programmer, and the file is the one part of the product they edit
themselves. So a broken file never ends in a traceback: every problem, from "this is not YAML"
to "scale 'x' does not exist", becomes a ``Problem`` naming the file, the line and the item, in
the facilitator's language. All problems are reported at once, so one round of editing fixes
them all.

The built-in sets live in the package (``mognad_tui/question_sets/*.yaml``, a data folder next
to this module, not a Python package). The facilitator's own sets live in ``./question_sets``
where ``mognad`` is started, and override a built-in set with the same id and language.

Parsing goes through the pure-Python ``yaml.SafeLoader`` on purpose, subclassed to stop after
``MAX_NODES`` nodes or ``MAX_DEPTH`` levels: libyaml's C composer recurses on the C stack, where
a file of nested brackets could crash the process. Sets are small, so speed does not matter.
We walk the composed node graph ourselves rather than constructing Python objects, to keep line
numbers, to see duplicate keys (PyYAML silently keeps the last one) and to bound the work an
alias bomb ("billion laughs") could make us do.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from mognad_tui.i18n import Catalog, format_number, resolve_lang
from mognad_tui.model import (
    DONT_KNOW,
    IMPORTANCE_SUFFIX,
    IMPORTANCE_VALUES,
    ITEM_WARNINGS,
    LANGS,
    MAX_FREE_TEXT,
    MAX_SHORT_TEXT,
    SET_WARNINGS,
    Dimension,
    Item,
    Kind,
    Lang,
    Option,
    Prompt,
    Question,
    QuestionSet,
    Step,
    clean_text,
)

#: Files larger than this are refused before parsing: a set is a few tens of kilobytes.
MAX_FILE_BYTES = 1_000_000
#: Bounds on the node graph we walk. Aliases re-visit shared nodes, so an alias bomb of a few
#: lines would otherwise expand to billions of nodes; a real set has a few thousand.
MAX_NODES = 20_000
MAX_DEPTH = 30
#: The facilitator's own folder, relative to where ``mognad`` is started.
USER_DIR = "question_sets"
YAML_SUFFIXES = (".yaml", ".yml")

MAX_ID = 60
MAX_TITLE = MAX_SHORT_TEXT
MAX_TEXT = MAX_FREE_TEXT
MAX_HELP = 2_000
MAX_LABEL = MAX_SHORT_TEXT
MAX_SCALE_POINTS = 10
MAX_OPTIONS = 20
MAX_DOTS = 20
MAX_MINUTES = 240

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_STEP_NUMBERS = (1, 2, 3, 4)
_TOP_KEYS = (
    "id", "version", "lang", "title", "description", "scales", "importance", "dimensions", "steps",
    "allow",
)  # fmt: skip
_PROMPT_KEYS = ("id", "prompt", "help", "minutes", "optional")
_BY_KIND = ("scale", "importance", "options", "max_length", "dots")
_QUESTION_KEYS = ("id", "kind", "text", "dimension", *_BY_KIND, "allow")

# ---------------------------------------------------------------- messages

messages = Catalog(
    {
        "sv": {
            # where a problem is
            "where.question": "fråga '{id}'",
            "where.prompt": "samtalsfråga '{id}'",
            "where.item": "punkt '{id}'",
            "where.position": "{step}, punkt {n}",
            "where.step": "steg {step}",
            "where.step_position": "steget på plats {n} i listan",
            "where.scale": "skala '{id}'",
            "where.dimension": "dimension '{id}'",
            "where.dimension_position": "dimension {n} i listan",
            "where.importance": "viktighetsfrågan (importance)",
            # the file as a whole
            "file.not_found": "Filen finns inte.",
            "file.unreadable": "Filen går inte att öppna. Kontrollera att det är en fil och att "
            "du får läsa den.",
            "file.too_big": "Filen är för stor ({size} MB). Ett frågeset får vara högst "
            "{limit} MB. Är det rätt fil?",
            "file.binary": "Filen innehåller inte text. Välj en YAML-fil som är sparad som "
            "vanlig text (UTF-8).",
            "file.encoding": "Filen är inte sparad som UTF-8, så tecknen på den här raden går "
            "inte att läsa. Spara filen som UTF-8 i din textredigerare.",
            "file.empty": "Filen är tom.",
            "file.internal": "Filen kunde inte kontrolleras på grund av ett fel i programmet. "
            "Rapportera gärna felet.",
            # YAML syntax
            "yaml.syntax": "Filen går inte att läsa som YAML. Kontrollera indrag, kolon och "
            "citattecken på den här raden och raden före.",
            "yaml.tab": "Tabbtecken går inte att använda för indrag. Använd mellanslag.",
            "yaml.colon": "Ett kolon mitt i en text förvirrar YAML. Sätt texten inom "
            'citattecken, till exempel text: "Fråga: hur gör vi?"',
            "yaml.quote": "Ett citattecken avslutas aldrig. Kontrollera att varje text som "
            "börjar med \" eller ' också slutar med samma tecken.",
            "yaml.indent": "Indraget stämmer inte. Rader på samma nivå ska börja lika långt "
            "in, med mellanslag.",
            "yaml.char": "Filen innehåller ett osynligt styrtecken som inte får finnas i en "
            "YAML-fil. Ta bort det.",
            "yaml.documents": "Filen innehåller flera dokument (avdelade med ---). Ett "
            "frågeset ska vara ett enda dokument.",
            "yaml.alias": "En hänvisning med * pekar inte på något som är märkt med &.",
            "yaml.tag": "Värdet har en tagg ({tag}) som inte stöds. Skriv värdet utan tagg.",
            "yaml.value": "Värdet går inte att läsa.",
            "yaml.too_many": "Filen har för många delar för att vara ett frågeset. Är det rätt "
            "fil?",
            "yaml.too_complex": "Filen är för komplex: den har för många hänvisningar (& och *) "
            "som pekar på varandra. Skriv ut texterna i stället.",
            "yaml.too_deep": "Filen har för många nivåer inuti varandra. Ett frågeset "
            "behöver bara några nivåer.",
            # structure and types
            "top.not_mapping": "Filen ska börja med nycklar som id:, title: och steps:, men "
            "den innehåller {got}.",
            "key.missing": "'{name}' saknas.",
            "key.unknown": "Okänd nyckel '{name}'. Här går det att skriva: {allowed}.",
            "key.duplicate": "Nyckeln '{name}' står två gånger (första gången på rad {first}).",
            "key.not_text": "Nyckeln {name} är inte ett ord. En nyckel skrivs som ett ord följt "
            "av kolon, till exempel title:.",
            "type.wrong": "'{name}' ska vara {expected}, men är {got}.",
            "type.hint_quote": 'Sätt texten inom citattecken, till exempel {name}: "{raw}".',
            "type.hint_quote_entry": 'Sätt texten inom citattecken, till exempel - "{raw}".',
            "entry": "{name}, nummer {n}",
            "type.text": "en text",
            "type.int": "ett heltal",
            "type.number": "ett tal",
            "type.bool": "true eller false",
            "type.list": "en lista",
            "type.mapping": "nycklar med värden",
            "type.null": "tom",
            "type.date": "ett datum",
            "type.other": "ett annat slags värde",
            "text.empty": "'{name}' är tom.",
            "text.too_long": "'{name}' är för lång ({n} tecken). Högst {max} tecken går.",
            "id.bad": "'{id}' går inte att använda som id. Ett id får bara ha bokstäverna "
            "a–z och A–Z, siffror, - och _, börja med en bokstav eller siffra och vara högst "
            "{max} tecken.",
            "id.duplicate": "Id '{id}' används redan på rad {first}. Varje id ska vara unikt.",
            "lang.bad": "'lang' ska vara sv eller en, men är '{value}'.",
            "steps.empty": "Frågesetet har inga steg. Lägg till minst ett steg under steps:.",
            "steps.no_items": "Frågesetet har varken frågor eller samtalsfrågor.",
            "step.number": "'number' ska vara 1, 2, 3 eller 4, men är {value}.",
            "step.duplicate": "Steg {number} finns redan på rad {first}.",
            "item.no_kind": "Punkten har varken prompt: (en samtalsfråga) eller kind: (en "
            "fråga att svara på).",
            "item.both": "Punkten har både prompt: och kind:. En samtalsfråga har prompt:, en "
            "fråga att svara på har kind: och text:.",
            "item.kind_unknown": "Okänd kind '{value}'. Välj scale, single, multiple, text "
            "eller dots.",
            "item.not_here": "'{name}' går inte att använda med kind: {kind}.",
            "scale.unknown": "Skalan '{value}' finns inte. Skalor i filen: {known}.",
            "scale.missing": "Frågan behöver scale: med namnet på en skala. Skalor i filen: "
            "{known}.",
            "scale.points": "Skalan behöver från {min} till {max} steg under labels, men har {n}.",
            "dimension.unknown": "Dimensionen '{value}' finns inte. Dimensioner i filen: {known}.",
            "dots.bad": "'dots' ska vara ett heltal från 1 till {max}, till exempel dots: 3.",
            "minutes.bad": "'minutes' ska vara ett heltal från 1 till {max}.",
            "max_length.bad": "'max_length' ska vara ett heltal från 1 till {max}.",
            "options.missing": "Frågan behöver options: en lista med minst två alternativ.",
            "options.count": "Frågan behöver från 2 till {max} alternativ under options, men "
            "har {n}.",
            "option.bad": "Alternativ {n} ska vara en text, eller value: och label:.",
            "option.value_bad": "Alternativ {n}: 'value' ska vara en text eller ett heltal.",
            "option.duplicate_value": "Alternativ {n} har samma värde '{value}' som "
            "alternativ {first}.",
            "option.duplicate_label": "Alternativ {n} har samma text som alternativ {first}.",
            "importance.not_scale": "importance: true går bara att använda med kind: scale.",
            "allow.code": "'{code}' är ingen varning som går att tysta här. Här går det att "
            "tysta: {known}.",
            "allow.reason": "Skälet att tysta '{code}' saknas. Skriv varför varningen inte "
            'gäller, till exempel {code}: "en lista med exempel, en idé".',
            # warnings: the set loads, but an item may be hard to answer
            "where.set": "frågesetet '{id}'",
            "warn.joined-ideas": "Påståendet verkar handla om två saker på en gång ({words}). "
            "Dela upp det i två påståenden, eller skriv varför det är en sak med allow: "
            '{{joined-ideas: "skäl"}}.',
            "warn.too-long": "Påståendet är {n} tecken långt. Mer än {max} tecken får inte "
            "plats på en mobilskärm utan att man skrollar förbi frågan. Korta det.",
            "warn.no-twin": "{twin} saknas bredvid filen. Ett frågeset ska finnas på både "
            "svenska och engelska, med samma id:n.",
            "warn.no-twin.name": "Filnamnet säger inte språket, så översättningen går inte att "
            "hitta. Döp filen till NAMN.{set_lang}.yaml och översättningen till NAMN.{other}.yaml.",
            "warn.no-twin.set": "{twin} har id '{other}', inte '{id}'. Översättningen ska ha "
            "samma id.",
            "warn.no-twin.ids": "{twin} har inte samma id:n. Bara här: {here}. Bara i {twin}: "
            "{there}.",
            "none": "inga",
            # finding a set
            "set.unknown": "Det finns inget frågeset som heter '{name}'. Frågeset som finns: "
            "{known}.",
            "set.ambiguous": "Flera filer har id '{id}' och språk {language}: {files}. Ändra id "
            "i en av dem.",
        },
        "en": {
            "where.question": "question '{id}'",
            "where.prompt": "prompt '{id}'",
            "where.item": "item '{id}'",
            "where.position": "{step}, item {n}",
            "where.step": "step {step}",
            "where.step_position": "the step at position {n} in the list",
            "where.scale": "scale '{id}'",
            "where.dimension": "dimension '{id}'",
            "where.dimension_position": "dimension {n} in the list",
            "where.importance": "the importance question",
            "file.not_found": "The file does not exist.",
            "file.unreadable": "The file cannot be opened. Check that it is a file and that "
            "you may read it.",
            "file.too_big": "The file is too large ({size} MB). A question set may be at most "
            "{limit} MB. Is it the right file?",
            "file.binary": "The file does not contain text. Choose a YAML file saved as plain "
            "text (UTF-8).",
            "file.encoding": "The file is not saved as UTF-8, so the characters on this line "
            "cannot be read. Save the file as UTF-8 in your text editor.",
            "file.empty": "The file is empty.",
            "file.internal": "The file could not be checked because of an error in the "
            "program. Please report it.",
            "yaml.syntax": "The file cannot be read as YAML ({detail}). Check the "
            "indentation, colons and quotes on this line and the line before.",
            "yaml.tab": "Tabs cannot be used for indentation. Use spaces.",
            "yaml.colon": "A colon inside a text confuses YAML. Put the text in quotes, for "
            'example text: "Question: how do we do it?"',
            "yaml.quote": 'A quote is never closed. Check that every text that starts with " '
            "or ' also ends with the same character.",
            "yaml.indent": "The indentation does not match. Lines at the same level must start "
            "at the same column, using spaces.",
            "yaml.char": "The file contains an invisible control character that is not "
            "allowed in a YAML file. Remove it.",
            "yaml.documents": "The file contains several documents (separated by ---). A "
            "question set must be a single document.",
            "yaml.alias": "A reference with * does not point to anything marked with &.",
            "yaml.tag": "The value has a tag ({tag}) that is not supported. Write the value "
            "without a tag.",
            "yaml.value": "The value cannot be read.",
            "yaml.too_many": "The file has too many parts to be a question set. Is it the right "
            "file?",
            "yaml.too_complex": "The file is too complex: it has too many references (& and *) "
            "pointing at each other. Write the texts out instead.",
            "yaml.too_deep": "The file has too many levels inside each other. A question set "
            "needs only a few levels.",
            "top.not_mapping": "The file must start with keys such as id:, title: and steps:, "
            "but it contains {got}.",
            "key.missing": "'{name}' is missing.",
            "key.unknown": "Unknown key '{name}'. Allowed here: {allowed}.",
            "key.duplicate": "The key '{name}' appears twice (first on line {first}).",
            "key.not_text": "The key {name} is not a word. A key is a word followed by a "
            "colon, for example title:.",
            "type.wrong": "'{name}' must be {expected}, but is {got}.",
            "type.hint_quote": 'Put the text in quotes, for example {name}: "{raw}".',
            "type.hint_quote_entry": 'Put the text in quotes, for example - "{raw}".',
            "entry": "{name}, number {n}",
            "type.text": "text",
            "type.int": "a whole number",
            "type.number": "a number",
            "type.bool": "true or false",
            "type.list": "a list",
            "type.mapping": "keys with values",
            "type.null": "empty",
            "type.date": "a date",
            "type.other": "another kind of value",
            "text.empty": "'{name}' is empty.",
            "text.too_long": "'{name}' is too long ({n} characters). At most {max} characters "
            "are allowed.",
            "id.bad": "'{id}' cannot be used as an id. An id may contain only the letters "
            "a-z and A-Z, digits, - and _, must start with a letter or digit and be at most "
            "{max} characters.",
            "id.duplicate": "The id '{id}' is already used on line {first}. Every id must be "
            "unique.",
            "lang.bad": "'lang' must be sv or en, but is '{value}'.",
            "steps.empty": "The question set has no steps. Add at least one step under steps:.",
            "steps.no_items": "The question set has neither questions nor prompts.",
            "step.number": "'number' must be 1, 2, 3 or 4, but is {value}.",
            "step.duplicate": "Step {number} already exists on line {first}.",
            "item.no_kind": "The item has neither prompt: (a discussion prompt) nor kind: (a "
            "question to answer).",
            "item.both": "The item has both prompt: and kind:. A discussion prompt has "
            "prompt:, a question to answer has kind: and text:.",
            "item.kind_unknown": "Unknown kind '{value}'. Choose scale, single, multiple, "
            "text or dots.",
            "item.not_here": "'{name}' cannot be used with kind: {kind}.",
            "scale.unknown": "The scale '{value}' does not exist. Scales in the file: {known}.",
            "scale.missing": "The question needs scale: with the name of a scale. Scales in "
            "the file: {known}.",
            "scale.points": "The scale needs {min} to {max} points under labels, but has {n}.",
            "dimension.unknown": "The dimension '{value}' does not exist. Dimensions in the "
            "file: {known}.",
            "dots.bad": "'dots' must be a whole number from 1 to {max}, for example dots: 3.",
            "minutes.bad": "'minutes' must be a whole number from 1 to {max}.",
            "max_length.bad": "'max_length' must be a whole number from 1 to {max}.",
            "options.missing": "The question needs options: a list of at least two choices.",
            "options.count": "The question needs 2 to {max} choices under options, but has {n}.",
            "option.bad": "Choice {n} must be a text, or value: and label:.",
            "option.value_bad": "Choice {n}: 'value' must be a text or a whole number.",
            "option.duplicate_value": "Choice {n} has the same value '{value}' as choice {first}.",
            "option.duplicate_label": "Choice {n} has the same text as choice {first}.",
            "importance.not_scale": "importance: true can only be used with kind: scale.",
            "allow.code": "'{code}' is not a warning that can be silenced here. Here you can "
            "silence: {known}.",
            "allow.reason": "The reason for silencing '{code}' is missing. Write why the "
            'warning does not apply, for example {code}: "a list of examples, one idea".',
            "where.set": "the question set '{id}'",
            "warn.joined-ideas": "The statement seems to be about two things at once ({words}). "
            "Split it into two statements, or write why it is one thing with allow: "
            '{{joined-ideas: "reason"}}.',
            "warn.too-long": "The statement is {n} characters long. More than {max} characters "
            "do not fit on a phone screen without scrolling past the question. Shorten it.",
            "warn.no-twin": "{twin} is missing beside the file. A question set should exist in "
            "both Swedish and English, with the same ids.",
            "warn.no-twin.name": "The file name does not say the language, so the translation "
            "cannot be found. Name the file NAME.{set_lang}.yaml and the translation "
            "NAME.{other}.yaml.",
            "warn.no-twin.set": "{twin} has the id '{other}', not '{id}'. The translation must "
            "have the same id.",
            "warn.no-twin.ids": "{twin} does not have the same ids. Only here: {here}. Only in "
            "{twin}: {there}.",
            "none": "none",
            "set.unknown": "There is no question set called '{name}'. Question sets that "
            "exist: {known}.",
            "set.ambiguous": "Several files have the id '{id}' and language {language}: {files}. "
            "Change the id in one of them.",
        },
    }
)

#: Texts a set gets when it leaves them out, in the set's own language (not the user's).
_SET_DEFAULTS: dict[str, dict[str, str]] = {
    "sv": {
        "dont_know": "Vet ej / ej relevant",
        "importance": "Hur viktigt är detta för oss det kommande året?",
        "low": "Låg",
        "medium": "Medel",
        "high": "Hög",
    },
    "en": {
        "dont_know": "Don't know / not relevant",
        "importance": "How important is this for us in the coming year?",
        "low": "Low",
        "medium": "Medium",
        "high": "High",
    },
}

# ---------------------------------------------------------------- public types


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, ready to show: the message is in the user's language.

    ``item`` names where in the set, also in the user's language ("fråga 'x'", "steg 2,
    punkt 3"), or is None for problems with the file as a whole or its top-level keys.
    """

    path: str
    line: int | None
    item: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        parts = [where, self.item, self.message] if self.item else [where, self.message]
        return ": ".join(parts)


class QuestionSetError(Exception):
    """A set could not be loaded. ``problems`` says every reason, each ready to show."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class SetInfo:
    """A set that can be chosen: what the wizard offers and a list of sets shows."""

    id: str
    lang: str
    title: str
    version: str
    path: Path
    builtin: bool


@dataclass(frozen=True)
class Advice:
    """A warning about a set that loads: an item that is likely hard to answer, or a set
    without its translation. Ready to show, like ``Problem``; ``code`` is what an author writes
    under ``allow:`` to silence it, and ``reason`` is their reason when they did."""

    path: str
    line: int | None
    item: str | None
    code: str
    message: str
    reason: str | None = None

    @property
    def where(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        return f"{place}: {self.item}" if self.item else place


@dataclass(frozen=True)
class Check:
    """What ``mognad validate`` says about one file: errors stop a set from loading, warnings
    do not; silenced warnings carry the reason the author gave."""

    problems: list[Problem]
    warnings: list[Advice]
    silenced: list[Advice]


# ---------------------------------------------------------------- reading YAML with lines


class _Abort(Exception):
    """Stops reading a file that cannot be read further: one problem, then nothing else."""

    def __init__(self, key: str, line: int | None, /, **fields: Any):
        super().__init__(key)
        self.key = key
        self.line = line
        self.fields = fields


@dataclass
class _Node:
    """A YAML value with the line it starts on (1-based).

    ``value`` is ``dict[str, _Node]`` for a mapping, ``list[_Node]`` for a sequence, or a plain
    scalar (str, int, float, bool, None, date...). ``raw`` keeps a plain scalar's source text, so
    ``version: 1.10`` stays "1.10" and a hint can quote what was written. ``key_lines`` keeps the
    line of each key of a mapping.
    """

    value: Any
    line: int
    raw: str | None = None
    key_lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # key, line, first

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)


@dataclass(frozen=True)
class _Statement:
    """A question's text as the checker read it, for the warnings: where it is and what the
    author allowed."""

    line: int
    where: str
    text: str
    allow: dict[str, str]


_STD_TAG = "tag:yaml.org,2002:"
_MAP_TAG = _STD_TAG + "map"
_SEQ_TAG = _STD_TAG + "seq"
_MERGE_TAG = _STD_TAG + "merge"
#: Scalars may be text, numbers, true/false, empty or dates; not !!binary, !!python/... etc.
_SCALAR_TAGS = frozenset(_STD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))


def _tag(tag: str) -> str:
    """A tag as the user wrote it: ``!!binary`` rather than ``tag:yaml.org,2002:binary``."""
    shown = "!!" + tag[len(_STD_TAG) :] if tag.startswith(_STD_TAG) else tag
    return shown[:40]


class _Walker:
    """Turns a composed node graph into ``_Node`` values, bounded in size and depth.

    Problems met on the way that do not stop reading (keys that are not words, unsupported
    tags) go to ``report``. Duplicate keys are kept on their mapping, so the checker can name
    the item they are in; ``maps`` lists every mapping so none is forgotten.
    """

    def __init__(self, report: Any):
        self.report = report  # report(line, item, key, **fields)
        self.visited = 0
        self.maps: list[_Node] = []
        self.loader: yaml.SafeLoader | None = None

    def walk(self, root: yaml.Node, loader: yaml.SafeLoader) -> _Node:
        self.loader = loader
        return self._walk(root, 0)

    def _walk(self, node: yaml.Node, depth: int) -> _Node:
        self.visited += 1
        line = node.start_mark.line + 1
        if self.visited > MAX_NODES:
            raise _Abort("yaml.too_complex", line)
        if depth > MAX_DEPTH:
            raise _Abort("yaml.too_deep", line)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.report(line, None, "yaml.tag", tag=_tag(node.tag))
            return _Node([self._walk(child, depth + 1) for child in node.value], line)
        if node.tag != _MAP_TAG:
            self.report(line, None, "yaml.tag", tag=_tag(node.tag))
        result = _Node({}, line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = self._key(key_node, key_line, depth)
            value = self._walk(value_node, depth + 1)
            if key is None:
                continue
            if key in result.value:
                result.duplicates.append((key, key_line, result.key_lines[key]))
                continue
            result.value[key] = value
            result.key_lines[key] = key_line
        self.maps.append(result)
        return result

    def _scalar(self, node: yaml.ScalarNode, line: int) -> _Node:
        if node.tag not in _SCALAR_TAGS:
            self.report(line, None, "yaml.tag", tag=_tag(node.tag))
            return _Node(node.value, line, raw=node.value)
        assert self.loader is not None  # set by walk()
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception:  # a bad !!int, !!binary, a 10,000-digit number...
            self.report(line, None, "yaml.value")
            value = node.value
        raw = node.value if node.style is None else None
        return _Node(value, line, raw=raw)

    def _key(self, node: yaml.Node, line: int, depth: int) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _MERGE_TAG:
            return "<<"  # reported as an unknown key where keys are checked
        key = self._walk(node, depth + 1)
        if isinstance(key.value, str):
            return key.value
        shown = key.raw if key.raw is not None else _short(node)
        self.report(line, None, "key.not_text", name=shown[:40])
        return None


def _short(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)[:40]
    return "[...]" if isinstance(node, yaml.SequenceNode) else "{...}"


def _yaml_problem(exc: yaml.YAMLError, text: str) -> _Abort:
    """Map PyYAML's English error to a plain hint in the user's language."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _Abort("yaml.char", text[: exc.position].count("\n") + 1)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    if "'\\t'" in problem:
        return _Abort("yaml.tab", line)
    if "mapping values are not allowed" in problem:
        return _Abort("yaml.colon", line)
    if "undefined alias" in problem:
        return _Abort("yaml.alias", line)
    if "expected a single document" in context or "but found another document" in problem:
        return _Abort("yaml.documents", line)
    if "quoted scalar" in context:
        return _Abort("yaml.quote", line)
    indent_signs = ("expected ':'", "expected key", "<block end>", "expected '-'")
    if any(sign in problem for sign in indent_signs):
        return _Abort("yaml.indent", line)
    detail = " ".join(f"{context} {problem}".split()) or type(exc).__name__
    return _Abort("yaml.syntax", line, detail=detail)


class _Loader(yaml.SafeLoader):
    """SafeLoader that gives up after ``MAX_NODES`` nodes or ``MAX_DEPTH`` levels.

    The pure-Python scanner is slow, so a 1 MB list of numbers would take seconds to compose
    before any check of ours could refuse it; counting here stops the scanning early too.
    """

    composed = 0
    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.composed += 1
        if self.composed > MAX_NODES:
            raise _Abort("yaml.too_many", self.peek_event().start_mark.line + 1)
        if self.depth > MAX_DEPTH:  # long before Python's recursion limit
            raise _Abort("yaml.too_deep", self.peek_event().start_mark.line + 1)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _parse_yaml(text: str, walker: _Walker) -> _Node | None:
    """Compose ``text`` into ``_Node`` values; None for an empty document."""
    try:
        loader = _Loader(text)  # checks for control characters at once
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text) from None
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise _yaml_problem(exc, text) from None
        except RecursionError:
            raise _Abort("yaml.too_deep", None) from None
        if root is None:
            return None
        try:
            return walker.walk(root, loader)
        except RecursionError:
            raise _Abort("yaml.too_deep", None) from None
    finally:
        loader.dispose()


def _decode(data: bytes) -> str:
    """Bytes to text, or ``_Abort`` for binary data and files not saved as UTF-8."""
    if b"\x00" in data:
        raise _Abort("file.binary", None)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Abort("file.encoding", data[: exc.start].count(b"\n") + 1) from None


def _read(source: Path | Traversable) -> bytes:
    """Read at most one byte over the limit, so a huge file is refused without reading it."""
    try:
        with source.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                size = len(data)
                if isinstance(source, Path):
                    with contextlib.suppress(OSError):
                        size = max(size, source.stat().st_size)
                raise _Abort("file.too_big", None, size=size)
            return data
    except FileNotFoundError:
        raise _Abort("file.not_found", None) from None
    except OSError:
        raise _Abort("file.unreadable", None) from None


# ---------------------------------------------------------------- checking and building


class _Checker:
    """Checks one parsed file and builds the ``QuestionSet``; collects every problem."""

    def __init__(self, path: str, lang: str):
        self.path = path
        self.lang = lang
        self.problems: list[Problem] = []
        self.item_ids: dict[str, int] = {}
        self.dup_reported: set[tuple[int, str]] = set()
        # Read first, then looked up by the questions that name them.
        self.scales: dict[str, tuple[Option, ...]] = {}
        self.importance: tuple[str, dict[str, str]] = ("", {})
        self.dimensions: dict[str, Dimension] = {}
        # What the warnings (``check_file``) look at, with the lines to point to.
        self.statements: list[_Statement] = []
        self.set_line: int | None = None

    # -- reporting

    def t(self, message: str, /, **fields: Any) -> str:
        return messages(message, self.lang, **fields)

    def report(self, line: int | None, item: str | None, message: str, /, **fields: Any) -> None:
        self.problems.append(Problem(self.path, line, item, self.t(message, **fields)))

    def type_name(self, value: Any) -> str:
        if hasattr(value, "isoformat"):
            return self.t("type.date")
        # bool before int: True is an int to isinstance, but not to the person who wrote it.
        kinds = ((bool, "bool"), (int, "int"), (float, "number"), (str, "text"), (list, "list"))
        kinds += ((dict, "mapping"), (type(None), "null"))
        name = next((name for t, name in kinds if isinstance(value, t)), "other")
        return self.t(f"type.{name}")

    def wrong_type(
        self, node: _Node, key: str, item: str | None, expected: str, entry: int | None = None
    ) -> None:
        """Say what was expected and what was found; for text, how to quote it.

        ``entry`` is the position in a list (``labels``, ``options``), whose entries have no key
        of their own.
        """
        got = self.type_name(node.value)
        shown = key if entry is None else self.t("entry", name=key, n=entry)
        message = self.t("type.wrong", name=shown, expected=self.t(expected), got=got)
        if expected == "type.text" and node.raw and node.value is not None:
            hint = "type.hint_quote" if entry is None else "type.hint_quote_entry"
            message += " " + self.t(hint, name=key, raw=node.raw[:40])
        self.problems.append(Problem(self.path, node.line, item, message))

    # -- reading fields of a mapping

    def keys(self, node: _Node, allowed: tuple[str, ...], item: str | None) -> None:
        """Unknown keys (typos like ``promt:``) and keys written twice in this mapping."""
        self.duplicates(node, item)
        for key in node.value:
            if key not in allowed:
                line = node.key_lines.get(key, node.line)
                self.report(line, item, "key.unknown", name=key[:40], allowed=", ".join(allowed))

    def duplicates(self, node: _Node, item: str | None) -> None:
        # Keyed on the line, not the node: a mapping reached twice through an alias is one
        # mistake in the file.
        for key, line, first in node.duplicates:
            if (line, key) not in self.dup_reported:
                self.dup_reported.add((line, key))
                self.report(line, item, "key.duplicate", name=key[:MAX_ID], first=first)

    def field(self, node: _Node, key: str, item: str | None, required: bool) -> _Node | None:
        value = node.value.get(key)
        if value is None and required:
            self.report(node.line, item, "key.missing", name=key)
        return value

    def text(
        self,
        node: _Node,
        key: str,
        item: str | None,
        *,
        required: bool = True,
        limit: int = MAX_TEXT,
        multiline: bool = False,
    ) -> str | None:
        value = self.field(node, key, item, required)
        if value is None:
            return None
        if value.value is None:  # "help:" with nothing after it
            if required:
                self.report(value.line, item, "text.empty", name=key)
            return None
        if not isinstance(value.value, str):
            self.wrong_type(value, key, item, "type.text")
            return None
        return self.check_text(value, key, item, limit=limit, multiline=multiline)

    def check_text(
        self, value: _Node, key: str, item: str | None, *, limit: int, multiline: bool = False
    ) -> str | None:
        raw = value.value.strip()
        if len(raw) > limit:
            self.report(value.line, item, "text.too_long", name=key, n=len(raw), max=limit)
            return None
        cleaned = clean_text(raw, limit=limit, multiline=multiline)
        if not cleaned:
            self.report(value.line, item, "text.empty", name=key)
            return None
        return cleaned

    def integer(
        self,
        node: _Node,
        key: str,
        item: str | None,
        *,
        required: bool,
        lo: int,
        hi: int,
        bad: str,
    ) -> int | None:
        value = node.value.get(key)
        if value is None:
            if required:
                self.report(node.line, item, bad, max=hi)
            return None
        n = value.value
        if isinstance(n, bool) or not isinstance(n, int) or not lo <= n <= hi:
            self.report(value.line, item, bad, max=hi)
            return None
        return n

    def ident(
        self, node: _Node, key: str, item: str | None, *, required: bool = True
    ) -> str | None:
        value = self.field(node, key, item, required)
        if value is None:
            return None
        if not isinstance(value.value, str):
            self.wrong_type(value, key, item, "type.text")  # "id: 7" gets a hint to quote it
            return None
        ident = value.value.strip()
        if not _ID_RE.match(ident) or len(ident) > MAX_ID:
            self.report(value.line, item, "id.bad", id=ident[: MAX_ID + 10], max=MAX_ID)
            return None
        return ident

    def sequence(self, node: _Node, key: str, item: str | None, required: bool) -> list[_Node]:
        value = self.field(node, key, item, required)
        if value is None:
            return []
        if not isinstance(value.value, list):
            if value.value is None and not required:
                return []
            self.wrong_type(value, key, item, "type.list")
            return []
        return value.value

    def mapping(self, node: _Node, key: str, item: str | None, required: bool) -> _Node | None:
        value = self.field(node, key, item, required)
        if value is None:
            return None
        if not value.is_map:
            if value.value is None and not required:
                return None
            self.wrong_type(value, key, item, "type.mapping")
            return None
        return value

    def known(self, names: Any) -> str:
        names = list(names)
        return ", ".join(names) if names else self.t("none")

    # -- the set

    def check(self, root: _Node) -> QuestionSet | None:
        if not root.is_map:
            got = self.type_name(root.value)
            raise _Abort("top.not_mapping", root.line, got=got)
        self.keys(root, _TOP_KEYS, None)
        set_id = self.ident(root, "id", None)
        set_lang = self.set_lang(root)
        version = self.version(root)
        title = self.text(root, "title", None, limit=MAX_TITLE)
        description = self.text(
            root, "description", None, required=False, limit=MAX_HELP, multiline=True
        )
        defaults = _SET_DEFAULTS[set_lang or "sv"]
        self.scales = self.read_scales(root, defaults)
        self.importance = self.read_importance(root, defaults)
        self.dimensions = self.read_dimensions(root)
        steps = self.read_steps(root)
        allow = self.allow(root, None, SET_WARNINGS)
        self.set_line = root.key_lines.get("id", root.line)
        if self.problems or set_id is None or set_lang is None or title is None:
            return None
        return QuestionSet(
            id=set_id,
            version=version,
            lang=set_lang,
            title=title,
            description=description or "",
            steps=tuple(sorted(steps, key=lambda s: s.number)),
            dimensions=tuple(self.dimensions.values()),
            allow=allow,
        )

    def allow(self, node: _Node, where: str | None, codes: tuple[str, ...]) -> dict[str, str]:
        """The warnings an author silenced here, each with the reason they wrote.

        Only known codes, each with a reason in words: a silenced warning must say why to the
        next person who edits the file, and a misspelt code would silence nothing unnoticed.
        """
        value = self.mapping(node, "allow", where, False)
        if value is None:
            return {}
        self.duplicates(value, where)
        allow: dict[str, str] = {}
        for code, reason_node in value.value.items():
            line = value.key_lines.get(code, value.line)
            if code not in codes:
                self.report(line, where, "allow.code", code=code[:40], known=", ".join(codes))
                continue
            reason = reason_node.value
            if reason is None or (isinstance(reason, str) and not clean_text(reason)):
                self.report(reason_node.line, where, "allow.reason", code=code)
                continue
            if not isinstance(reason, str):
                self.wrong_type(reason_node, code, where, "type.text")
                continue
            text = self.check_text(reason_node, code, where, limit=MAX_HELP)
            if text:
                allow[code] = text
        return allow

    def set_lang(self, root: _Node) -> Lang | None:
        value = self.field(root, "lang", None, True)
        if value is None:
            return None
        if value.value not in LANGS:
            self.report(value.line, None, "lang.bad", value=str(value.value)[:20])
            return None
        return value.value  # type: ignore[no-any-return]

    def version(self, root: _Node) -> str:
        value = root.value.get("version")
        if value is None or value.value is None:
            return "1"
        if isinstance(value.value, str):
            return clean_text(value.value, limit=MAX_ID) or "1"
        if value.raw is not None and isinstance(value.value, int | float):
            return value.raw[:MAX_ID]  # version: 1.10 means "1.10", not 1.1
        self.wrong_type(value, "version", None, "type.text")
        return "1"

    def read_scales(self, root: _Node, defaults: dict[str, str]) -> dict[str, tuple[Option, ...]]:
        scales: dict[str, tuple[Option, ...]] = {}
        node = self.mapping(root, "scales", None, False)
        if node is None:
            return scales
        for scale_id, spec in node.value.items():
            item = self.t("where.scale", id=scale_id[:MAX_ID])
            line = node.key_lines.get(scale_id, node.line)
            if not _ID_RE.match(scale_id) or len(scale_id) > MAX_ID:
                self.report(line, item, "id.bad", id=scale_id[: MAX_ID + 10], max=MAX_ID)
                continue
            if not spec.is_map:
                self.wrong_type(spec, scale_id, item, "type.mapping")
                continue
            self.keys(spec, ("labels", "dont_know"), item)
            labels_node = self.field(spec, "labels", item, True)
            labels = self.labels(labels_node, "labels", item) if labels_node else None
            dont_know = (
                self.text(spec, "dont_know", item, required=False, limit=MAX_LABEL)
                or defaults["dont_know"]
            )
            if labels is None:
                scales[scale_id] = ()  # known, so questions using it are not reported too
                continue
            if not 2 <= len(labels) <= MAX_SCALE_POINTS:
                self.report(
                    labels_node.line,
                    item,
                    "scale.points",
                    min=2,
                    max=MAX_SCALE_POINTS,
                    n=len(labels),
                )
            options = tuple(Option(i, label) for i, label in enumerate(labels, start=1))
            scales[scale_id] = (*options, Option(DONT_KNOW, dont_know))
        return scales

    def labels(self, node: _Node, key: str, item: str | None) -> list[str] | None:
        """A list of label texts; None (reported) if any is wrong."""
        if not isinstance(node.value, list):
            self.wrong_type(node, key, item, "type.list")
            return None
        labels: list[str] = []
        ok = True
        seen: dict[str, int] = {}
        for n, entry in enumerate(node.value, start=1):
            if not isinstance(entry.value, str):
                self.wrong_type(entry, key, item, "type.text", entry=n)
                ok = False
                continue
            label = self.check_text(entry, self.t("entry", name=key, n=n), item, limit=MAX_LABEL)
            if label is None:
                ok = False
                continue
            if label in seen:
                self.report(entry.line, item, "option.duplicate_label", n=n, first=seen[label])
                ok = False
            seen.setdefault(label, n)
            labels.append(label)
        return labels if ok else None

    def read_importance(self, root: _Node, defaults: dict[str, str]) -> tuple[str, dict[str, str]]:
        text = defaults["importance"]
        labels = {v: defaults[v] for v in IMPORTANCE_VALUES}
        item = self.t("where.importance")
        node = self.mapping(root, "importance", None, False)
        if node is None:
            return text, labels
        self.keys(node, ("text", "labels"), item)
        text = self.text(node, "text", item, required=False) or text
        labels_node = self.mapping(node, "labels", item, False)
        if labels_node is not None:
            self.keys(labels_node, IMPORTANCE_VALUES, item)
            for value in IMPORTANCE_VALUES:
                label = self.text(labels_node, value, item, limit=MAX_LABEL)
                if label:
                    labels[value] = label
        return text, labels

    def read_dimensions(self, root: _Node) -> dict[str, Dimension]:
        dimensions: dict[str, Dimension] = {}
        first_line: dict[str, int] = {}
        for n, node in enumerate(self.sequence(root, "dimensions", None, False), start=1):
            item = self.t("where.dimension_position", n=n)
            if not node.is_map:
                self.wrong_type(node, "dimensions", item, "type.mapping")
                continue
            dim_id = self.ident(node, "id", item)
            if dim_id is not None:
                item = self.t("where.dimension", id=dim_id)
            self.keys(node, ("id", "title", "part"), item)
            title = self.text(node, "title", item, limit=MAX_TITLE)
            part = self.text(node, "part", item, required=False, limit=MAX_LABEL)
            if dim_id is None:
                continue
            if dim_id in dimensions:
                self.report(node.line, item, "id.duplicate", id=dim_id, first=first_line[dim_id])
                continue
            first_line[dim_id] = node.line
            # Kept even when the title is wrong, so questions using it are not reported too.
            dimensions[dim_id] = Dimension(dim_id, title or dim_id, part or "")
        return dimensions

    def read_steps(self, root: _Node) -> list[Step]:
        steps_node = self.field(root, "steps", None, True)
        steps: list[Step] = []
        if steps_node is None:
            return steps
        if not steps_node.value:  # "steps:" or "steps: []"
            self.report(steps_node.line, None, "steps.empty")
            return steps
        nodes = self.sequence(root, "steps", None, True)
        numbers: dict[int, int] = {}
        any_items = False
        for pos, node in enumerate(nodes, start=1):
            where = self.t("where.step_position", n=pos)
            if not node.is_map:
                self.wrong_type(node, "steps", where, "type.mapping")
                continue
            self.keys(node, ("number", "title", "items"), where)
            number = self.step_number(node, where)
            if number is not None:
                where = self.t("where.step", step=number)
                if number in numbers:
                    self.report(
                        node.value["number"].line,
                        where,
                        "step.duplicate",
                        number=number,
                        first=numbers[number],
                    )
                else:
                    numbers[number] = node.value["number"].line
            title = self.text(node, "title", where, limit=MAX_TITLE)
            items: list[Item] = []
            for n, item_node in enumerate(self.sequence(node, "items", where, False), start=1):
                any_items = True
                items.extend(self.read_item(item_node, where, n))
            if number is not None and title is not None:
                steps.append(Step(number, title, tuple(items)))
        if not any_items and not self.problems:
            self.report(root.key_lines.get("steps"), None, "steps.no_items")
        return steps

    def step_number(self, node: _Node, where: str) -> int | None:
        value = self.field(node, "number", where, True)
        if value is None:
            return None
        n = value.value
        if isinstance(n, bool) or not isinstance(n, int) or n not in _STEP_NUMBERS:
            if isinstance(n, str):
                shown = f'"{n}"'  # number: "2" is text; show the quotes that make it so
            else:
                shown = value.raw if value.raw is not None else self.type_name(n)
            self.report(value.line, where, "step.number", value=shown[:20])
            return None
        return n

    # -- items

    def read_item(self, node: _Node, step: str, n: int) -> list[Item]:
        where = self.t("where.position", step=step, n=n)
        if not node.is_map:
            self.wrong_type(node, "items", where, "type.mapping")
            return []
        has_prompt, has_kind = "prompt" in node.value, "kind" in node.value
        raw_id = node.value.get("id")
        if raw_id is not None and isinstance(raw_id.value, str) and raw_id.value.strip():
            shown = raw_id.value.strip()[:MAX_ID]
            key = "where.question" if has_kind else "where.prompt" if has_prompt else "where.item"
            where = self.t(key, id=shown)
        item_id = self.ident(node, "id", where)
        if item_id is not None:
            if item_id in self.item_ids:
                first = self.item_ids[item_id]
                self.report(node.value["id"].line, where, "id.duplicate", id=item_id, first=first)
                item_id = None
            else:
                self.item_ids[item_id] = node.value["id"].line
        if has_prompt and has_kind:
            self.report(node.line, where, "item.both")
            return []
        if has_prompt:
            prompt = self.read_prompt(node, where, item_id)
            return [prompt] if prompt else []
        if has_kind:
            return self.read_question(node, where, item_id)
        self.keys(node, _PROMPT_KEYS + _QUESTION_KEYS[1:], where)  # "promt:" is a typo
        self.report(node.line, where, "item.no_kind")
        return []

    def read_prompt(self, node: _Node, where: str, item_id: str | None) -> Prompt | None:
        self.keys(node, _PROMPT_KEYS, where)
        text = self.text(node, "prompt", where)
        help_text = self.text(node, "help", where, required=False, limit=MAX_HELP, multiline=True)
        minutes = self.integer(
            node, "minutes", where, required=False, lo=1, hi=MAX_MINUTES, bad="minutes.bad"
        )
        optional = self.boolean(node, "optional", where)
        if item_id is None or text is None:
            return None
        return Prompt(item_id, text, help_text or "", minutes, optional)

    def boolean(self, node: _Node, key: str, where: str) -> bool:
        """A true/false key that is false when left out."""
        value = node.value.get(key)
        if value is None or value.value is None:
            return False
        if not isinstance(value.value, bool):
            self.wrong_type(value, key, where, "type.bool")
            return False
        return value.value

    def read_question(self, node: _Node, where: str, item_id: str | None) -> list[Item]:
        kind_node = node.value["kind"]
        try:
            kind = Kind(kind_node.value) if isinstance(kind_node.value, str) else None
        except ValueError:
            kind = None
        if kind is None:
            shown = kind_node.raw if kind_node.raw is not None else self.type_name(kind_node.value)
            self.report(kind_node.line, where, "item.kind_unknown", value=str(shown)[:30])
            return []
        per_kind = {
            Kind.SCALE: ("scale", "importance"),
            Kind.SINGLE: ("options",),
            Kind.MULTIPLE: ("options",),
            Kind.TEXT: ("max_length",),
            Kind.DOTS: ("dots", "options"),
        }[kind]
        self.keys(node, _QUESTION_KEYS, where)
        for key in _BY_KIND:
            if key in node.value and key not in per_kind:
                line = node.key_lines.get(key, node.line)
                if key == "importance":
                    self.report(line, where, "importance.not_scale")
                else:
                    self.report(line, where, "item.not_here", name=key, kind=kind.value)
        text = self.text(node, "text", where)
        dimension = self.dimension_ref(node, where)
        # The fields only some kinds have, as the file gives them; what it leaves out (or gets
        # wrong) keeps the default that Question declares.
        per_kind: dict[str, Any] = {}
        importance = False
        if kind is Kind.SCALE:
            per_kind["options"] = self.scale_ref(node, where)
            importance_node = node.value.get("importance")
            if importance_node is not None:
                if isinstance(importance_node.value, bool):
                    importance = importance_node.value
                else:
                    self.wrong_type(importance_node, "importance", where, "type.bool")
        elif kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.DOTS):
            per_kind["options"] = self.options(node, where)
            if kind is Kind.DOTS:
                per_kind["dots"] = self.integer(
                    node, "dots", where, required=True, lo=1, hi=MAX_DOTS, bad="dots.bad"
                )
        else:
            per_kind["max_length"] = self.integer(
                node,
                "max_length",
                where,
                required=False,
                lo=1,
                hi=MAX_FREE_TEXT,
                bad="max_length.bad",
            )
        allow = self.allow(node, where, ITEM_WARNINGS)
        if item_id is None or text is None:
            return []
        self.statements.append(_Statement(node.value["text"].line, where, text, allow))
        given = {key: value for key, value in per_kind.items() if value is not None}
        question = Question(item_id, kind, text, dimension=dimension, allow=allow, **given)
        if not importance:
            return [question]
        importance_text, labels = self.importance
        companion = Question(
            id=item_id + IMPORTANCE_SUFFIX,
            kind=Kind.SINGLE,
            text=importance_text,
            options=tuple(Option(v, labels[v]) for v in IMPORTANCE_VALUES),
            dimension=dimension,
            importance_of=item_id,
        )
        return [question, companion]

    def dimension_ref(self, node: _Node, where: str) -> str | None:
        value = node.value.get("dimension")
        if value is None or value.value is None:
            return None
        return self.named(value, "dimension", self.dimensions, where)

    def scale_ref(self, node: _Node, where: str) -> tuple[Option, ...]:
        value = node.value.get("scale")
        if value is None:
            if len(self.scales) == 1:  # one scale in the file: no need to name it
                return next(iter(self.scales.values()))
            self.report(node.line, where, "scale.missing", known=self.known(self.scales))
            return ()
        name = self.named(value, "scale", self.scales, where)
        return () if name is None else self.scales[name]

    def named(self, value: _Node, key: str, known: Mapping[str, Any], where: str) -> str | None:
        """The name ``value`` gives of one of ``known`` (a dimension, a scale), or None after
        reporting a name that is not text or names nothing the file defines."""
        if not isinstance(value.value, str):
            self.wrong_type(value, key, where, "type.text")
            return None
        if value.value not in known:
            self.report(
                value.line,
                where,
                f"{key}.unknown",
                value=value.value[:MAX_ID],
                known=self.known(known),
            )
            return None
        return value.value

    def options(self, node: _Node, where: str) -> tuple[Option, ...]:
        value = node.value.get("options")
        if value is None or value.value is None:
            self.report(node.line, where, "options.missing")
            return ()
        if not isinstance(value.value, list):
            self.wrong_type(value, "options", where, "type.list")
            return ()
        entries = value.value
        if not 2 <= len(entries) <= MAX_OPTIONS:
            self.report(value.line, where, "options.count", max=MAX_OPTIONS, n=len(entries))
            return ()
        options: list[Option] = []
        values: dict[str | int, int] = {}
        labels: dict[str, int] = {}
        for n, entry in enumerate(entries, start=1):
            option = self.option(entry, n, where)
            if option is None:
                continue
            if option.value in values:
                self.report(
                    entry.line,
                    where,
                    "option.duplicate_value",
                    n=n,
                    value=option.value,
                    first=values[option.value],
                )
                continue
            if option.label in labels:
                self.report(
                    entry.line, where, "option.duplicate_label", n=n, first=labels[option.label]
                )
                continue
            values[option.value] = n
            labels[option.label] = n
            options.append(option)
        return tuple(options)

    def option(self, entry: _Node, n: int, where: str) -> Option | None:
        if isinstance(entry.value, str):
            label = self.check_text(
                entry, self.t("entry", name="options", n=n), where, limit=MAX_LABEL
            )
            return Option(f"o{n}", label) if label else None
        if not entry.is_map:
            if entry.raw and entry.value is not None:
                self.wrong_type(entry, "options", where, "type.text", entry=n)
            else:
                self.report(entry.line, where, "option.bad", n=n)
            return None
        if "value" not in entry.value or "label" not in entry.value:
            self.report(entry.line, where, "option.bad", n=n)
            return None
        self.keys(entry, ("value", "label"), where)
        raw_value = entry.value["value"]
        value: str | int | None = None
        if isinstance(raw_value.value, int) and not isinstance(raw_value.value, bool):
            value = raw_value.value
        elif isinstance(raw_value.value, str):
            value = clean_text(raw_value.value, limit=MAX_ID) or None
        if value is None:
            self.report(raw_value.line, where, "option.value_bad", n=n)
        label = self.text(entry, "label", where, limit=MAX_LABEL)
        if value is None or label is None:
            return None
        return Option(value, label)


# ---------------------------------------------------------------- public functions


@dataclass
class _Result:
    question_set: QuestionSet | None
    problems: list[Problem]
    set_id: str | None = None  # read even from a broken file, to find it by id
    set_lang: str | None = None
    statements: tuple[_Statement, ...] = ()
    set_line: int | None = None


def _report_abort(checker: _Checker, abort: _Abort) -> None:
    fields = dict(abort.fields)
    if "size" in fields:
        fields["size"] = format_number(fields["size"] / 1_000_000, checker.lang)
        fields["limit"] = format_number(MAX_FILE_BYTES / 1_000_000, checker.lang, 0)
    checker.report(abort.line, None, abort.key, **fields)


def _check_bytes(data: bytes, shown: str, lang: Lang) -> _Result:
    checker = _Checker(shown, lang)
    walker = _Walker(checker.report)
    root: _Node | None = None
    question_set: QuestionSet | None = None
    try:
        try:
            root = _parse_yaml(_decode(data), walker)
            if root is None:
                raise _Abort("file.empty", None)
            question_set = checker.check(root)
            for node in walker.maps:  # duplicates in mappings the checker never looked into
                checker.duplicates(node, None)
        except _Abort as abort:
            _report_abort(checker, abort)
    except Exception:  # a bug of ours must still not end the meeting in a traceback
        checker.report(None, None, "file.internal")
    checker.problems.sort(key=lambda p: p.line or 0)  # reading order; stable within a line
    result = _Result(
        None if checker.problems else question_set,
        checker.problems,
        statements=tuple(checker.statements),
        set_line=checker.set_line,
    )
    if root is not None and root.is_map:
        set_id, set_lang = root.value.get("id"), root.value.get("lang")
        result.set_id = set_id.value if set_id and isinstance(set_id.value, str) else None
        result.set_lang = set_lang.value if set_lang and set_lang.value in LANGS else None
    return result


_cache: dict[tuple[str, str, bytes], _Result] = {}


def _check_source(source: Path | Traversable, shown: str, lang: str) -> _Result:
    """Read and check one file; the result is cached on its content, never on its time stamp.

    ``available_sets`` and ``load_question_set`` look at every file each time, so parsing is
    cached, but keyed on a hash of the bytes: a file saved twice within the same second (coarse
    time stamps on some file systems) must not show the old problems.
    """
    user_lang = resolve_lang(lang)
    try:
        data = _read(source)
    except _Abort as abort:
        checker = _Checker(shown, user_lang)
        _report_abort(checker, abort)
        return _Result(None, checker.problems)
    key = (shown, user_lang, hashlib.sha256(data).digest())
    cached = _cache.get(key)
    if cached is None:
        cached = _check_bytes(data, shown, user_lang)
        if len(_cache) >= 64:
            _cache.clear()
        _cache[key] = cached
    # Problems are frozen and the set is immutable: a shallow copy keeps the cache safe.
    return replace(cached, problems=list(cached.problems))


def _check_path(path: Path, lang: str) -> _Result:
    return _check_source(path, str(path), lang)


def validate_file(path: Path, lang: str = "sv") -> list[Problem]:
    """Every problem in a question set file, in the user's language; empty if it is fine.

    Never raises, whatever the file holds: this is what ``mognad check`` shows a facilitator
    who has just edited a set.
    """
    return _check_path(Path(path), lang).problems


def check_file(path: Path, lang: str = "sv") -> Check:
    """Errors, warnings and silenced warnings of one set file, in the user's language.

    Warnings are advice to an author about a set that loads: a statement that likely asks two
    things at once (``joined-ideas``), one longer than a phone shows (``too-long``), a set
    without its translation beside it (``no-twin``). Never raises; a file with errors gets no
    warnings, as its items may not be what the author meant yet.
    """
    path = Path(path)
    user_lang = resolve_lang(lang)
    result = _check_path(path, user_lang)
    qs = result.question_set
    if qs is None:
        return Check(result.problems, [], [])
    shown = str(path)
    found: list[tuple[Advice, dict[str, str]]] = []
    for st in result.statements:
        words = joined_ideas(st.text, qs.lang)
        if words is not None:
            message = messages("warn.joined-ideas", user_lang, words=words)
            found.append((Advice(shown, st.line, st.where, "joined-ideas", message), st.allow))
        if len(st.text) > MAX_STATEMENT:
            message = messages("warn.too-long", user_lang, n=len(st.text), max=MAX_STATEMENT)
            found.append((Advice(shown, st.line, st.where, "too-long", message), st.allow))
    twin = _twin_problem(path, qs, user_lang)
    if twin is not None:
        where = messages("where.set", user_lang, id=qs.id)
        found.append((Advice(shown, result.set_line, where, "no-twin", twin), qs.allow))
    warnings: list[Advice] = []
    silenced: list[Advice] = []
    for advice, allow in found:
        if advice.code in allow:
            silenced.append(replace(advice, reason=allow[advice.code]))
        else:
            warnings.append(advice)
    return Check([], warnings, silenced)


#: More characters than this do not fit on a phone above the answer buttons: people scroll
#: past the question to answer it.
MAX_STATEMENT = 160
_JOIN = {"sv": "och", "en": "and"}
#: After these words come examples of the one idea ("till exempel rubriker, enkelt språk och
#: bildtexter"): a list there is not a second idea.
_EXAMPLES = {
    "sv": ("till exempel", "t.ex.", "t ex", "såsom"),
    "en": ("for example", "for instance", "e.g.", "such as", "including"),
}
#: Set phrases with the joining word in them that are one idea.
_FIXED = {
    "sv": ("fram och tillbaka", "vara med och", "till och med", "i och med", "då och då",
           "och så vidare", "mer och mer", "om och om", "av och till"),
    "en": ("back and forth", "and so on", "now and then", "more and more", "up and running",
           "trial and error", "over and over"),
}  # fmt: skip
#: "I våra system och på intranätet": a second place or time for the same action, not a second
#: action or object, so a joining word followed by a preposition is left alone.
_PREPOSITIONS = {
    "sv": frozenset({
        "i", "på", "med", "för", "till", "från", "av", "om", "under", "över", "vid", "hos",
        "genom", "mot", "efter", "utan", "inom", "mellan", "bland", "enligt",
    }),
    "en": frozenset({
        "in", "on", "at", "with", "for", "from", "by", "of", "about", "under", "over", "through",
        "within", "across", "between", "among", "without", "into", "via",
    }),
}  # fmt: skip
_WORD_RE = re.compile(r"[\w'’.-]*\w|,")


def joined_ideas(text: str, lang: str) -> str | None:
    """The words where a statement likely joins two ideas ("spara och skicka", "tid och
    pengar", "…, och vi har"), or None.

    A heuristic for a warning, not a parser: "och"/"and" joins two verbs, two objects or two
    clauses, each a thing a person may rate differently, unless it stands inside examples of
    one idea, in brackets, in a set phrase, or before a preposition (a second place for the
    same action). "eller"/"or" is left alone: alternatives are one idea.
    """
    join = _JOIN.get(lang, "och")
    lowered = re.sub(r"\([^)]*\)", " ", text.casefold())
    for marker in _EXAMPLES.get(lang, ()):
        found = re.search(rf"(?<!\w){re.escape(marker)}(?!\w)", lowered)
        if found:
            lowered = lowered[: found.start()]
    for phrase in _FIXED.get(lang, ()):
        lowered = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", lowered)
    words = _WORD_RE.findall(lowered)
    for i, word in enumerate(words):
        if word != join or i == 0 or i + 1 >= len(words):
            continue
        after = words[i + 1]
        if after in _PREPOSITIONS.get(lang, frozenset()) or after == ",":
            continue
        before = words[i - 1]
        if before == ",":
            before = f"{words[i - 2]}," if i >= 2 else ","
        return f"'{before} {join} {after}'"
    return None


_LANG_FILE_RE = re.compile(r"^(?P<base>.+)\.(?P<lang>sv|en)\.(?P<ext>ya?ml)$", re.IGNORECASE)


def _twin_problem(path: Path, qs: QuestionSet, lang: Lang) -> str | None:
    """What is wrong with the translation beside ``path`` (``X.sv.yaml`` / ``X.en.yaml``),
    or None when it is there with the same set id and the same item ids."""
    other = next(code for code in LANGS if code != qs.lang)
    named = _LANG_FILE_RE.match(path.name)
    if named is None:
        return messages("warn.no-twin.name", lang, set_lang=qs.lang, other=other)
    base, ext = named["base"], named["ext"]
    candidates = [path.with_name(f"{base}.{other}.{e}") for e in (ext, "yaml", "yml")]
    twin_path = next((c for c in candidates if c.is_file()), None)
    if twin_path is None:
        return messages("warn.no-twin", lang, twin=candidates[0].name)
    twin = _check_path(twin_path, lang).question_set
    if twin is None:
        return None  # its own errors say what is wrong with it; ``validate`` it
    if twin.id != qs.id:
        return messages("warn.no-twin.set", lang, twin=twin_path.name, other=twin.id, id=qs.id)
    here, there = [i.id for i in qs.items], [i.id for i in twin.items]
    only_here = [i for i in here if i not in set(there)]
    only_there = [i for i in there if i not in set(here)]
    if not only_here and not only_there:
        return None
    none = messages("none", lang)
    return messages(
        "warn.no-twin.ids",
        lang,
        twin=twin_path.name,
        here=", ".join(only_here) or none,
        there=", ".join(only_there) or none,
    )


def load_question_set_file(path: Path, lang: str = "sv") -> QuestionSet:
    """Load one file; ``QuestionSetError`` with every problem if it is not a valid set."""
    result = _check_path(Path(path), lang)
    if result.question_set is None:
        raise QuestionSetError(result.problems)
    return result.question_set


def builtin_dir() -> Traversable:
    """The package's data folder of built-in sets (a folder, not a Python package)."""
    return resources.files("mognad_tui") / "question_sets"


def _builtin_files() -> Iterator[Path]:
    folder = builtin_dir()
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(YAML_SUFFIXES) and entry.is_file():
            yield Path(str(entry))


def _user_files(cwd: Path | None) -> Iterator[Path]:
    folder = (Path.cwd() if cwd is None else Path(cwd)) / USER_DIR
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.suffix.lower() in YAML_SUFFIXES and not entry.name.startswith("."):
            try:
                if entry.is_file():
                    yield entry
            except OSError:
                continue


def _info(result: _Result, path: Path, builtin: bool) -> SetInfo | None:
    qs = result.question_set
    if qs is None:
        return None
    return SetInfo(qs.id, qs.lang, qs.title, qs.version, path, builtin)


def available_sets(cwd: Path | None = None) -> list[SetInfo]:
    """The built-in sets, then the facilitator's own in ``./question_sets``.

    Broken files of the facilitator are left out here; ``validate_file`` says what is wrong
    with them. Both a built-in and an own set with the same id and language are listed;
    ``load_question_set`` prefers the own one.
    """
    infos: list[SetInfo] = []
    for path in _builtin_files():
        info = _info(_check_path(path, "sv"), path, True)
        if info:
            infos.append(info)
    for path in _user_files(cwd):
        info = _info(_check_path(path, "sv"), path, False)
        if info:
            infos.append(info)
    return sorted(infos, key=_order)


def _order(info: SetInfo) -> tuple[bool, str, int, str]:
    """Built-in sets first, then by id, Swedish before English (the product's order)."""
    lang_rank = LANGS.index(info.lang) if info.lang in LANGS else len(LANGS)  # type: ignore[arg-type]
    return (not info.builtin, info.id, lang_rank, str(info.path))


def _looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.lower().endswith(YAML_SUFFIXES)


def load_question_set(name_or_path: str, lang: str = "sv", cwd: Path | None = None) -> QuestionSet:
    """A set by path, or by id in the wanted language.

    An id resolves to the facilitator's own set in ``./question_sets`` first, then the built-in
    one; if the set exists only in the other language, that one is used. If the facilitator's
    own file with that id is broken, its problems are raised rather than quietly falling back to
    the built-in set they meant to replace. ``lang`` is both the wanted set language and the
    language of any problem. Raises ``QuestionSetError``.
    """
    user_lang = resolve_lang(lang)
    base = Path.cwd() if cwd is None else Path(cwd)
    name = str(name_or_path).strip()
    candidate = Path(name).expanduser()
    if not candidate.is_absolute():
        candidate = base / candidate
    if _looks_like_path(name) or candidate.is_file():
        return load_question_set_file(candidate, user_lang)

    wanted_id, wanted_lang = name, user_lang
    stem, _, suffix = name.rpartition(".")
    if stem and suffix in LANGS:  # "digital-mognad.en" names the language too
        wanted_id, wanted_lang = stem, suffix  # type: ignore[assignment]

    own = [(path, _check_path(path, user_lang)) for path in _user_files(base)]
    builtin = [(path, _check_path(path, user_lang)) for path in _builtin_files()]
    other_lang = next(code for code in LANGS if code != wanted_lang)
    for set_lang in (wanted_lang, other_lang):
        for group in (own, builtin):
            matches = [
                (path, r) for path, r in group if r.set_id == wanted_id and r.set_lang == set_lang
            ]
            if len(matches) > 1:
                files = ", ".join(path.name for path, _ in matches)
                message = messages(
                    "set.ambiguous", user_lang, id=wanted_id, language=set_lang, files=files
                )
                raise QuestionSetError([Problem(str(matches[0][0]), None, None, message)])
            if matches:
                result = matches[0][1]
                if result.question_set is None:
                    raise QuestionSetError(result.problems)
                return result.question_set

    found: dict[str, set[str]] = {}
    for _, result in builtin + own:
        if result.question_set is not None:
            found.setdefault(result.question_set.id, set()).add(result.question_set.lang)
    known = ", ".join(
        f"{set_id} ({', '.join(code for code in LANGS if code in langs)})"
        for set_id, langs in found.items()
    )
    message = messages(
        "set.unknown", user_lang, name=name[:80], known=known or messages("none", user_lang)
    )
    raise QuestionSetError([Problem(name[:200], None, None, message)])


def other_language_copy(question_set: QuestionSet, cwd: Path | None = None) -> QuestionSet | None:
    """The same set in the other language, when there is one that asks exactly the same.

    A session freezes it beside its own set, so a phone switched to that language reads the
    questions in it too. A facilitator's own edited copy usually has no twin: then ``None``.
    """
    other = next(code for code in LANGS if code != question_set.lang)
    try:
        found = load_question_set(question_set.id, other, cwd)
    except QuestionSetError:
        return None
    if found.lang != other or not question_set.asks_the_same(found):
        return None
    return found
