"""How ``eval`` credits an answer: a passage for its own text and links, a date only as a whole span, and
"answer shown" for the text the reply quotes (never the rest of the passage it quotes from)."""

from __future__ import annotations

from bot.core import compose
from bot.core.evaluate import holds, is_relevant, links_hit, shown_text
from bot.core.reply import Quote
from embeddings.markdown import Link
from embeddings.passages import Passage


def _passage(text: str, lang: str = "en", links: list[Link] | None = None) -> Passage:
    return Passage(id=f"post/x/{lang}#0", doc_id=f"post/x/{lang}", lang=lang, title="x", date="", url="",
                   section="", position=0, text=text, links=links or [])


def test_a_range_is_not_credited_by_its_first_day() -> None:
    assert not holds("Istio Day is on 12 November 2025 in Atlanta.", "12–15 November 2025")
    assert not holds("Istio Day is on 12 November.", "12–15 November")
    assert holds("Istio Day: 12–15 November 2025, Atlanta.", "12–15 November 2025")
    assert holds("Istio Day: November 12-15, 2025, Atlanta.", "12–15 November 2025")  # another spelling
    assert holds("Istio Day: 2025年11月12日至15日", "12–15 November 2025")


def test_a_day_is_not_credited_by_a_longer_span_that_writes_it() -> None:
    assert not holds("KubeCon runs 12–15 November 2025.", "15 November 2025")
    assert not holds("KubeCon runs 11–12 November 2025.", "12 November 2025")
    assert holds("The CFP closes on 12 November 2025.", "12 November")
    assert not holds("The CFP closes on 12 November 2024.", "12 November 2025")


def test_words_that_are_no_date_match_as_written() -> None:
    assert holds("Talk by Zack Butcher (Tetrate).", "zack butcher")
    assert not holds("Talk by Zack.", "Zack Butcher")


def test_a_translation_of_the_answer_is_not_credited() -> None:
    spanish = _passage("La charla de Bloomberg trató sobre seguridad.", "es")
    assert not is_relevant(spanish, ("Bloomberg's talk was about security",))
    video = Link("https://www.youtube.com/embed/f6jMix46ZD8", "Bloomberg", "video", "f6jMix46ZD8")
    assert is_relevant(_passage("La charla de Bloomberg.", "es", [video]), ("f6jMix46ZD8",))  # its own link


def test_answer_shown_reads_the_quoted_snippet_not_the_whole_passage() -> None:
    quote = Quote("Bloomberg spoke about security.", "Recap", "", "2023-04-27", "en",
                  "https://istio.io/latest/blog/2023/x/", 1.0, [], spans=[])
    reply = compose.quotes_reply("who spoke?", "en", [quote], [])
    text = shown_text(reply)
    assert holds(text, "Bloomberg") and "Recap" in text
    assert not holds(text, "financial data")  # in the passage the snippet comes from, but not quoted
    assert shown_text(compose.dont_know("q", "en")).strip() != ""  # only the bot's words: no answer string


def test_every_link_of_a_quote_is_shown_once_in_its_text_or_beside_it() -> None:
    # A banner links two calls for proposals; neither is written on its text, so both are cited beside it.
    istiocon = Link("https://events.linuxfoundation.org/istiocon/", "IstioCon", "link")
    istio_day = Link("https://sessionize.com/kccnc-na-co-located-23", "Istio Day North America", "link")
    quote = Quote("CFPs close soon! Submit your talk proposals.", "CFPs close soon!", "", "2023-07-26", "en",
                  istiocon.url, 1.0, [istiocon, istio_day], kind="banner", spans=[(0, 0), (0, 0)])
    reply = compose.quotes_reply("where do I submit?", "en", [quote], [])
    assert reply.shown_links().count(istiocon.url) == 1 and istio_day.url in reply.shown_links()
    assert any(part.text == "Istio Day North America" and part.url == istio_day.url for part in quote.citation)


def test_a_link_written_as_a_file_name_is_the_shown_url_ending_with_it() -> None:
    shown = {"istio.io/latest/blog/2021/istiomeetups-china-report/istiomeetupchina-envoy.pdf",
             "events.istio.io/istiocon-2021/slides/f2s-salesforceservicemesh.pdf", "youtube:abc123",
             "https://istio.io/latest/zh/blog/2022/introducing-ambient-mesh"}
    assert links_hit(shown, ("./IstioMeetupChina-Envoy.pdf",))
    assert links_hit(shown, ("f2s-SalesforceServiceMesh.pdf",))
    assert links_hit(shown, ("https://www.youtube.com/watch?v=abc123",))
    assert not links_hit(shown, ("servicemesh.pdf",))  # a whole file name, not the end of one
    assert links_hit(shown, ("/zh/blog/2022/introducing-ambient-mesh/",))  # a site path, under the base URL
    assert not links_hit(shown, ("/blog/2022/introducing-ambient-mesh/",))  # the English post was not shown
    assert not links_hit(shown, ("https://example.com/f2s-SalesforceServiceMesh.pdf",))  # a full URL is itself


def test_a_recording_and_a_program_time_stamp_are_matched_as_what_they_say() -> None:
    video = Link("https://youtu.be/cOfuGCm5cMQ", "Simple Certificate Management", "video", "cOfuGCm5cMQ")
    session = _passage("Jacob Delgado\nlightning · 2021-02-23 22:10–22:20 UTC\nCertificates.", "en", [video])
    assert is_relevant(session, ("https://www.youtube.com/embed/cOfuGCm5cMQ",))  # the same video
    assert not is_relevant(session, ("https://www.youtube.com/embed/aGGZmxXuLnE",))
    assert is_relevant(session, ("2021-02-23T22:10:00.000Z",)) and is_relevant(session, ("2021-02-23T22:20:00.000Z",))
    assert not is_relevant(session, ("2021-02-23T22:30:00.000Z",))  # another time
    assert not is_relevant(session, ("2021-02-24T22:10:00.000Z",))  # the same time another day
    # A session's card gives the day in the reader's language and the slot in UTC.
    card = "IstioCon 2022 · TLS Origination Best Practices · Kenan O'Neal · 27 de abril de 2022, 18:40–18:50 UTC"
    assert holds(card, "2022-04-27T18:40:00.000Z") and holds(card, "2022-04-27T18:50:00.000Z")
    assert holds("x · 2022年4月27日, 18:40–18:50 UTC", "2022-04-27T18:40:00.000Z")
    assert not holds(card, "2022-04-28T18:40:00.000Z")
