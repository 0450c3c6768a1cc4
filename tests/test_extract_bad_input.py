"""Bad input never raises and gives a sensible (often empty) result (issue #4, point 6)."""

from __future__ import annotations

from kb.extract import MAX_CHARS


def test_empty_text_gives_an_empty_extraction(extractor):
    ex = extractor.extract("")
    assert ex.companies == () and ex.relations == ()


def test_whitespace_only_text_gives_an_empty_extraction(extractor):
    assert extractor.extract(" \n\n\t ").companies == ()


def test_megabyte_of_text_is_cut_and_extracted(extractor):
    paragraph = "Microsoft has invested $13 billion in OpenAI. Oracle supplies chips to xAI.\n\n"
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    ex = extractor.extract(text)
    assert {"Microsoft", "OpenAI"} <= {c.name for c in ex.companies}
    assert max(m.end for m in ex.mentions) <= MAX_CHARS


def test_non_english_text_does_not_raise(extractor):
    text = "Die Deutsche Bank und Siemens haben eine Partnerschaft angekündigt. 腾讯投资了一家法国公司。"
    ex = extractor.extract(text)
    assert all(r.confidence <= 1 for r in ex.relations)


def test_only_headlines_give_no_made_up_relations(extractor):
    text = "Key Details of the Partnership\n\nMarket and Industry Context\n\nStatements and Clarifications\n"
    ex = extractor.extract(text)
    assert ex.companies == () and ex.relations == ()


def test_html_passed_as_text_is_read_without_tags_as_companies(extractor):
    html = (
        '<html><head><title>News</title></head><body><div class="x"><p>Cisco agreed to acquire '
        "<b>Splunk</b> for $28 billion.</p><script>var a = 1;</script></div></body></html>"
    )
    ex = extractor.extract(html)
    names = {c.name for c in ex.companies}
    assert "Cisco" in names
    assert not any("<" in n or ">" in n for n in names)


def test_batch_keeps_keys_and_order(extractor):
    items = [(3, None, "Cisco agreed to acquire Splunk."), (1, "Empty", ""), (2, None, "Oracle supplies xAI.")]
    keys = [key for key, _ in extractor.extract_many(items, batch_size=2)]
    assert keys == [3, 1, 2]


def test_two_processes_give_the_same_records_in_order(extractor):
    items = [(i, None, text) for i, text in enumerate(
        ["Cisco agreed to acquire Splunk for $28 billion.", "", "Oracle also provides infrastructure to xAI."] * 3)]
    one = list(extractor.extract_many(items, batch_size=2, n_process=1))
    two = list(extractor.extract_many(items, batch_size=2, n_process=2))
    assert two == one
