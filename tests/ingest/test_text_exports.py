"""Text exports in libcom's layout (YAML front matter, a shortened title, then "… Date: …
Source: … Tags: …" on one line, reader comments at the end), and languages detected where a
file does not say. Every file here is written for the test, in the shapes the exports have."""

import pytest

from statements.ingest.files import parse_bytes
from statements.ingest.formats.common import language_detect
from statements.ingest.services import statement_import
from statements.models import Statement

ARTICLE = (
    "The tenants of the four towers met on Sunday and decided to stop paying rent until the "
    "heating is repaired. Nobody will pay alone and nobody will be evicted alone.\n"
    "The assembly meets again next week in the courtyard, and every neighbour is welcome.\n"
)


def libcom(
    line: str, *, after: str = "", title: str = "Rent Strike in the Four Towers Call"
) -> bytes:
    """A libcom export: front matter with the shortened title, the same as a heading, the
    metadata line, then the article."""
    text = f'---\ntitle: "{title}"\ndate: 2025\n---\n\n# {title}\n\n{line}\n{after}{ARTICLE}'
    return text.encode()


def parsed(raw: bytes):
    (item,) = parse_bytes(raw, name="export.md")
    return item.data


FULL_TITLE = "Rent strike in the four towers: call to every tenant!"
META = "Date: Unknown Source: https://libcom.org/article/rent-strike-four-towers"


class TestLibcomLine:
    def test_tags_that_run_into_the_text_end_where_the_names_end(self):
        data = parsed(
            libcom(
                f"{FULL_TITLE} {META} Tags: housing, rent strikes, Tenants Union of the "
                "Towers, squatting Every tenant of the four towers is called to the courtyard, "
                "where the assembly will decide, together, what comes next.\n"
            )
        )
        assert data.tags == ["housing", "rent strikes", "Tenants Union of the Towers", "squatting"]
        assert data.body.startswith(
            "Every tenant of the four towers is called to the courtyard, where the assembly "
            "will decide, together, what comes next.\n"
        )
        assert "The tenants of the four towers met on Sunday" in data.body
        assert all(len(tag) <= 40 for tag in data.tags)

    def test_a_short_sentence_after_the_tags_is_text_too(self):
        data = parsed(libcom(f"{META} Tags: housing, Rotterdam We pay nothing. Join us.\n"))
        assert data.tags == ["housing", "Rotterdam"]
        assert data.body.startswith("We pay nothing. Join us.\n")

    def test_initials_and_abbreviations_stay_in_their_names(self):
        data = parsed(libcom(f"{META} Tags: E. Rayner, Vincent St. John, assembly.org.ua\n"))
        assert data.tags == ["E. Rayner", "Vincent St. John", "assembly.org.ua"]
        assert data.body.startswith("The tenants of the four towers")

    @pytest.mark.parametrize(
        ("end", "wrapped", "tags"),
        [
            # The line ends on a comma: the next line's names follow.
            ("housing, Tenants Union,", "## rent strikes, heating",
             ["housing", "Tenants Union", "rent strikes", "heating"]),
            # A name cut in two by the wrap: joined again.
            ("housing, International Tenants", "## Alliance, heating",
             ["housing", "International Tenants Alliance", "heating"]),
        ],
    )  # fmt: skip
    def test_a_wrapped_tag_list_loses_no_tag_and_makes_no_heading(self, end, wrapped, tags):
        data = parsed(libcom(f"{META} Tags: {end}", after=f"{wrapped}\n"))
        assert data.tags == tags
        assert "##" not in data.body
        assert data.body.startswith("The tenants of the four towers")

    def test_a_heading_after_text_that_ran_on_is_not_taken_for_tags(self):
        data = parsed(libcom(f"{META} Tags: housing Our call.", after="## Tenants, neighbours\n"))
        assert data.tags == ["housing"]
        assert data.body.startswith("Our call.\n## Tenants, neighbours\n")

    def test_an_address_broken_by_a_space_is_joined(self):
        data = parsed(
            libcom(
                "Date: March 3, 2021 Source: https://libcom.org/article/rent-strike-four-to "
                "wers-call Tags: housing, heating\n"
            )
        )
        assert [s.url for s in data.sources] == [
            "https://libcom.org/article/rent-strike-four-towers-call"
        ]
        assert data.tags == ["housing", "heating"]
        assert str(data.issued) == "2021-03-03"
        assert "Source:" not in data.body and "wers-call" not in data.body

    def test_the_full_title_in_the_text_wins_over_the_shortened_one(self):
        data = parsed(libcom(f"{FULL_TITLE} {META} Tags: housing\n"))
        assert data.title == FULL_TITLE
        assert FULL_TITLE not in data.body
        assert data.body.startswith("The tenants of the four towers")

    def test_a_first_line_that_is_another_text_stays(self):
        data = parsed(libcom(f"A letter from the assembly {META} Tags: housing\n"))
        assert data.title == "Rent Strike in the Four Towers Call"
        assert data.body.startswith("A letter from the assembly\n")

    def test_the_full_title_on_a_line_of_its_own(self):
        text = (
            f'---\ntitle: "Rent Strike in the Four Towers Call"\n---\n\n{FULL_TITLE}\n\n{ARTICLE}'
        )
        data = parsed(text.encode())
        assert data.title == FULL_TITLE
        assert data.body == ARTICLE


