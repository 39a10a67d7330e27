"""Tool calls written as text by open models, from transcripts written the way they write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.llm.calls import ToolCall
from openclaude_tui.core.llm.json_repair import repair_arguments
from openclaude_tui.core.llm.reasoning import split_reasoning
from openclaude_tui.core.llm.text_protocol import (
    describe_tools_for_prompt,
    format_tool_call_as_text,
    format_tool_result_as_text,
)
from openclaude_tui.core.llm.textcalls import TextCalls, extract_tool_calls
from openclaude_tui.core.tools.base import Tool, validate_arguments
from openclaude_tui.core.tools.files import Edit, Read, Write

TRANSCRIPTS = Path(__file__).parent / "transcripts"

BASH = {
    "type": "object",
    "properties": {
        "command": {"type": "string"},
        "timeout": {"type": "integer", "minimum": 1},
        "description": {"type": "string"},
    },
    "required": ["command"],
}
GREP = {
    "type": "object",
    "properties": {
        "pattern": {"type": "string"},
        "path": {"type": "string"},
        "output_mode": {"type": "string", "enum": ["content", "files_with_matches", "count"]},
        "-n": {"type": "boolean"},
    },
    "required": ["pattern"],
}
GLOB = {
    "type": "object",
    "properties": {"pattern": {"type": "string"}, "path": {"type": "string"}},
    "required": ["pattern"],
}
FILE_TOOLS: list[Tool] = [Read(), Edit(), Write()]
TOOLS: dict[str, dict[str, Any]] = {
    **{tool.name: tool.parameters for tool in FILE_TOOLS},
    "Bash": BASH,
    "Grep": GREP,
    "Glob": GLOB,
}
ALIASES = {tool.name: dict(tool.aliases) for tool in FILE_TOOLS}


def extract(text: str) -> TextCalls:
    return extract_tool_calls(text, TOOLS, ALIASES)


def transcript(name: str) -> str:
    return (TRANSCRIPTS / f"{name}.txt").read_text()


def calls_of(found: TextCalls) -> list[tuple[str, dict[str, Any]]]:
    return [(call.name, json.loads(call.arguments)) for call in found.calls]


# --- the formats, as models write them ---------------------------------------------------


def test_qwen25_coder_hermes_one_call() -> None:
    found = extract(transcript("qwen25_coder_hermes_one_call"))
    assert calls_of(found) == [("Read", {"file_path": "src/app/config.py"})]
    assert found.text == (
        "I'll start by looking at the configuration loader to see how the settings file is parsed."
    )


def test_qwen25_coder_hermes_two_calls_keep_their_order() -> None:
    found = extract(transcript("qwen25_coder_hermes_two_calls"))
    assert calls_of(found) == [
        (
            "Grep",
            {"pattern": "def parse_duration", "path": "src", "output_mode": "content", "-n": True},
        ),
        (
            "Bash",
            {
                "command": "python -m pytest tests/test_durations.py -x -q",
                "description": "Run the duration tests",
            },
        ),
    ]
    assert found.text.startswith("The failing test mentions `parse_duration`")
    assert "tool_call" not in found.text
    assert found.text.endswith("to see the full traceback.")


def test_qwen3_coder_xml_keeps_code_indentation_exactly() -> None:
    found = extract(transcript("qwen3_coder_xml_edit"))
    assert calls_of(found) == [
        (
            "Edit",
            {
                "file_path": "/home/dev/stats/rolling.py",
                "old_string": "    for i in range(len(values) - size):\n"
                "        yield values[i : i + size]",
                "new_string": "    for i in range(len(values) - size + 1):\n"
                "        yield values[i : i + size]",
            },
        )
    ]
    assert found.text.endswith("I'll fix the bound.")
    assert "<" not in found.text


def test_qwen3_coder_xml_without_wrapper_converts_integers() -> None:
    found = extract(transcript("qwen3_coder_xml_unwrapped"))
    assert calls_of(found) == [
        ("Read", {"file_path": "/home/dev/stats/rolling.py", "offset": 120, "limit": 40})
    ]
    assert found.text == (
        "Let me look at the part of the file around line 120, where the traceback points."
    )


def test_qwen3_coder_xml_strips_only_one_newline_each_side() -> None:
    found = extract(transcript("qwen3_coder_xml_write"))
    (write, write_args), (bash, bash_args) = calls_of(found)
    assert (write, bash) == ("Write", "Bash")
    # The file ends with a newline: the model wrote it, then the template's own newline.
    assert write_args["content"] == (
        "from stats.rolling import window\n\n\n"
        "def test_last_window_is_included():\n"
        "    assert list(window([1, 2, 3], 2)) == [[1, 2], [2, 3]]\n"
    )
    assert bash_args == {"command": "python -m pytest tests/test_rolling.py -q", "timeout": 60000}
    assert found.text == "I'll add a small test that pins the behaviour down, then run it."


def test_llama3_bare_json_with_parameters_key() -> None:
    """A bare object that is the whole answer is a call."""
    text = transcript("llama3_bare_json").split("\n\n", 1)[1]
    found = extract(text)
    assert calls_of(found) == [("Read", {"file_path": "/srv/api/handlers.py"})]
    assert found.text == ""


def test_a_bare_object_after_prose_stays_prose() -> None:
    """The README's promise: a JSON object in prose is not run, even when it names a tool."""
    text = transcript("llama3_bare_json")
    assert extract(text) == TextCalls(text, ())


