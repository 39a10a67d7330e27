"""The main screen's offer to carry out a plan, made after a plan-mode turn that presented one.

The offer (``widgets.plan_offer``) never takes the focus: typing after a plan goes to the
prompt, as a follow-up. Choosing is a deliberate act: Alt+1/2/3, or a click on the offer
and then 1/2/3. ``core.agent.plan.presents_plan`` decides whether the turn presented a plan.
"""

from __future__ import annotations

from openclaude_tui.ui.screens.main_base import MainScreenBase
from openclaude_tui.ui.widgets.plan_offer import PlanChoice, PlanOffer

PLAN_ACCEPTED = "The plan is approved. Carry it out now."


class PlanOffering(MainScreenBase):
    """Shows the offer when a plan was presented, and carries out the user's choice."""

    def plan_presented(self) -> bool:
        """Whether the turn that just ended presented a plan in plan mode."""
        session = self.session
        return session is not None and session.mode == "plan" and session.presented_plan

    async def offer_plan(self) -> None:
        """Show the offer above the prompt (the focus stays where it is)."""
        offer = self.plan_offer
        if not offer.is_mounted:
            await self.query_one("#main").mount(offer, before="#prompt")
        offer.open()

    def action_plan(self, choice: PlanChoice) -> None:
        """Alt+1/2/3: answer the open offer."""
        if self.plan_offer.is_open:
            self.plan_offer.action_choose(choice)

    def on_plan_offer_chosen(self, event: PlanOffer.Chosen) -> None:
        """Switch the mode and send the approval, or keep planning."""
        self.prompt_input.focus()
        if event.choice == "keep" or self.session is None:
            return
        self._show_mode(self.session.set_mode(event.choice))
        self.submit(PLAN_ACCEPTED)