COMMENTS = (
    "\n## Nadia\n\n3 years 10 months ago\n\n## In reply toWelcomebylibcom.org\n\n"
    "Is there a date for the next assembly?\n"
    "Steven.\n2 years ago\n\n## In reply toWelcomebylibcom.org\n\nThursday.\n"
    "Log in or register to post comments\n"
)


class TestReaderComments:
    def test_comments_are_cut_from_the_text_and_kept(self):
        raw = libcom(f"{META} Tags: housing\n") + COMMENTS.encode()
        data = parsed(raw)
        assert data.body == ARTICLE
        kept = data.metadata["reader comments"]
        assert kept.startswith("## Nadia\n\n3 years 10 months ago")
        assert "Is there a date for the next assembly?" in kept and "Thursday." in kept
        assert "Log in or register to post comments" in kept

    def test_a_text_that_speaks_of_years_ago_keeps_it(self):
        text = libcom(f"{META} Tags: housing\n") + b"It all began ten years ago.\n"
        data = parsed(text)
        assert data.body.endswith("It all began ten years ago.\n")
        assert "reader comments" not in data.metadata


class TestLanguageDetected:
    @pytest.mark.parametrize(
        ("text", "code"),
        [
            (ARTICLE, "en"),
            ("Les locataires des quatre tours se sont réunis dimanche et ont décidé de ne plus "
             "payer le loyer tant que le chauffage ne sera pas réparé. Personne ne paiera seul.",
             "fr"),
            ("Die Mieterinnen und Mieter der vier Türme haben am Sonntag beschlossen, keine Miete "
             "mehr zu zahlen, bis die Heizung repariert ist. Niemand zahlt allein.", "de"),
            ("四座楼的租户星期天开会，决定在暖气修好之前停止交租。"
             "没有人会单独交租，也没有人会单独被驱逐。"
             "下周大会将在院子里再次召开，欢迎每一位邻居参加。" * 3, "zh"),
            ("Станарите од четирите кули се состанаа во недела и одлучија да не плаќаат "
             "кирија додека не се поправи греењето. Никој нема да плаќа сам. Собранието "
             "повторно се состанува следната недела во дворот.", "mk"),
        ],
    )  # fmt: skip
    def test_a_long_enough_text_gets_its_language(self, text, code):
        assert language_detect(text) == code

    @pytest.mark.parametrize("text", ["Rent strike!", "ok " * 30, "1234 5678 " * 40, ""])
    def test_too_little_to_be_sure_leaves_it_empty(self, text):
        assert language_detect(text) == ""

    def test_text_and_muse_files_without_a_language_get_one(self):
        assert parsed(libcom(f"{META} Tags: housing\n")).language == "en"
        sentence = "Les locataires des quatre tours ont décidé de ne plus payer le loyer. "
        muse = ("#title Grève des loyers\n\n" + sentence * 3).encode()
        (item,) = parse_bytes(muse, name="greve.muse")
        assert item.data.language == "fr"
        assert "no #lang: the language detected is fr" in item.notes
        (item,) = parse_bytes(b"#title T\n#lang de\n\n" + muse.split(b"\n\n")[1], name="t.muse")
        assert item.data.language == "de"  # what the file says, never overruled


