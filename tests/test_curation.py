"""Curation: every action is logged by company key, applied, and replayable after re-extraction."""

from __future__ import annotations

import pytest
import sqlite_utils

from kb.curation import (
    add_relation,
    curation_log,
    mark_not_company,
    merge_companies,
    rename_company,
    replay_curation,
    set_relation_status,
)
from kb.errors import CurationError, NotFound
from kb.store import known_companies, rejected_names, store_extraction
from tests.fixtures.store import add_article, extraction_of, kb_snapshot, store_oracle_article
from tests.fixtures.store import store_text as store


def cid(db: sqlite_utils.Database, key: str) -> int:
    return int(next(iter(db.query("select id from companies where key = ?", [key])))["id"])


def relation_id(db: sqlite_utils.Database, type_: str, a: str, b: str) -> int:
    ids = (
        sorted((cid(db, a), cid(db, b)))
        if type_ in ("partnership", "competitor")
        else [cid(db, a), cid(db, b)]
    )
    rows = list(
        db.query("select id from relations where type = ? and source_id = ? and target_id = ?", [type_, *ids])
    )
    return int(rows[0]["id"])


def restore(
    db: sqlite_utils.Database, article_id: int, companies, relations=(), *, version: str = "v2"
) -> None:
    """Re-extract one stored article, as ``newskb reextract`` does."""
    text = db["articles"].get(article_id)["text"]
    store_extraction(db, article_id, extraction_of(text, companies, relations), extractor_version=version)


# --- merge --------------------------------------------------------------------------------


def test_merge_moves_aliases_mentions_and_relations_to_the_kept_company(db):
    store(
        db,
        "Facebook partnered with Spotify.",
        ["Facebook", "Spotify"],
        [("partnership", "Facebook", "Spotify")],
    )
    store(db, "Meta hired.", ["Meta"])

    merge_companies(db, cid(db, "meta"), cid(db, "facebook"))

    meta = db["companies"].get(cid(db, "meta"))
    assert (meta["mention_count"], meta["article_count"]) == (2, 2)
    assert {row["key"] for row in db["aliases"].rows_where("company_id = ?", [meta["id"]])} == {
        "meta",
        "facebook",
    }
    relation = next(iter(db["relations"].rows))
    assert {relation["source_id"], relation["target_id"]} == {meta["id"], cid(db, "spotify")}
    assert db["companies"].get(cid(db, "facebook"))["merged_into"] == meta["id"]


def test_merge_joins_relations_that_become_the_same(db):
    store(
        db,
        "Facebook partnered with Spotify.",
        ["Facebook", "Spotify"],
        [("partnership", "Facebook", "Spotify")],
    )
    store(db, "Meta partnered with Spotify.", ["Meta", "Spotify"], [("partnership", "Meta", "Spotify")])

    merge_companies(db, cid(db, "meta"), cid(db, "facebook"))

    relation = next(iter(db["relations"].rows))
    assert db["relations"].count == 1
    assert relation["article_count"] == 2
    assert db["evidence"].count_where("relation_id = ?", [relation["id"]]) == 2


def test_merge_deletes_a_relation_between_the_two_merged_names(db):
    store(db, "Facebook competes with Meta.", ["Facebook", "Meta"], [("competitor", "Facebook", "Meta")])

    merge_companies(db, cid(db, "meta"), cid(db, "facebook"))

    assert (db["relations"].count, db["evidence"].count) == (0, 0)


def test_merged_name_resolves_to_the_kept_company_in_later_articles(db):
    store(db, "Facebook hired.", ["Facebook"])
    store(db, "Meta hired.", ["Meta"])
    merge_companies(db, cid(db, "meta"), cid(db, "facebook"))

    store(db, "Facebook Inc. grew.", ["Facebook Inc."])

    assert db["companies"].get(cid(db, "meta"))["article_count"] == 3
    assert [known.name for known in known_companies(db)] == ["Meta"]
    assert "Facebook" in known_companies(db)[0].aliases


@pytest.mark.parametrize("same", [True, False])
def test_merge_refuses_a_company_into_itself_or_a_merged_one(db, same):
    store(db, "Facebook met Meta and Google.", ["Facebook", "Meta", "Google"])
    if not same:
        merge_companies(db, cid(db, "meta"), cid(db, "facebook"))
    keep, drop = ("meta", "meta") if same else ("google", "facebook")

    with pytest.raises(CurationError):
        merge_companies(db, cid(db, keep), cid(db, drop))


def test_merge_of_a_missing_company_raises_not_found_and_logs_nothing(db):
    store(db, "Meta hired.", ["Meta"])

    with pytest.raises(NotFound, match="company 99"):
        merge_companies(db, cid(db, "meta"), 99)
    assert curation_log(db) == []


# --- rename -------------------------------------------------------------------------------