def test_llama3_list_of_typed_calls_after_python_tag() -> None:
    text = (
        '<|python_tag|>[{"type": "function", "name": "Glob", "parameters": {"pattern": "*.toml"}},'
        ' {"type": "function", "name": "Read", "parameters": {"file_path": "setup.cfg"}}]'
    )
    found = extract(text)
    assert calls_of(found) == [
        ("Glob", {"pattern": "*.toml"}),
        ("Read", {"file_path": "setup.cfg"}),
    ]
    assert found.text == ""


def test_mistral_fenced_json_block_is_removed_with_its_fence() -> None:
    """A fenced block that is the whole answer is a call; the fence goes with it."""
    fence = transcript("mistral_fenced_json").split("\n\n")[1]
    found = extract(f"\n{fence}\n")
    assert calls_of(found) == [("Glob", {"pattern": "**/*.py"})]
    assert found.text == ""


def test_a_fenced_call_between_prose_stays_prose() -> None:
    text = transcript("mistral_fenced_json")
    assert extract(text) == TextCalls(text, ())


def test_mistral_tool_calls_marker() -> None:
    found = extract('[TOOL_CALLS][{"name": "Bash", "arguments": {"command": "ls -la"}}]')
    assert calls_of(found) == [("Bash", {"command": "ls -la"})]
    assert found.text == ""


def test_deepseek_reasoning_first_then_a_hermes_call() -> None:
    reasoning, answer = split_reasoning(transcript("deepseek_think_then_call"))
    assert reasoning.startswith("The user wants the version bumped")
    found = extract(answer)
    # The call sketched in the reasoning is not run: only the answer is searched.
    assert calls_of(found) == [("Read", {"file_path": "pyproject.toml"})]
    assert found.text == "I'll read `pyproject.toml` first to find the current version."


# --- slips models make -------------------------------------------------------------------


def test_arguments_as_a_json_encoded_string() -> None:
    text = (
        '<tool_call>{"name": "Bash", "arguments": "{\\"command\\": \\"git status\\"}"}</tool_call>'
    )
    assert calls_of(extract(text)) == [("Bash", {"command": "git status"})]


def test_missing_closing_tag_at_the_end_is_tolerated() -> None:
    text = (
        'Checking the log.\n<tool_call>\n{"name": "Bash", "arguments": {"command": "git log -3"}}\n'
    )
    found = extract(text)
    assert calls_of(found) == [("Bash", {"command": "git log -3"})]
    assert found.text == "Checking the log."


def test_trailing_comma_and_missing_brace_inside_a_tag() -> None:
    text = (
        '<tool_call>{"name": "Read", "arguments": {"file_path": "a.py", "limit": 20,}</tool_call>'
    )
    assert calls_of(extract(text)) == [("Read", {"file_path": "a.py", "limit": 20})]


def test_names_match_case_insensitively_and_without_a_stray_colon() -> None:
    text = (
        '<tool_call>{"name": "read", "arguments": {"file_path": "a.py"}}</tool_call>\n'
        '<tool_call>{"name": "bash:", "arguments": {"command": "pwd"}}</tool_call>'
    )
    assert [name for name, _ in calls_of(extract(text))] == ["Read", "Bash"]


def test_other_agents_tool_names_are_read_as_ours() -> None:
    text = (
        '<tool_call>{"name": "read_file", "arguments": {"path": "a.py"}}</tool_call>\n'
        '<tool_call>{"name": "execute_command", "arguments": {"command": "pwd"}}</tool_call>'
    )
    assert calls_of(extract(text)) == [("Read", {"path": "a.py"}), ("Bash", {"command": "pwd"})]
    # A name that is no one's tool stays text.
    assert calls_of(extract('<tool_call>{"name": "fly", "arguments": {}}</tool_call>')) == []


def test_argument_aliases_of_the_tool_are_accepted() -> None:
    found = extract('{"name": "Read", "arguments": {"path": "a.py"}}')
    assert calls_of(found) == [("Read", {"path": "a.py"})]
    # The agent's own validation reads the alias the same way.
    assert Read().validate(json.loads(found.calls[0].arguments))[0]["file_path"] == "a.py"


