"""The API key never reaches a command, a process listing, the log or an error message.

The corpus runs each command through the real agent in bypassPermissions mode, so it
really runs; the proof is the requests the scripted server received (the command's output
goes back to the model): no secret in any of them. A control variable shows that the
command did print the environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn
from tests.security import processes
from tests.security.harness import API_KEY, Attempt, Sandbox, ids, run_attempt

ENV_KEY = "sk-env-key-from-OPENAI_API_KEY-77"
OPENCLAUDE_KEY = "oc-token-from-the-environment-42"
CUSTOM_SECRET = "custom-secret-named-in-scrub-env-9"
CONTROL = "visible-control-value-31337"
SECRETS = (API_KEY, ENV_KEY, OPENCLAUDE_KEY)


def bash(name: str, command: str) -> Attempt:
    return Attempt(name, "Bash", {"command": command}, mode="bypassPermissions")


# Commands that print the whole environment (the control variable must show).
WHOLE_ENV = [
    bash("env", "env"),
    bash("env-0", "env -0 | tr '\\0' '\\n'"),
    bash("printenv", "printenv"),
    bash("proc-self-environ", "cat /proc/self/environ | tr '\\0' '\\n'"),
    bash("proc-shell-environ", "tr '\\0' '\\n' < /proc/$$/environ"),
    bash("xargs-environ", "cat /proc/self/environ | xargs -0 -n1 echo"),
    bash("export-p", "export -p"),
    bash("declare-p", "declare -p"),
    bash("set", "set"),
    # Values capped so that long shell variables do not push the control past the output budget.
    bash("compgen", 'for v in $(compgen -v); do printf "%s=%.120s\\n" "$v" "${{!v}}"; done'),
    bash("subshell-env", "bash -c env"),
    bash("sh-env", "sh -c env"),
    bash("python-environ", "python3 -c 'import os; print(dict(os.environ))'"),
    bash("awk-environ", "awk 'BEGIN {{ for (k in ENVIRON) print k \"=\" ENVIRON[k] }}'"),
    bash("env-in-pipeline", "env | sort | cat"),
    bash("env-after-cd", "cd / && env"),
]
# Commands that ask for one secret by name (nothing to show but an empty line).
BY_NAME = [
    bash("printenv-openai", "printenv OPENAI_API_KEY; echo " + CONTROL),
    bash("echo-openai", 'echo "key=$OPENAI_API_KEY"; echo ' + CONTROL),
    bash("braced-openclaude", "echo ${{OPENCLAUDE_API_KEY:-unset}}; echo " + CONTROL),
    bash("printenv-openclaude", "printenv OPENCLAUDE_API_KEY; echo " + CONTROL),
    bash("printenv-copy", "printenv KEY_COPY; echo " + CONTROL),
    bash("indirect", "n=OPENAI_API_KEY; echo ${{!n}}; echo " + CONTROL),
]
# Process listings: the test process's own command line holds no key, and children none.
LISTINGS = [
    bash("ps-args", "ps -eo args; echo " + CONTROL),
    bash("ps-environment", "ps eww -o args; echo " + CONTROL),
    bash("parent-cmdline", "tr '\\0' ' ' < /proc/$PPID/cmdline; echo; echo " + CONTROL),
]
CORPUS = WHOLE_ENV + BY_NAME + LISTINGS


@pytest.fixture
def secret_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The secrets a user's environment holds, and one harmless variable."""
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    monkeypatch.setenv("OPENCLAUDE_API_KEY", OPENCLAUDE_KEY)
    monkeypatch.setenv("KEY_COPY", f"Bearer {API_KEY}")
    monkeypatch.setenv("CONTROL_VARIABLE", CONTROL)


