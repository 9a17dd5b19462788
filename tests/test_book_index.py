"""book_extensions/book_index.py on a tiny book: mentions indexed under canonical names, aliases as see-entries."""

import pytest

pytestmark = pytest.mark.fast

CONF = 'project = "Tiny"\nextensions = ["book_extensions.book_index"]\nexclude_patterns = ["_build"]\n'
DATA = {
    "data/actors.csv": "actor_id,name\nSUN,Soviet Union\nRUS,Russia\nXRE,Russian Empire\n",
    "data/places.csv": "place_id,name\nmazar,Mazar-e-Sharif\n",
    "data/aliases.csv": "alias_id,alias,entity_table,entity_id\nA1,USSR,actors,SUN\nA2,Mazar-i-Sharif,places,mazar\n"
    "A3,Russia,actors,RUS\n",
}


def entries(app, docname):
    return app.env.domains["index"].entries[docname]


def test_mentions_are_indexed_under_the_canonical_name_and_aliases_get_see_entries(fixture_book):
    app = fixture_book(
        CONF,
        {
            **DATA,
            "index.rst": """
        Tiny
        ====

        The USSR and the Russian Empire met in Mazar-i-Sharif; Russians are not Russia.

        .. figure:: nothing.png

           Russia in a caption is not indexed.
        """,
        },
    )
    found = entries(app, "index")
    singles = sorted(term for kind, term, *_ in found if kind == "single")
    assert singles == ["Mazar-e-Sharif", "Russia", "Russian Empire", "Soviet Union"]
    sees = sorted(term for kind, term, *_ in found if kind == "see")
    assert sees == ["Mazar-i-Sharif; Mazar-e-Sharif", "USSR; Soviet Union"]
    paragraph_ids = {target for kind, _, target, *_ in found if kind == "single"}
    assert paragraph_ids == {"index-mention-0000"}  # the paragraph itself carries the anchor


def test_a_book_without_the_data_is_left_alone(fixture_book):
    app = fixture_book(CONF, {"index.rst": "Tiny\n====\n\nRussia.\n"})
    assert entries(app, "index") == []