def test_rename_changes_the_display_name_and_keeps_the_key(db):
    store(db, "Alphabet grew.", ["Alphabet"])

    rename_company(db, cid(db, "alphabet"), "Alphabet (Google)")

    company = db["companies"].get(cid(db, "alphabet"))
    assert company["name"] == "Alphabet (Google)"
    assert [known.name for known in known_companies(db)] == ["Alphabet (Google)"]


def test_rename_to_another_companys_name_asks_for_a_merge(db):
    store(db, "Alphabet met Google.", ["Alphabet", "Google"])

    with pytest.raises(CurationError, match="merge"):
        rename_company(db, cid(db, "alphabet"), "Google LLC")
    assert curation_log(db) == []


# --- not a company --------------------------------------------------------------------------


def test_marking_not_a_company_removes_its_mentions_and_relations(db):
    store(db, "Reuters reported that Nvidia supplies Tesla. Reuters partners with Nvidia.", ["Reuters", "Nvidia", "Tesla"],
          [("supplier", "Nvidia", "Tesla"), ("partnership", "Reuters", "Nvidia")])  # fmt: skip

    mark_not_company(db, cid(db, "reuters"))

    reuters = db["companies"].get(cid(db, "reuters"))
    assert (reuters["kind"], reuters["mention_count"]) == ("not_company", 0)
    assert db["relations"].count == 1
    assert rejected_names(db) == ["Reuters"]


def test_name_marked_not_a_company_stays_out_on_reextraction(db):
    article_id = store(
        db, "Reuters partners with Nvidia.", ["Reuters", "Nvidia"], [("partnership", "Reuters", "Nvidia")]
    )
    mark_not_company(db, cid(db, "reuters"))

    restore(db, article_id, ["Reuters", "Nvidia"], [("partnership", "Reuters", "Nvidia")])

    assert db["mentions"].count == 1
    assert db["relations"].count == 0


# --- relation status and added relations -----------------------------------------------------


def test_rejected_relation_stays_rejected_when_extracted_again(db):
    article_id = store_oracle_article(db)
    partnership = relation_id(db, "partnership", "openai", "oracle")

    set_relation_status(db, partnership, "rejected")
    text = db["articles"].get(article_id)["text"]
    store_extraction(
        db, article_id,
        extraction_of(text, {"OpenAI": ["OpenAI"], "Oracle": ["Oracle Corp."]}, [("partnership", "OpenAI", "Oracle")], title="Cloud deal"),
        extractor_version="v2",
    )  # fmt: skip

    assert db["relations"].get(partnership)["status"] == "rejected"


def test_confirmed_relation_survives_losing_its_evidence(db):
    article_id = store_oracle_article(db)
    partnership = relation_id(db, "partnership", "openai", "oracle")
    set_relation_status(db, partnership, "confirmed")

    restore(db, article_id, ["OpenAI"])

    relation = db["relations"].get(partnership)
    assert (relation["status"], relation["article_count"]) == ("confirmed", 0)
    assert db["companies"].count_where("key = 'oracle'") == 1  # kept: the relation points at it


def test_unknown_status_is_refused(db):
    store_oracle_article(db)
    with pytest.raises(CurationError):
        set_relation_status(db, 1, "maybe")  # type: ignore[arg-type]


def test_added_relation_creates_companies_and_curated_evidence(db):
    article_id = add_article(db, "Anthropic buys chips from Nvidia.", title="Chips")

    new_id = add_relation(
        db, type="supplier", source="Nvidia Corp.", target="Anthropic",
        evidence="Anthropic buys chips from Nvidia.", article_id=article_id,
    )  # fmt: skip

    relation = db["relations"].get(new_id)
    assert (relation["status"], relation["article_count"], relation["confidence"]) == ("added", 1, 1.0)
    assert (relation["source_id"], relation["target_id"]) == (cid(db, "nvidia"), cid(db, "anthropic"))
    evidence = next(iter(db["evidence"].rows))
    assert (evidence["start"], evidence["end"], evidence["curated"]) == (7, 40, 1)  # after "Chips\n\n"


def test_added_evidence_survives_reextracting_its_article(db):
    article_id = store(db, "Anthropic buys chips from Nvidia.", ["Anthropic", "Nvidia"])
    add_relation(db, type="supplier", source="Nvidia", target="Anthropic", evidence="Anthropic buys chips from Nvidia.",
                 article_id=article_id)  # fmt: skip

    restore(db, article_id, ["Anthropic", "Nvidia"])

    assert db["evidence"].count == 1
    assert db["relations"].count == 1


def test_adding_a_relation_the_extractor_found_confirms_it(db):
    store_oracle_article(db)

    added = add_relation(db, type="partnership", source="Oracle", target="OpenAI")

    assert added == relation_id(db, "partnership", "openai", "oracle")
    assert db["relations"].get(added)["status"] == "confirmed"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"type": "friendship", "source": "A Corp", "target": "B Corp"}, CurationError),
        ({"type": "partnership", "source": "Oracle", "target": "Oracle Corporation"}, CurationError),
        ({"type": "partnership", "source": "Oracle", "target": "...."}, CurationError),
        ({"type": "partnership", "source": "Oracle", "target": "xAI", "article_id": 404}, NotFound),
    ],
)
def test_add_relation_refuses_bad_input_and_logs_nothing(db, kwargs, error):
    with pytest.raises(error):
        add_relation(db, **kwargs)
    assert curation_log(db) == []
    assert db["companies"].count == 0


