"""A small parser of the POSIX shell grammar, enough to see every command a line would run.

It knows quoting (single, double, ``$'…'``, backslashes), command substitution (``$(…)``
and backticks), process substitution, ``( … )`` subshells, ``{ …; }`` groups, the control
operators, redirections, here-documents and comments. It does not expand anything: words
keep a quote-removed ``value`` and flags saying whether an expansion or a glob is in them.
What it cannot evaluate without running code (``${…}`` with an operator, ``$((…))`` naming
a variable, brace expansion, ``$'…'`` escapes, ``((…))``) is marked *opaque* with a reason,
so that a caller can refuse to guess.

The parser is lenient: malformed input (an unterminated quote, a stray parenthesis) still
yields every command it could find, plus a list of problems, so callers can stay cautious
without losing sight of the parts they did understand.
"""

from __future__ import annotations

import re

from openclaude_tui.core.shell.words import (
    Redirect,
    Script,
    SimpleCommand,
    Word,
    operands,
    short_flags,
)

__all__ = ["Redirect", "Script", "SimpleCommand", "Word", "operands", "parse", "short_flags"]

# Characters that end an unquoted word.
_METACHARS = frozenset(" \t\n;&|<>()")
# Leading words that belong to compound-command syntax rather than to the command.
_KEYWORDS = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time"}
    | {"esac", "coproc"}
)
# Words that open a header line (loop variables, case subjects) rather than a command.
_HEADERS = frozenset({"for", "select", "case"})
_REDIRECT = re.compile(r"(\d*|\{\w+\})(>>|>\||>&|>|<<<|<<-|<<|<>|<&|<)|&>>|&>")
# `${NAME}`, `${1}`, `${@}`: the forms of `${…}` that only substitute a value.
_PLAIN_BRACED = re.compile(r"\$\{(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]|[@*#?$!-])\}")
# Brace expansion needs an unquoted `{`, then a `,` or `..`, then a `}`.
_BRACE_EXPANSION = re.compile(r"\{.*(?:,|\.\.).*\}", re.DOTALL)


def parse(source: str) -> Script:
    """Parse a command line (or a whole script) into its simple commands."""
    script = Script()
    _Parser(source, script).parse_list(closer=None)
    return script


