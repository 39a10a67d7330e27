"""``/profile NAME``: the conversation carried on another server profile.

The settings are loaded again as ``openclaude --profile NAME`` would load them (the
command line's server flags give way to the profile; its other flags stay). The current
session is saved and closed, and a new one on the profile's server continues the saved
conversation, in the permission mode the user had chosen.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from textual import work

from openclaude_tui.core.settings.config import Config, ConfigError
from openclaude_tui.core.tomlfile import SettingsFileError
from openclaude_tui.ui import messages
from openclaude_tui.ui.screens.main_base import MainScreenBase
from openclaude_tui.ui.widgets.chat_items import NoticeItem


class ProfileSwitch(MainScreenBase):
    """``/profile [NAME]``."""

    def command_profile(self, argument: str = "") -> None:
        """List the profiles, or carry the conversation on to the one named."""
        name = argument.strip()
        if not name:
            current = self.config.default_profile
            listed = ", ".join(
                f"{profile} (in use)" if profile == current else profile
                for profile in sorted(self.config.profiles)
            )
            self.chat.add_item(NoticeItem(f"Profiles: {listed} · /profile NAME", "muted", "·"))
            return
        reload = self.config.reload_with_profile
        if self.running or self.session is None or reload is None:
            self.chat.add_item(NoticeItem("/profile works between turns", "warning", "!"))
            return
        try:
            config = reload(name)
        except (ConfigError, SettingsFileError) as error:
            self.chat.add_item(NoticeItem(str(error), "warning", "!"))
            return
        self._switch_profile(config, name)

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def _switch_profile(self, config: Config, name: str) -> None:
        from openclaude_tui.core.llm.provider import ProviderError
        from openclaude_tui.ui.bridge import AgentSession

        old = self.session
        assert old is not None
        saved = old.recorder.writer.path if old.recorder is not None else None
        mode = old.mode
        await old.close()
        model = config.model
        session = AgentSession(self.app, config, self, now=self.now, clock=self.clock)
        if saved is not None:
            session.resume(saved)
            # The profile's model (or the server's only one), not the one the saved
            # conversation was held with on the other server.
            config.model = model
        if mode in session.available_modes():
            session.set_mode(mode)
        self.config, self.session = config, session
        if config.mcp_servers:
            session.start_mcp()
        host = urlsplit(config.base_url).netloc or config.base_url
        self.status.set(profile=name, host=host, model=config.model or "", window=None)
        self.chat.add_item(NoticeItem(f"Profile {name}: {config.base_url}", "info", "·"))
        try:
            await session.start()
        except ProviderError as error:
            self.post_message(messages.AgentFailed(str(error), error.kind == "unreachable"))