def test_openai_and_tool_input_shapes() -> None:
    text = (
        '{"id": "c1", "type": "function", "function": {"name": "Bash",'
        ' "arguments": "{\\"command\\": \\"make\\"}"}}\n'
        '{"tool": "Glob", "tool_input": {"pattern": "*.md"}}'
    )
    assert calls_of(extract(text)) == [("Bash", {"command": "make"}), ("Glob", {"pattern": "*.md"})]


def test_arguments_spread_beside_the_name_inside_a_tag() -> None:
    text = '<tool_call>{"name": "Glob", "pattern": "src/**/*.rs"}</tool_call>'
    assert calls_of(extract(text)) == [("Glob", {"pattern": "src/**/*.rs"})]


def test_call_in_inline_code_leaves_no_empty_backticks() -> None:
    found = extract('`{"name": "Read", "arguments": {"file_path": "a.py"}}`')
    assert calls_of(found) == [("Read", {"file_path": "a.py"})]
    assert found.text == ""


def test_a_call_in_inline_code_within_a_sentence_stays_prose() -> None:
    text = 'Reading it now: `{"name": "Read", "arguments": {"file_path": "a.py"}}`.'
    assert extract(text) == TextCalls(text, ())


def test_tag_inside_an_xml_fence_takes_the_fence_too() -> None:
    text = (
        "Running it.\n\n```xml\n<tool_call>\n"
        '{"name": "Bash", "arguments": {"command": "make"}}\n</tool_call>\n```\n'
    )
    found = extract(text)
    assert calls_of(found) == [("Bash", {"command": "make"})]
    assert found.text == "Running it."


def test_unclosed_tag_followed_by_prose_keeps_the_prose() -> None:
    text = '<tool_call>{"name": "Bash", "arguments": {"command": "ls"}}\nThen I will decide.'
    found = extract(text)
    assert calls_of(found) == [("Bash", {"command": "ls"})]
    assert found.text == "Then I will decide."


def test_ids_are_unique_and_arguments_are_json() -> None:
    text = transcript("qwen25_coder_hermes_two_calls")
    ids = [call.id for call in extract(text).calls + extract(text).calls]
    assert len(set(ids)) == 4
    assert all(call_id.startswith("textcall_") for call_id in ids)
    for call in extract(text).calls:
        assert isinstance(call, ToolCall)
        validate_arguments(call.name, TOOLS[call.name], json.loads(call.arguments))


# --- what must stay text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "explanation_with_json_example",
        "readme_package_json",
        "prose_about_tool_call_tags",
        "python_dict_literal",
    ],
)
def test_negative_transcripts_stay_text_untouched(name: str) -> None:
    text = transcript(name)
    assert extract(text) == TextCalls(text, ())


def test_offered_tool_with_invalid_arguments_stays_text() -> None:
    for text in (
        '<tool_call>{"name": "Read", "arguments": {"offset": 10}}</tool_call>',
        '{"name": "Read", "arguments": {"file": 3, "colour": "red"}}',
        "<function=Read>\n<parameter=limit>\nten\n</parameter>\n</function>",
        '```json\n{"name": "Grep", "arguments": {"pattern": "x", "output_mode": "lines"}}\n```',
    ):
        assert extract(text) == TextCalls(text, ()), text


def test_objects_that_only_look_like_calls_stay_text() -> None:
    for text in (
        'The tool is described as {"name": "Read", "description": "Reads a file"}.',
        '{"name": "Read", "arguments": {"file_path": "a.py"}, "result": "12 lines"}',
        '{"name": "Read", "arguments": {"file_path": "a"}, "parameters": {"file_path": "b"}}',
        'The response was {"data": {"name": "Read", "arguments": {"file_path": "a.py"}}}.',
        '[{"name": "Read", "arguments": {"file_path": "a.py"}},'
        ' {"name": "Deploy", "arguments": {}}]',
        '<tool_call>{"name": "Deploy", "arguments": {"env": "prod"}}</tool_call>',
        "<function=Deploy>\n<parameter=env>\nprod\n</parameter>\n</function>",
    ):
        assert extract(text) == TextCalls(text, ()), text


# --- the text protocol -------------------------------------------------------------------


def test_prompt_lists_every_tool_with_its_compact_schema() -> None:
    schemas = [tool.schema() for tool in FILE_TOOLS]
    prompt = describe_tools_for_prompt(schemas)
    for tool in FILE_TOOLS:
        assert f"## {tool.name}\n{tool.description.strip()}" in prompt
        assert json.dumps(tool.parameters, separators=(",", ":")) in prompt
    assert '<tool_call>{"name": "TOOL_NAME", "arguments": {' in prompt
    assert "[tool result for NAME (ID)]" in prompt
    bare = describe_tools_for_prompt([schema["function"] for schema in schemas])
    assert bare == prompt