@pytest.mark.usefixtures("secret_environment")
@pytest.mark.parametrize("attempt", CORPUS, ids=ids(CORPUS))
async def test_no_command_sees_a_secret(
    attempt: Attempt, tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    sandbox = Sandbox(tmp_path)
    outcome = await run_attempt(scripted_server, sandbox, attempt)
    assert CONTROL in outcome.result, f"the command did not run: {outcome.result[:300]}"
    for secret in SECRETS:
        assert secret not in outcome.sent, f"{attempt.id} leaked {secret}"


@pytest.mark.usefixtures("secret_environment")
async def test_a_background_job_sees_no_secret(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    sandbox = Sandbox(tmp_path)
    written = sandbox.outside / "bg-env.txt"
    attempt = bash("background-env", f"(env > {written}) & wait")
    await run_attempt(scripted_server, sandbox, attempt)
    content = written.read_text()
    assert CONTROL in content
    assert not any(secret in content for secret in SECRETS)


@pytest.mark.parametrize("scrubbed", [True, False], ids=["scrub_env", "without"])
def test_scrub_env_keeps_named_variables_from_commands(tmp_path: Path, scrubbed: bool) -> None:
    """A real run whose user config names CUSTOM_* in scrub_env; without it, it is passed."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    if scrubbed:
        (home / "config" / "config.toml").write_text('scrub_env = ["CUSTOM_*"]\n')
    env = processes.clean_env(home, CUSTOM_TOKEN=CUSTOM_SECRET, CONTROL_VARIABLE=CONTROL)
    call = ToolCallSpec("Bash", {"command": "printenv CUSTOM_TOKEN; printenv CONTROL_VARIABLE"})
    with ScriptedServer([Turn(tool_calls=[call]), Turn(text="done")]) as server:
        done = processes.run(
            ["-p", "go", "--base-url", server.base_url, "-m", DEFAULT_MODEL,
             "--dangerously-skip-permissions"],
            _project(tmp_path),
            env,
        )  # fmt: skip
        result = server.tool_results()[0]
    assert done.returncode == 0, done.stderr
    assert CONTROL in result
    assert (CUSTOM_SECRET in result) is not scrubbed


# Real processes: the key given on the command line leaves argv at once.


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.mark.parametrize(
    "launcher", [processes.CONSOLE_SCRIPT, processes.MODULE], ids=["console-script", "module"]
)
def test_an_api_key_flag_leaves_the_process_title(tmp_path: Path, launcher: list[str]) -> None:
    root = _project(tmp_path)
    env = processes.clean_env(tmp_path / "home", OPENAI_API_KEY=ENV_KEY)
    with ScriptedServer() as server:
        # The answer waits, so the process is alive while it is looked at.
        server.script(Turn(text="late", delay=60))
        args = [
            "-p",
            "hi",
            "--base-url",
            server.base_url,
            "--model",
            DEFAULT_MODEL,
            "--api-key",
            API_KEY,
        ]
        process = processes.start(args, root, env, launcher)
        try:
            processes.wait_until(lambda: server.chat_requests, "the model request")
            cmdline = processes.read_proc(process.pid, "cmdline")
            environ = processes.read_proc(process.pid, "environ")
            listing = processes.process_listing()
        finally:
            process.terminate()
            process.communicate(timeout=60)
    assert b"--api-key" in cmdline and b"-p" in cmdline
    assert API_KEY.encode() not in cmdline
    assert ENV_KEY.encode() not in environ
    assert API_KEY not in listing
    # The key was still used: the server saw it.
    assert server.chat_requests[0].headers.get("authorization") == f"Bearer {API_KEY}"


def test_the_key_file_is_read_and_stripped(tmp_path: Path) -> None:
    root = _project(tmp_path)
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"  {API_KEY}\n")
    with ScriptedServer([Turn(text="fine")]) as server:
        done = processes.run(
            ["-p", "hi", "--base-url", server.base_url, "--model", DEFAULT_MODEL, "--api-key-file",
             str(key_file)],
            root,
            processes.clean_env(tmp_path / "home"),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert server.chat_requests[0].headers.get("authorization") == f"Bearer {API_KEY}"


@pytest.mark.parametrize("content", [None, "\n  \n"], ids=["missing", "empty"])
def test_an_unreadable_key_file_is_a_config_error(tmp_path: Path, content: str | None) -> None:
    key_file = tmp_path / "key.txt"
    if content is not None:
        key_file.write_text(content)
    done = processes.run(
        ["-p", "hi", "--api-key-file", str(key_file)],
        _project(tmp_path),
        processes.clean_env(tmp_path / "home"),
    )
    assert done.returncode == 2
    assert done.stderr.startswith("openclaude: config error: command line: --api-key-file: ")
    assert str(key_file) in done.stderr and "Traceback" not in done.stderr


def test_help_recommends_the_variable_or_the_key_file(tmp_path: Path) -> None:
    done = processes.run(["--help"], tmp_path, processes.clean_env(tmp_path / "home"))
    text = " ".join(done.stdout.split())
    assert "--api-key-file PATH" in text
    assert "--api-key KEY API key; better: OPENAI_API_KEY or --api-key-file" in text


def test_a_key_echoed_by_the_server_is_masked_in_errors_and_the_log(tmp_path: Path) -> None:
    """A server that repeats the key in its error: stderr and the debug log show ***."""
    root = _project(tmp_path)
    home = tmp_path / "home"
    failure = Turn(status=401, error_message=f"Incorrect API key provided: {API_KEY}")
    with ScriptedServer([failure]) as server:
        done = processes.run(
            ["-p", "hi", "--base-url", server.base_url, "--model", DEFAULT_MODEL, "--debug"],
            root,
            processes.clean_env(home, OPENAI_API_KEY=API_KEY),
        )
    assert done.returncode == 1
    assert "Incorrect API key provided: ***" in done.stderr
    logs = "".join(path.read_text() for path in (home / "state" / "logs").glob("*.log"))
    assert API_KEY not in done.stderr + done.stdout + logs


def test_the_configuration_never_shows_the_key_in_its_repr(tmp_path: Path) -> None:
    """Crash reports print locals: a Config or Overrides among them must not show the key."""
    from openclaude_tui.core.settings.config import Config, Overrides

    config = Config(cwd=tmp_path, project_root=tmp_path, api_key=API_KEY)
    assert API_KEY not in repr(config)
    assert API_KEY not in repr(Overrides(api_key=API_KEY))
