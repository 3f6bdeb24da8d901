"""Thread manners: which unmentioned messages in a followed thread are meant for the bot."""

from __future__ import annotations

import pytest

from bot.slack.followups import asks_something, is_meant_for_the_bot

BOT = "UBOT0001"


@pytest.mark.parametrize(
    "text",
    [
        "Where can I watch the Bloomberg talk?",
        "which talks were about ambient mesh",
        "¿Dónde fue la IstioCon 2022?",
        "cuándo es el próximo Istio Day",
        "还有其他关于 ambient 的演讲吗",
        "IstioCon 2022 在哪里举办",
        "list the workshops at IstioCon 2021",
        "what about the recordings",
        "Any recording of the keynote？",
        f"<@{BOT}> where are the slides",  # the bot's own mention is not someone else's conversation
    ],
)
def test_questions_and_requests_are_meant_for_the_bot(text: str) -> None:
    assert is_meant_for_the_bot(text, BOT)


@pytest.mark.parametrize(
    "text",
    [
        "thanks!",
        "Thank you, that helps",
        "ok 👍",
        ":tada: :tada:",
        "gracias",
        "谢谢",
        "好的",
        "lol nice",
        "great talk by the way",
        "",
        "Will do, thanks!",
        "Can't wait!",
        "Any time!",
        "que bien, gracias",
        "Como dije, gracias",
        "por fin, gracias",
        "谢谢你的推荐",
        "哪里哪里",
        "how cool",
    ],
)
def test_thanks_acknowledgements_and_emoji_are_not(text: str) -> None:
    assert not asks_something(text)
    assert not is_meant_for_the_bot(text, BOT)


@pytest.mark.parametrize(
    "text",
    ["<@U0000BOB> did you see this?", "<@U0000BOB|bob> where are you?", "what do you think <@W0000EVE>?"],
)
def test_people_talking_to_each_other_are_left_alone(text: str) -> None:
    assert asks_something(text)
    assert not is_meant_for_the_bot(text, BOT)