def test_prompt_example_is_not_itself_a_call() -> None:
    prompt = describe_tools_for_prompt([tool.schema() for tool in FILE_TOOLS])
    assert extract(prompt).calls == ()


def test_calls_written_as_text_read_back_the_same() -> None:
    call = ToolCall(
        "call_7", "Edit", json.dumps({"file_path": "a.py", "old_string": "x", "new_string": "y"})
    )
    written = format_tool_call_as_text(call)
    assert written.startswith("<tool_call>") and written.endswith("</tool_call>")
    (read_back,) = extract(written).calls
    assert (read_back.name, json.loads(read_back.arguments)) == ("Edit", json.loads(call.arguments))


def test_tool_result_as_text() -> None:
    text = format_tool_result_as_text("Bash", "textcall_0_ab12cd", "exit code 0\nok")
    assert text == "[tool result for Bash (textcall_0_ab12cd)]\nexit code 0\nok"


def test_qwen3_coder_cut_off_before_its_closing_tags() -> None:
    text = "Go.\n<tool_call>\n<function=Read>\n<parameter=file_path>\n/srv/app.py\n</parameter>\n"
    found = extract(text)
    assert calls_of(found) == [("Read", {"file_path": "/srv/app.py"})]
    assert found.text == "Go."


def test_two_objects_in_one_plain_fence() -> None:
    text = (
        "```\n"
        '{"name": "Read", "arguments": {"file_path": "a.py"}}\n'
        '{"name": "Read", "arguments": {"file_path": "b.py"}}\n'
        "```\n"
    )
    found = extract(text)
    assert calls_of(found) == [("Read", {"file_path": "a.py"}), ("Read", {"file_path": "b.py"})]
    assert found.text == ""
    with_prose = text + "Then I compare them."
    assert extract(with_prose) == TextCalls(with_prose, ())


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ('{"command": "ls"}', '{"command": "ls"}'),
        ('{"command": "ls",}', '{"command": "ls"}'),
        ('{"content": "a\nb"}', '{"content": "a\\nb"}'),
        ('{"file_path": "a.py"', '{"file_path": "a.py"}'),
        ('"{\\"file_path\\": \\"a.py\\"}"', '{"file_path": "a.py"}'),
        ('{"file_path": "a.py", "limit": }', '{"file_path": "a.py", "limit": }'),
        ('["a.py"]', '["a.py"]'),
        ("", ""),
    ],
)
def test_repair_arguments(sent: str, read: str) -> None:
    assert repair_arguments(sent) == read


# --- the README's promise, checked on disk through the real agent --------------------------

PROSE_WITH_A_CALL = (
    "To create the file you would send a call like this one:\n\n"
    '{"name": "Write", "arguments": {"file_path": "made-by-prose.txt", "content": "x"}}\n\n'
    "but I have not done it."
)
FENCED_IN_PROSE = (
    "For example:\n\n```json\n"
    '{"name": "Write", "arguments": {"file_path": "made-by-prose.txt", "content": "x"}}\n'
    "```\n\nThat is how a Write call looks."
)
WHOLE_ANSWER = '{"name": "Write", "arguments": {"file_path": "made-by-prose.txt", "content": "x"}}'


async def _answer_once(tmp_path: Path, text: str) -> Path:
    """One turn whose model answers ``text`` (no native call), in bypassPermissions mode."""
    import asyncio

    from openclaude_tui.core.assembly import build_agent, make_provider
    from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
    from openclaude_tui.core.settings.config import Config
    from tests.scripted_server import ScriptedServer, Turn

    async def nobody(request: PermissionRequest) -> Decision:
        raise AssertionError("bypassPermissions asks nobody")

    with ScriptedServer([Turn(text=text), Turn(text="done")]) as server:
        config = Config(
            cwd=tmp_path, project_root=tmp_path, base_url=server.base_url,
            model="scripted-model", permission_mode="bypassPermissions", bypass_available=True,
        )  # fmt: skip
        agent = build_agent(config, make_provider(config), nobody)
        try:
            await asyncio.wait_for(agent.run_turn("how do I write a file?"), timeout=60)
        finally:
            await agent.close()
    return tmp_path / "made-by-prose.txt"


@pytest.mark.parametrize("text", [PROSE_WITH_A_CALL, FENCED_IN_PROSE], ids=["bare", "fenced"])
async def test_json_examples_in_prose_stay_prose_even_naming_a_real_tool(
    tmp_path: Path, text: str
) -> None:
    assert not (await _answer_once(tmp_path, text)).exists()


async def test_a_json_call_that_is_the_whole_answer_runs(tmp_path: Path) -> None:
    assert (await _answer_once(tmp_path, WHOLE_ANSWER)).read_text() == "x"