# --- the log and its replay -----------------------------------------------------------------


def test_log_names_companies_by_key(db):
    store(db, "Facebook met Meta.", ["Facebook", "Meta"])
    merge_companies(db, cid(db, "meta"), cid(db, "facebook"))
    rename_company(db, cid(db, "meta"), "Meta Platforms")

    log = curation_log(db)

    assert [(entry.action, entry.payload.get("keep"), entry.payload.get("key")) for entry in log] == [
        ("merge", "meta", None),
        ("rename", None, "meta"),
    ]
    assert log[0].at.tzinfo is not None


def curate_everything(db: sqlite_utils.Database) -> int:
    """A small KB with one curation of each kind; returns the article id."""
    article_id = store(
        db,
        "Facebook partnered with Spotify. Reuters said Nvidia supplies Tesla. Meta competes with Snap.",
        ["Facebook", "Spotify", "Reuters", "Nvidia", "Tesla", "Meta", "Snap"],
        [
            ("partnership", "Facebook", "Spotify"),
            ("supplier", "Nvidia", "Tesla"),
            ("competitor", "Meta", "Snap"),
        ],
    )
    merge_companies(db, cid(db, "meta"), cid(db, "facebook"))
    rename_company(db, cid(db, "meta"), "Meta Platforms")
    mark_not_company(db, cid(db, "reuters"))
    set_relation_status(db, relation_id(db, "competitor", "meta", "snap"), "rejected")
    set_relation_status(db, relation_id(db, "supplier", "nvidia", "tesla"), "confirmed")
    add_relation(db, type="investment", source="Nvidia", target="Snap")
    return article_id


def test_replaying_the_log_changes_nothing_when_it_is_applied(db):
    curate_everything(db)
    before = kb_snapshot(db)

    assert replay_curation(db) == 6
    assert kb_snapshot(db) == before


def test_replay_reapplies_curation_to_a_rebuilt_knowledge_base(db):
    """Rows recreated from scratch (new ids) get every curation back, by key."""
    article_id = curate_everything(db)
    expected = {
        (row["type"], row["source"], row["target"], row["status"])
        for row in db.query(
            "select r.type, s.name as source, t.name as target, r.status from relations r"
            " join companies s on s.id = r.source_id join companies t on t.id = r.target_id"
        )
    }
    for table in ("evidence", "relations", "mentions", "aliases"):
        db[table].delete_where()
    db.execute("update companies set merged_into = null")
    db["companies"].delete_where()

    text = db["articles"].get(article_id)["text"]
    store_extraction(
        db, article_id,
        extraction_of(text, ["Facebook", "Spotify", "Reuters", "Nvidia", "Tesla", "Meta", "Snap"],
                      [("partnership", "Facebook", "Spotify"), ("supplier", "Nvidia", "Tesla"), ("competitor", "Meta", "Snap")]),
        extractor_version="v2",
    )  # fmt: skip
    replay_curation(db)

    assert {
        (row["type"], row["source"], row["target"], row["status"])
        for row in db.query(
            "select r.type, s.name as source, t.name as target, r.status from relations r"
            " join companies s on s.id = r.source_id join companies t on t.id = r.target_id"
        )
    } == expected
    assert db["companies"].get(cid(db, "reuters"))["kind"] == "not_company"
    assert db["mentions"].count_where("company_id = ?", [cid(db, "reuters")]) == 0


def test_replay_skips_actions_whose_companies_are_gone(db, caplog):
    store(db, "Alphabet grew.", ["Alphabet"])
    rename_company(db, cid(db, "alphabet"), "Google")
    db["mentions"].delete_where()
    db["aliases"].delete_where()
    db["companies"].delete_where()

    assert replay_curation(db) == 0
    assert "1 curation actions could not be replayed" in caplog.text
    assert len(curation_log(db)) == 1


def test_replay_skipping_an_action_half_way_leaves_nothing_behind(db):
    store(db, "Reuters met Nvidia.", ["Reuters", "Nvidia"])
    add_relation(db, type="partnership", source="Acme Robotics", target="Reuters")
    mark_not_company(db, cid(db, "reuters"))  # the relation above goes with it
    acme = cid(db, "acme robotics")
    db["aliases"].delete_where("company_id = ?", [acme])
    db["companies"].delete(acme)
    companies_before = db["companies"].count

    replay_curation(db)  # add_relation now finds Reuters is not a company: skipped

    assert db["companies"].count == companies_before
    assert db["relations"].count == 0
