"""The layout segmenter: lines, bullets and labels are sentence boundaries; boilerplate is marked."""

from __future__ import annotations

from kb.nlp import BOILERPLATE_KEY, layout_segmenter


def segment(blank_nlp, text):
    doc = layout_segmenter(blank_nlp.make_doc(text))
    return doc


def test_heading_is_not_glued_to_the_next_line(blank_nlp):
    doc = segment(blank_nlp, "Official Statements\n\n • Sam Altman, CEO of OpenAI: Altman spoke.")
    starts = [t.text for t in doc if t.is_sent_start]
    assert "Official" in starts and "Sam" in starts


def test_bullet_starts_a_sentence(blank_nlp):
    doc = segment(blank_nlp, "Intro line.\n  • Oracle’s Contribution: Oracle’s chips will help.")
    assert doc[[t.text for t in doc].index("Oracle")].is_sent_start


def test_label_before_a_colon_is_its_own_sentence(blank_nlp):
    doc = segment(blank_nlp, "Infrastructure Needs: OpenAI CEO Sam Altman spoke.")
    assert doc[[t.text for t in doc].index("OpenAI")].is_sent_start


def test_byline_and_read_time_are_boilerplate(blank_nlp):
    text = "Author: Alicia Shapiro\n\nEstimated Read Time: 4 minutes\n\nOpenAI signed a deal."
    doc = segment(blank_nlp, text)
    spans = [text[s:e] for s, e in doc.user_data[BOILERPLATE_KEY]]
    assert spans == ["Author: Alicia Shapiro", "Estimated Read Time: 4 minutes"]


def test_body_line_is_not_boilerplate(blank_nlp):
    doc = segment(blank_nlp, "By leveraging Oracle’s chips, OpenAI will scale.")
    assert doc.user_data[BOILERPLATE_KEY] == []