class _Parser:
    def __init__(self, source: str, script: Script) -> None:
        self.src = source
        self.pos = 0
        self.script = script
        # Here-documents announced on the current line: (delimiter, strip tabs, expands).
        self.heredocs: list[tuple[str, bool, bool]] = []

    def _peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.src[index] if 0 <= index < len(self.src) else ""

    def _error(self, message: str) -> None:
        if message not in self.script.errors:
            self.script.errors.append(message)

    def _skip_blanks(self) -> None:
        while True:
            char = self._peek()
            if char in (" ", "\t"):
                self.pos += 1
            elif char == "\\" and self._peek(1) == "\n":
                self.pos += 2
            elif char == "#":
                end = self.src.find("\n", self.pos)
                self.pos = len(self.src) if end < 0 else end
            else:
                return

    def parse_list(self, closer: str | None) -> None:
        """Parse commands until the end, or until an unmatched ``closer`` (left unread)."""
        pipeline: list[list[SimpleCommand]] = []
        while True:
            before = len(self.script.commands)
            self._parse_stage(closer)
            stage = self.script.commands[before:]
            if stage:
                pipeline.append(stage)
            self._skip_blanks()
            char = self._peek()
            if char == "|" and self._peek(1) != "|":
                self.pos += 2 if self._peek(1) == "&" else 1
                continue
            if pipeline:
                self.script.pipelines.append(pipeline)
            pipeline = []
            if not char or (closer is not None and char == closer):
                return
            if char == "\n":
                self.pos += 1
                self._read_heredocs()
            elif char == ")":
                self._error("unbalanced ')'")
                self.pos += 1
            elif char in ";&|":
                self.pos += 1
                while self._peek() and self._peek() in ";&|":
                    self.pos += 1
            else:
                # _parse_stage stops only at an operator, so this is a lone '(' mid-command.
                self._error(f"unexpected '{char}'")
                self.pos += 1

    def _parse_stage(self, closer: str | None) -> None:
        self._skip_blanks()
        if self._peek() == "(":
            if self._peek(1) == "(":
                start = self.pos
                self._skip_arithmetic(2)
                text = self.src[start : self.pos]
                word = Word(text, text, start=start, opaque="arithmetic command ((…))")
                self.script.commands.append(SimpleCommand([word], [], text))
                return
            self.pos += 1
            self.parse_list(closer=")")
            if self._peek() == ")":
                self.pos += 1
            else:
                self._error("unbalanced '('")
            self._parse_group_redirects()
            return
        self._parse_simple(closer)

    def _parse_group_redirects(self) -> None:
        """Redirections after a subshell apply to all of it: keep them as a word-less command."""
        redirects: list[Redirect] = []
        start = end = self.pos
        while True:
            self._skip_blanks()
            match = _REDIRECT.match(self.src, self.pos)
            if not match:
                break
            if not redirects:
                start = self.pos
            redirects.append(self._read_redirect(match))
            end = self.pos
        if redirects:
            self.script.commands.append(SimpleCommand([], redirects, self.src[start:end].strip()))

    def _parse_simple(self, closer: str | None) -> None:
        index = len(self.script.commands)
        words: list[Word] = []
        redirects: list[Redirect] = []
        tokens: list[tuple[int, object]] = []
        end = self.pos
        in_test = False
        while True:
            self._skip_blanks()
            char = self._peek()
            if not char or char == "\n" or (closer is not None and char == closer and not in_test):
                break
            word: Word | None
            if in_test and char in "&|<>()":
                # Inside `[[ … ]]` these are operators of the test, not of the shell.
                start = self.pos
                while self._peek() and self._peek() in "&|<>()":
                    self.pos += 1
                word = Word(self.src[start : self.pos], self.src[start : self.pos], start=start)
            elif char in "<>" and self._peek(1) == "(":
                word = self._read_word()
            else:
                match = _REDIRECT.match(self.src, self.pos)
                if match:
                    start = self.pos
                    redirects.append(self._read_redirect(match))
                    tokens.append((start, redirects[-1]))
                    end = self.pos
                    continue
                if char in ";&|)":
                    break
                if char == "(":
                    if words and self._consume_function_parens():
                        # `name() { body; }`: the name is not a command; the body follows.
                        words.clear()
                        tokens.clear()
                        continue
                    break
                word = self._read_word()
            if word is None:
                break
            words.append(word)
            tokens.append((word.start, word))
            end = self.pos
            opens_test = all(w.value in _KEYWORDS for w in words[:-1])
            if word.value == "[[" and not word.quoted and opens_test:
                in_test = True
            elif word.value == "]]" and in_test:
                in_test = False
        nested = self.script.commands[index:]
        kept = self._strip_keywords(words)
        if kept is None:
            # A loop or case header is no command, but its words are still expanded.
            for word in words:
                if word.opaque and word.opaque not in self.script.opaque:
                    self.script.opaque.append(word.opaque)
            return
        first = next((pos for pos, token in tokens if token is kept[0]), None) if kept else None
        if first is None:
            first = next((pos for pos, token in tokens if isinstance(token, Redirect)), None)
        if first is None:
            return
        command = SimpleCommand(kept, redirects, self.src[first:end].strip(), list(nested))
        self.script.commands.insert(index, command)

    def _strip_keywords(self, words: list[Word]) -> list[Word] | None:
        """The command's own words, or None when the words are a loop or case header."""
        kept = list(words)
        while kept and not kept[0].quoted:
            head = kept[0].value
            if head in _KEYWORDS:
                kept.pop(0)
            elif head == "function":
                kept = kept[2:]
            elif head in _HEADERS:
                return None
            else:
                break
        return kept

    def _consume_function_parens(self) -> bool:
        probe = self.pos + 1
        while probe < len(self.src) and self.src[probe] in " \t":
            probe += 1
        if probe < len(self.src) and self.src[probe] == ")":
            self.pos = probe + 1
            return True
        return False

    def _read_redirect(self, match: re.Match[str]) -> Redirect:
        op = match.group(2) or match.group(0)
        self.pos = match.end()
        self._skip_blanks()
        char = self._peek()
        starts_word = char not in _METACHARS or (char in "<>" and self._peek(1) == "(")
        target = self._read_word() if char and starts_word else None
        if target is None:
            self._error(f"redirection '{op}' has no target")
        elif op in ("<<", "<<-"):
            self.heredocs.append((target.value, op == "<<-", not target.quoted))
        return Redirect(op, target)

    def _read_heredocs(self) -> None:
        pending, self.heredocs = self.heredocs, []
        for delimiter, strip_tabs, expands in pending:
            body_start = self.pos
            body_end = len(self.src)
            while self.pos < len(self.src):
                end = self.src.find("\n", self.pos)
                end = len(self.src) if end < 0 else end
                line = self.src[self.pos : end]
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    body_end = self.pos
                    self.pos = min(end + 1, len(self.src))
                    break
                self.pos = end + 1
            self.pos = min(self.pos, len(self.src))
            if expands:
                # An unquoted delimiter lets `$(…)` and backticks in the body run.
                body = _Parser(self.src[body_start:body_end], self.script)
                _, _, opaque = body.read_double_quoted(terminator=None)
                if opaque and opaque not in self.script.opaque:
                    self.script.opaque.append(opaque)

    def _read_word(self) -> Word | None:
        start = self.pos
        value: list[str] = []
        # The unquoted characters, with "x" for each quoted or expanded part.
        skeleton: list[str] = []
        word = Word("", "", start=start)
        if self._peek() in "<>" and self._peek(1) == "(":
            self.pos += 2
            self._parse_nested(")")
            word.expands = True
            value.append(self.src[start : self.pos])
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char in _METACHARS:
                break
            skeleton.append("x")
            if char == "\\":
                nxt = self._peek(1)
                self.pos += 2
                if nxt != "\n":
                    value.append(nxt)
                    word.quoted = True
            elif char == "'":
                end = self.src.find("'", self.pos + 1)
                if end < 0:
                    self._error("unterminated single quote")
                    end = len(self.src)
                value.append(self.src[self.pos + 1 : end])
                self.pos = end + 1
                word.quoted = True
            elif char == '"':
                self.pos += 1
                text, expands, opaque = self.read_double_quoted(terminator='"')
                value.append(text)
                word.quoted = True
                word.expands |= expands
                word.opaque = word.opaque or opaque
            elif char == "$" and self._peek(1) == "'":
                text = self._read_ansi_c_quote()
                value.append(text)
                word.quoted = True
                if "\\" in text:
                    word.opaque = word.opaque or "$'…' quoting with escapes"
            elif char in "$`":
                text, expands, opaque = self._read_expansion()
                value.append(text)
                word.expands |= expands
                word.opaque = word.opaque or opaque
            else:
                word.glob |= char in "*?["
                value.append(char)
                skeleton[-1] = char
                self.pos += 1
        self.pos = min(self.pos, len(self.src))
        if self.pos == start:
            return None
        word.raw = self.src[start : self.pos]
        word.value = "".join(value)
        if _BRACE_EXPANSION.search("".join(skeleton)):
            word.opaque = word.opaque or "brace expansion"
        return word

    def _read_ansi_c_quote(self) -> str:
        probe = self.pos + 2
        while probe < len(self.src) and self.src[probe] != "'":
            probe += 2 if self.src[probe] == "\\" else 1
        if probe >= len(self.src):
            self._error("unterminated $'…' quote")
        text = self.src[self.pos + 2 : probe]
        self.pos = min(probe + 1, len(self.src))
        return text

    def read_double_quoted(self, terminator: str | None) -> tuple[str, bool, str | None]:
        """Read up to the closing quote (or the end, for a here-document body).

        Returns the text, whether it holds an expansion, and why it is opaque (or None).
        """
        value: list[str] = []
        expands = False
        opaque: str | None = None
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if terminator is not None and char == terminator:
                self.pos += 1
                return "".join(value), expands, opaque
            if char == "\\":
                nxt = self._peek(1)
                if nxt in ('"', "\\", "$", "`"):
                    value.append(nxt)
                elif nxt != "\n":
                    value.append(char + nxt)
                self.pos += 2
            elif char in "$`":
                text, expanded, why = self._read_expansion()
                value.append(text)
                expands |= expanded
                opaque = opaque or why
            else:
                value.append(char)
                self.pos += 1
        self.pos = min(self.pos, len(self.src))
        if terminator is not None:
            self._error("unterminated double quote")
        return "".join(value), expands, opaque

    def _read_expansion(self) -> tuple[str, bool, str | None]:
        """Read ``$…`` or a backtick substitution.

        Returns its text, whether it expands, and why it is opaque (None when evaluating
        it only substitutes a value or runs the commands parsed out of it).
        """
        start = self.pos
        if self.src[self.pos] == "`":
            end = self.pos + 1
            while end < len(self.src) and self.src[end] != "`":
                end += 2 if self.src[end] == "\\" else 1
            if end >= len(self.src):
                self._error("unterminated backtick")
            inner = re.sub(r"\\([$`\\])", r"\1", self.src[self.pos + 1 : end])
            _Parser(inner, self.script).parse_list(closer=None)
            self.pos = min(end + 1, len(self.src))
            return self.src[start : self.pos], True, None
        nxt = self._peek(1)
        opaque: str | None = None
        if nxt == "(" and self._peek(2) == "(":
            self._skip_arithmetic(3)
            # Only digits and operators are safe: a variable's value is itself evaluated,
            # and `a[$(cmd)]` in it runs cmd.
            if re.search(r"[^0-9\s+*/%()<>=!&|^~?:,-]", self.src[start + 3 : self.pos - 2]):
                opaque = "arithmetic expansion $((…)) of a variable"
        elif nxt == "(":
            self.pos += 2
            self._parse_nested(")")
        elif nxt == "{":
            self._skip_braces()
            named = re.match(r"\$\{[!#]?([A-Za-z_][A-Za-z0-9_]*)", self.src[start : self.pos])
            if named:
                self.script.variables.append(named.group(1))
            if not _PLAIN_BRACED.fullmatch(self.src[start : self.pos]):
                opaque = "parameter expansion ${…} with an operator"
        elif nxt in ('"', "["):
            self.pos += 1
            return "$", True, '$"…" or $[…] quoting'
        elif nxt and (nxt.isalnum() or nxt in "_@*#?$!-"):
            self.pos += 2
            if nxt.isalpha() or nxt == "_":
                while self._peek() and (self._peek().isalnum() or self._peek() == "_"):
                    self.pos += 1
                self.script.variables.append(self.src[start + 1 : self.pos])
        else:
            self.pos += 1
            return "$", False, None
        return self.src[start : self.pos], True, opaque

    def _skip_braces(self) -> None:
        """Skip a ``${…}`` parameter expansion."""
        depth = 0
        while self.pos < len(self.src):
            char = self.src[self.pos]
            depth += {"{": 1, "}": -1}.get(char, 0)
            self.pos += 1
            if depth == 0 and char == "}":
                return
        self._error("unterminated ${…}")

    def _parse_nested(self, closer: str) -> None:
        """Parse a substitution body that ends at ``closer`` and consume the closer."""
        saved, self.heredocs = self.heredocs, []
        self.parse_list(closer=closer)
        self.heredocs = saved + self.heredocs
        if self._peek() == closer:
            self.pos += 1
        else:
            self._error("unbalanced '('")

    def _skip_arithmetic(self, opened: int) -> None:
        """Skip ``((…))`` or ``$((…))``; its first ``opened`` characters are at pos."""
        self.pos += opened
        depth = 2
        while self.pos < len(self.src) and depth:
            depth += {"(": 1, ")": -1}.get(self.src[self.pos], 0)
            self.pos += 1
        if depth:
            self._error("unbalanced '(('")