@pytest.mark.django_db
def test_a_libcom_export_imports_twice_unchanged():
    raw = libcom(f"{FULL_TITLE} {META} Tags: housing, Tenants Union,", after="## heating\n")
    raw += COMMENTS.encode()
    first = statement_import(files=[("export.md", raw)])
    again = statement_import(files=[("export.md", raw)])
    assert len(first.created) == 1 and len(again.unchanged) == 1
    statement = Statement.objects.get()
    assert statement.title == FULL_TITLE
    assert sorted(t.name for t in statement.tags.all()) == ["Tenants Union", "heating", "housing"]


class TestLibcomDescriptions:
    """Findings 27 to 30: the page's description that runs on after the tags, an address
    broken across lines, the last tag's words, comments on the text's own line."""

    def test_a_description_that_lists_things_is_text_not_tags(self):
        data = parsed(
            libcom(
                f"{META} Tags: strikes, Italy The strike closed the docks, the railways, the "
                "post, the mines, the schools, the hospitals and the ports for a day.\n"
            )
        )
        assert data.tags == ["strikes", "Italy"]
        assert data.body.startswith(
            "The strike closed the docks, the railways, the post, the mines, the schools, the "
            "hospitals and the ports for a day.\n"
        )

    def test_a_description_with_a_colon_starts_where_its_sentence_does(self):
        data = parsed(
            libcom(f"{META} Tags: housing, Berlin We demand: rent caps, repairs, no evictions.\n")
        )
        assert data.tags == ["housing", "Berlin"]
        assert data.body.startswith("We demand: rent caps, repairs, no evictions.\n")

    @pytest.mark.parametrize(
        ("line", "tags", "text"),
        [
            ("anarchism, Freedom Press The paper ran from 1886 until 2014, and then online.",
             ["anarchism", "Freedom Press"], "The paper ran from 1886"),
            ("civil rights, James Meredith In 1962, James Meredith enrolled at the university.",
             ["civil rights", "James Meredith"], "In 1962, James Meredith enrolled"),
        ],
    )  # fmt: skip
    def test_the_last_tag_keeps_all_its_words(self, line, tags, text):
        data = parsed(libcom(f"{META} Tags: {line}\n"))
        assert data.tags == tags
        assert data.body.startswith(text)

    def test_an_address_broken_across_a_line_is_joined_and_the_tags_kept(self):
        data = parsed(
            libcom(
                "Date: March 3, 2021 Source: https://libcom.org/article/rent-strike-four-",
                after="towers-call Tags: housing, heating\n",
            )
        )
        assert [s.url for s in data.sources] == [
            "https://libcom.org/article/rent-strike-four-towers-call"
        ]
        assert data.tags == ["housing", "heating"]
        assert "towers-call" not in data.body
        assert data.body.startswith("The tenants of the four towers")

    def test_comments_on_the_text_s_last_line_are_cut(self):
        raw = libcom(f"{META} Tags: housing\n") + (
            b"We will win. Nadia 3 years 10 months ago Is there a date for the next assembly?\n"
            b"Steven 2 years ago Thursday.\n"
        )
        data = parsed(raw)
        assert data.body.rstrip().endswith("We will win.")
        assert "Nadia" not in data.body and "years ago" not in data.body
        assert data.metadata["reader comments"].startswith("Nadia 3 years 10 months ago")
