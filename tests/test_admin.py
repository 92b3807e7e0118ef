import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from statements.core.records import SourceData
from statements.models import Author, SlugRedirect, Source, Statement, Tag
from tests.factories import make_author, make_statement, query_counts

ADD_URL = reverse("admin:statements_statement_add")
CHANGELIST_URL = reverse("admin:statements_statement_changelist")


def _credit_rows(page) -> dict:
    """The credits formset of a change page, as posted back unchanged."""
    formset = next(
        f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "authorships"
    ).formset
    data = {f"authorships-{key}": value for key, value in formset.management_form.initial.items()}
    saved = [form.instance for form in formset.forms if form.instance.pk is not None]
    data["authorships-TOTAL_FORMS"] = str(len(saved))
    for number, credit in enumerate(saved):
        data[f"authorships-{number}-id"] = str(credit.pk)
        data[f"authorships-{number}-author"] = str(credit.author_id)
        data[f"authorships-{number}-role"] = credit.role
        data[f"authorships-{number}-position"] = str(credit.position)
        data[f"authorships-{number}-statement"] = str(credit.statement_id)
    return data


def inline_management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def statement_post(**overrides) -> dict:
    """The POST an editor's browser sends from the add form, with no inline rows."""
    data = {
        "title": "Against the eviction of the Linden Street squat",
        "subtitle": "",
        "slug": "against-the-eviction",
        "summary": "",
        "body": "We stand with the *Linden Street* residents.[^1]\n\n[^1]: Since 2019.",
        "issued": "2025-03",
        "date_text": "",
        "place": "Linden",
        "language": "en",
        "tags": "housing, mutual aid",
        "rights": "Anti-Copyright",
        "editorial_notes": "",
        "signatories_public": "on",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        **inline_management("authorships", 0),
        **inline_management("sources", 0),
        **inline_management("slug_redirects", 0),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestEditorWorkflow:
    def test_editor_creates_publishes_and_finds_statement(self, editor_client, client):
        first = make_author("Linden Street Residents")
        second = make_author("Neighbourhood Legal Team", kind=Author.Kind.ORGANISATION)
        data = statement_post(
            **inline_management("authorships", 2),
            **{
                "authorships-0-author": str(first.pk),
                "authorships-0-role": "author",
                "authorships-0-position": "0",
                "authorships-1-author": str(second.pk),
                "authorships-1-role": "signatory",
                "authorships-1-position": "0",
            },
            **inline_management("sources", 3),
            **{
                "sources-0-kind": "original",
                "sources-0-url": "https://linden.example.org/statement",
                "sources-0-site_name": "Linden Street",
                "sources-0-retrieved_on": "2025-03-14",
                "sources-0-note": "Retrieved on 14th March 2025 from linden.example.org",
                "sources-0-position": "0",
                "sources-1-kind": "retrieved",
                "sources-1-url": "www.city-news.example.net/linden",
                "sources-1-retrieved_on": "2025-04",
                "sources-1-archived_url": "https://web.archive.example.org/linden",
                "sources-1-position": "1",
                "sources-2-kind": "translated",
                "sources-2-site_name": "Leaflet in Spanish",
                "sources-2-retrieved_on": "2025",
                "sources-2-position": "2",
            },
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        statement = Statement.objects.get(slug="against-the-eviction")
        assert statement.issued.isoformat() == "2025-03"
        assert statement.status == Statement.Status.DRAFT
        assert [(a.author.name, a.role) for a in statement.authorships.order_by("role")] == [
            ("Linden Street Residents", "author"),
            ("Neighbourhood Legal Team", "signatory"),
        ]
        sources = list(statement.sources.order_by("position"))
        assert [s.retrieved_on.isoformat() for s in sources] == ["2025-03-14", "2025-04", "2025"]
        assert sources[1].url == "https://www.city-news.example.net/linden"
        assert sorted(statement.tags.names()) == ["housing", "mutual aid"]
        assert "<sup" in statement.body_html  # rendered by the service, footnote included

        # The public cannot see the draft yet.
        assert client.get(statement.get_absolute_url()).status_code == 404

        response = editor_client.post(
            CHANGELIST_URL,
            {"action": "publish", "_selected_action": [statement.pk]},
            follow=True,
        )
        assert "1 statement(s) published." in response.content.decode()
        statement.refresh_from_db()
        assert statement.is_public

        page = client.get(statement.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert "Against the eviction of the Linden Street squat" in html
        assert "Linden Street Residents" in html
        assert "March 2025" in html
        assert "draft-banner" not in html

    def test_unpublish_action_hides_statement(self, editor_client, client):
        statement = make_statement("Visible for now")
        assert client.get(statement.get_absolute_url()).status_code == 200
        editor_client.post(
            CHANGELIST_URL, {"action": "unpublish", "_selected_action": [statement.pk]}
        )
        assert client.get(statement.get_absolute_url()).status_code == 404

    def test_publish_keeps_a_scheduled_date(self, editor_client):
        later = timezone.now() + datetime.timedelta(days=3)
        statement = make_statement(published=False)
        Statement.objects.filter(pk=statement.pk).update(published_at=later)
        response = editor_client.post(
            CHANGELIST_URL, {"action": "publish", "_selected_action": [statement.pk]}, follow=True
        )
        assert "1 stay scheduled" in response.content.decode()
        statement.refresh_from_db()
        assert statement.published_at == later
        assert not statement.is_public

    def test_editor_sees_draft_with_banner(self, editor_client):
        draft = make_statement("Work in progress", published=False)
        response = editor_client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert 'class="draft-banner"' in response.content.decode()

    def test_scheduled_statement_is_404_for_public_and_bannered_for_editor(
        self, client, editor_client
    ):
        scheduled = make_statement(published_at=timezone.now() + datetime.timedelta(days=1))
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        response = editor_client.get(scheduled.get_absolute_url())
        assert "Scheduled:" in response.content.decode()

    def test_changing_the_slug_leaves_a_redirect(self, editor_client, client):
        statement = make_statement("Old name", slug="old-name")
        url = reverse("admin:statements_statement_change", args=[statement.pk])
        form = editor_client.get(url).context["adminform"].form
        data = statement_post(
            title="New name",
            slug="new-name",
            body=statement.body,
            issued="",
            tags="",
            status="published",
            published_at_0=form.initial["published_at"].strftime("%Y-%m-%d"),
            published_at_1=form.initial["published_at"].strftime("%H:%M:%S"),
        )
        assert editor_client.post(url, data).status_code == 302
        assert SlugRedirect.objects.get(old_slug="old-name").statement == statement
        response = client.get("/statements/old-name/")
        assert response.status_code == 301
        assert response["Location"] == "/statements/new-name/"

    def test_credit_rows_cannot_delete_the_author_and_the_form_saves_from_the_top(
        self, editor_client
    ):
        statement = make_statement(signatories=[f"Group {n}" for n in range(3)])
        url = reverse("admin:statements_statement_change", args=[statement.pk])
        html = editor_client.get(url).content.decode()
        # No "Delete selected author" or "Change selected author" link on a credit row.
        assert 'id="delete_id_authorships-0-author"' not in html
        assert 'id="change_id_authorships-0-author"' not in html
        assert 'name="authorships-0-DELETE"' in html  # the row's own delete box stays
        assert html.count('class="submit-row"') == 2  # top and bottom

    def test_change_form_shows_partial_dates_as_typed(self, editor_client):
        from statements.core.dates import PartialDate

        statement = make_statement(
            issued="2025-03",
            sources=[SourceData(url="https://example.org/a", retrieved_on=PartialDate(2024))],
        )
        url = reverse("admin:statements_statement_change", args=[statement.pk])
        html = editor_client.get(url).content.decode()
        assert 'name="issued" value="2025-03"' in html
        assert 'name="sources-0-retrieved_on" value="2024"' in html

    def test_multi_word_tags_survive(self, editor_client):
        response = editor_client.post(ADD_URL, statement_post(tags="mutual aid, Anti-War , "))
        assert response.status_code == 302
        statement = Statement.objects.get(slug="against-the-eviction")
        assert sorted(statement.tags.names()) == ["Anti-War", "mutual aid"]

    def test_tags_are_matched_without_regard_to_case(self, editor_client):
        make_statement(tags=["Mutual Aid"])
        editor_client.post(ADD_URL, statement_post(tags="mutual aid"))
        assert Tag.objects.filter(name__iexact="mutual aid").count() == 1


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("issued", "2025-13", "Month 13 does not exist"),
            ("issued", "2025-02-30", "Day 30 does not exist"),
            ("issued", "13 March", "is not a date"),
            ("language", "xx", "Select a valid choice"),
            ("language", "eng", "Select a valid choice"),
            ("title", "", "This field is required"),
        ],
    )
    def test_statement_form_errors(self, editor_client, field, value, message):
        response = editor_client.post(ADD_URL, statement_post(**{field: value}))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Statement.objects.exists()

    @pytest.mark.parametrize(
        "url",
        ["ftp://files.example.org/x", "javascript:alert(1)", "file:///etc/passwd", "http://"],
    )
    def test_source_url_must_be_http(self, editor_client, url):
        data = statement_post(
            **inline_management("sources", 1),
            **{"sources-0-kind": "retrieved", "sources-0-url": url, "sources-0-position": "0"},
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert (
            "Enter a web address starting with http:// or https://." in response.content.decode()
            or "Enter a valid URL." in response.content.decode()
        )
        assert not Statement.objects.exists()
        assert not Source.objects.exists()

    def test_source_retrieved_date_is_validated(self, editor_client):
        data = statement_post(
            **inline_management("sources", 1),
            **{
                "sources-0-kind": "retrieved",
                "sources-0-url": "https://example.org",
                "sources-0-retrieved_on": "2025-00",
                "sources-0-position": "0",
            },
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert "Month 0 does not exist" in response.content.decode()

    def test_duplicate_slug_is_an_error(self, editor_client):
        make_statement(slug="taken")
        response = editor_client.post(ADD_URL, statement_post(slug="taken"))
        assert response.status_code == 200
        assert "Statement with this Address already exists." in response.content.decode()
        assert Statement.objects.count() == 1

    def test_published_without_a_time_publishes_now(self, editor_client, client):
        before = timezone.now()
        response = editor_client.post(ADD_URL, statement_post(status="published"))
        assert response.status_code == 302
        statement = Statement.objects.get()
        assert statement.status == "published"
        assert before <= statement.published_at <= timezone.now()
        assert client.get(statement.get_absolute_url()).status_code == 200

    def test_forty_signatories_in_one_paste(self, editor_client):
        make_author("Pëtr Kropotkin", kind="person")
        names = [f"Neighbourhood Assembly {n}" for n in range(38)]
        pasted = "\n".join(
            ["petr KROPOTKIN", *names[:20], "", "  Ana   Ruiz | person ", *names[20:]]
        )
        response = editor_client.post(ADD_URL, statement_post(signatories_paste=pasted))
        assert response.status_code == 302
        statement = Statement.objects.get()
        credits = list(statement.authorships.filter(role="signatory").select_related("author"))
        assert [c.author.name for c in credits] == [
            "Pëtr Kropotkin",
            *names[:20],
            "Ana Ruiz",
            *names[20:],
        ]
        assert [c.position for c in credits] == list(range(40))
        kinds = {c.author.name: c.author.kind for c in credits}
        assert kinds["Ana Ruiz"] == "person" and kinds["Neighbourhood Assembly 3"] == "collective"
        assert Author.objects.count() == 40  # Kropotkin matched, not made again
        assert "Neighbourhood Assembly 37" in statement.search_names
        # Pasting again, with one more: the forty stay once, the new one comes last.
        change = reverse("admin:statements_statement_change", args=[statement.pk])
        page = editor_client.get(change)
        again = editor_client.post(
            change,
            {
                **statement_post(
                    title=statement.title,
                    slug=statement.slug,
                    signatories_paste="Ana Ruiz\nNight Shelter Collective",
                ),
                **_credit_rows(page),
            },
        )
        assert again.status_code == 302, again.context["adminform"].form.errors.as_text() + str(
            [
                (f.formset.prefix, f.formset.errors, f.formset.non_form_errors())
                for f in again.context["inline_admin_formsets"]
            ]
        )
        credits = list(statement.authorships.filter(role="signatory").select_related("author"))
        assert len(credits) == 41 and credits[-1].author.name == "Night Shelter Collective"

    def test_a_pasted_line_with_a_wrong_kind_is_refused_with_its_line(self, editor_client):
        response = editor_client.post(
            ADD_URL, statement_post(signatories_paste="Ana Ruiz\nB | group\n| person")
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "line 2: after “|”, write person or collective" in html
        assert "line 3: no name before the “|”" in html
        assert not Statement.objects.exists() and not Author.objects.exists()

    def test_duplicate_author_in_same_role_is_an_error(self, editor_client):
        author = make_author()
        row = {"author": str(author.pk), "role": "author", "position": "0"}
        data = statement_post(
            **inline_management("authorships", 2),
            **{f"authorships-{i}-{k}": v for i in range(2) for k, v in row.items()},
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert "Please correct the duplicate data" in response.content.decode()

    def test_author_name_is_unique_without_regard_to_case(self, editor_client):
        make_author("Harbour Collective")
        response = editor_client.post(
            reverse("admin:statements_author_add"),
            {"name": "harbour collective", "slug": "harbour-2", "kind": "collective"},
        )
        assert response.status_code == 200
        assert "An author with this name already exists" in response.content.decode()

    def test_author_website_must_be_http(self, editor_client):
        response = editor_client.post(
            reverse("admin:statements_author_add"),
            {"name": "X", "slug": "x", "kind": "collective", "website": "javascript:alert(1)"},
        )
        assert response.status_code == 200
        assert not Author.objects.exists()

    def test_bad_filter_values_do_not_500(self, editor_client):
        for query in ["year=abcd", "year=0", "tag=nope", "author_kind=alien", "status=evil"]:
            response = editor_client.get(f"{CHANGELIST_URL}?{query}")
            # An impossible year is a 400 with a message (see the test below).
            assert response.status_code in (200, 302, 400), query


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(CHANGELIST_URL)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_non_staff_user_cannot_reach_admin(self, client):
        User.objects.create_user("reader", password="a-long-test-password-1")
        from django.http import HttpRequest

        # django-axes counts sign-ins per request: the test client's login must give one.
        client.login(request=HttpRequest(), username="reader", password="a-long-test-password-1")
        response = client.get(CHANGELIST_URL)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_editors_cannot_manage_users(self, editor_client):
        assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
        assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403

    def test_staff_outside_editors_cannot_edit_statements(self, client):
        user = User.objects.create_user("helper", password="a-long-test-password-1", is_staff=True)
        client.force_login(user)
        assert client.get(CHANGELIST_URL).status_code == 403

    def test_draft_is_404_for_anonymous(self, client):
        draft = make_statement(published=False)
        assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
class TestTagsAdmin:
    def test_rename_keeps_statements(self, editor_client):
        statement = make_statement(tags=["anti war"])
        tag = Tag.objects.get(name="anti war")
        url = reverse("admin:statements_tag_change", args=[tag.pk])
        response = editor_client.post(url, {"name": "anti-war", "slug": "anti-war"})
        assert response.status_code == 302
        assert list(statement.tags.names()) == ["anti-war"]

    def test_rename_to_existing_name_in_other_case_is_an_error(self, editor_client):
        make_statement(tags=["Housing", "rent"])
        tag = Tag.objects.get(name="rent")
        url = reverse("admin:statements_tag_change", args=[tag.pk])
        response = editor_client.post(url, {"name": "housing", "slug": "rent"})
        assert response.status_code == 200
        assert "A tag with this name already exists" in response.content.decode()

    def test_merge_moves_statements_and_deletes_others(self, editor_client):
        one = make_statement(tags=["antiwar"])
        both = make_statement(tags=["antiwar", "anti-war"])
        other = make_statement(tags=["anti-war"])
        keep = Tag.objects.get(name="anti-war")
        merged = Tag.objects.get(name="antiwar")
        url = reverse("admin:statements_tag_changelist")
        selection = {"action": "merge", "_selected_action": [keep.pk, merged.pk]}
        confirm = editor_client.post(url, selection)
        assert confirm.status_code == 200
        assert "Keep this tag" in confirm.content.decode()
        response = editor_client.post(url, {**selection, "into": keep.pk}, follow=True)
        assert "Merged antiwar into anti-war" in response.content.decode()
        assert not Tag.objects.filter(pk=merged.pk).exists()
        for statement in (one, both, other):
            assert list(statement.tags.names()) == ["anti-war"]

    def test_tag_changelist_shows_counts(self, editor_client):
        make_statement(tags=["counted"])
        make_statement(tags=["counted"])
        response = editor_client.get(reverse("admin:statements_tag_changelist"))
        assert response.context["cl"].result_list[0].statement_count == 2


@pytest.mark.django_db
class TestChangelistQueryCounts:
    @pytest.mark.parametrize(
        "url_name",
        [
            "admin:statements_statement_changelist",
            "admin:statements_author_changelist",
            "admin:statements_tag_changelist",
        ],
    )
    def test_queries_do_not_grow_with_rows(self, editor_client, url_name):
        def grow():
            for i in range(12):
                make_statement(
                    authors=[f"Author {i}", f"Co-author {i}"],
                    signatories=[f"Signatory {i}-{j}" for j in range(5)],
                    tags=[f"tag {i}", "common"],
                    issued=f"20{10 + i}-0{1 + i % 9}",
                )

        make_statement(authors=["A1"], signatories=["S1"], tags=["t1"], issued="2024")
        few, many = query_counts(editor_client, reverse(url_name), grow=grow)
        assert many == few


@pytest.mark.django_db
class TestAdminSearch:
    def test_search_uses_the_full_text_index(self, editor_client):
        make_statement("Body match", body="The dockers were striking.", published=False)
        make_statement("Author match", authors=["Dockers Union"], body="x")
        make_statement("Title part: Dockworkers", body="x")
        make_statement("Unrelated", body="x")
        response = editor_client.get(CHANGELIST_URL, {"q": "striking"})
        assert [s.title for s in response.context["cl"].result_list] == ["Body match"]
        response = editor_client.get(CHANGELIST_URL, {"q": "dockers"})
        titles = sorted(s.title for s in response.context["cl"].result_list)
        assert titles == ["Author match", "Body match"]
        response = editor_client.get(CHANGELIST_URL, {"q": "dockwork"})
        assert [s.title for s in response.context["cl"].result_list] == ["Title part: Dockworkers"]

    def test_search_plan_never_scans_bodies(self, editor_client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            editor_client.get(CHANGELIST_URL, {"q": 'anything "odd'})
        sql = " ".join(query["sql"] for query in captured)
        assert '"statements_statement"."search_vector" @@' in sql
        assert '"body"::text' not in sql
        assert 'UPPER("statements_statement"."body"' not in sql

    def test_a_nul_in_the_search_is_refused_with_a_message(self, editor_client):
        make_statement("Findable")
        response = editor_client.get(CHANGELIST_URL, {"q": "anything \x00 odd"})
        assert response.status_code == 200
        assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "language=%00",
        "status=%00",
        "author_kind=%00",
        "tag=a%00b",
        "year=99999",
        "year=%00",
        "date_start__year=0",
        "date_start__year=2025&date_start__month=13",
    ],
)
@pytest.mark.parametrize("model", ["statement", "author", "tag", "importedfile"])
def test_list_filters_answer_400_to_a_nul_or_an_impossible_date(editor_client, model, query):
    response = editor_client.get(f"/admin/statements/{model}/?{query}")
    assert response.status_code == 400
    assert "error-message" in response.content.decode()
    assert editor_client.get(f"/admin/statements/{model}/?year=2025").status_code in (200, 302)


@pytest.mark.django_db
def test_view_on_site_reveals_no_address_to_staff_without_the_right(client, editor_client):
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    draft = make_statement("Unannounced", slug="unannounced-plan", published=False)
    kind = ContentType.objects.get_for_model(draft)
    url = f"/admin/r/{kind.pk}/{draft.pk}/"
    staff = User.objects.create_user("clerk", password="a-long-test-password-2", is_staff=True)
    client.force_login(staff)  # staff, but no right to view statements
    response = client.get(url)
    assert response.status_code == 404
    assert "unannounced-plan" not in response.content.decode()
    assert client.get(f"/admin/r/{kind.pk}x/{draft.pk}/").status_code == 404
    allowed = editor_client.get(url)
    assert allowed.status_code == 302 and allowed["Location"].endswith(
        "/statements/unannounced-plan/"
    )


@pytest.mark.django_db
class TestSignInThrottle:
    PASSWORD = "a-long-test-password-1"  # make_editor's

    def sign_in(self, client, username, password, address):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    def test_five_failures_lock_that_account_from_that_address_only(self, client, editor):
        """A stranger's five guesses locked the account from every address for 15 minutes:
        now the account and the address together."""
        for _ in range(4):
            assert self.sign_in(client, "editor", "guess", "203.0.113.4").status_code == 200
        assert self.sign_in(client, "editor", "guess", "203.0.113.4").status_code == 429
        refused = self.sign_in(client, "editor", self.PASSWORD, "203.0.113.4")
        assert refused.status_code == 429
        assert "Too many failed sign-ins" in refused.content.decode()
        # The editor, elsewhere, signs in.
        assert self.sign_in(client, "editor", self.PASSWORD, "198.51.100.9").status_code == 302

    def test_guesses_on_other_accounts_lock_no_one_else(self, client, editor):
        for n in range(10):
            self.sign_in(client, f"nobody-{n % 2}", "guess", "203.0.113.77")
        assert self.sign_in(client, "editor", self.PASSWORD, "203.0.113.77").status_code == 302

    def test_behind_a_trusted_proxy_the_client_is_its_forwarded_address(
        self, client, editor, settings
    ):
        settings.ARCHIVE_TRUSTED_PROXIES = ["10.0.0.2", "10.1.0.0/16"]

        def through_proxy(password, forwarded, remote="10.0.0.2"):
            return client.post(
                "/admin/login/?next=/admin/",
                {"username": "editor", "password": password},
                REMOTE_ADDR=remote,
                HTTP_X_FORWARDED_FOR=forwarded,
            )

        # The stranger at 203.0.113.5 claims to be 198.51.100.7; nginx appends the address
        # it was reached from, so the right-most untrusted one is the stranger's.
        for _ in range(5):
            through_proxy("guess", "198.51.100.7, 203.0.113.5, 10.1.2.3")
        assert through_proxy(self.PASSWORD, "203.0.113.5").status_code == 429
        assert through_proxy(self.PASSWORD, "198.51.100.7").status_code == 302
        client.logout()
        # From an address that is no trusted proxy, X-Forwarded-For is not believed.
        for _ in range(5):
            through_proxy("guess", "192.0.2.50", remote="203.0.113.66")
        assert through_proxy(self.PASSWORD, "192.0.2.50").status_code == 302
        client.logout()
        assert through_proxy(self.PASSWORD, "192.0.2.1", remote="203.0.113.66").status_code == 429

    def test_a_success_clears_the_count(self, client, editor):
        for _ in range(4):
            self.sign_in(client, "editor", "guess", "203.0.113.8")
        assert self.sign_in(client, "editor", self.PASSWORD, "203.0.113.8").status_code == 302
        client.logout()
        for _ in range(4):
            self.sign_in(client, "editor", "guess", "203.0.113.8")
        assert self.sign_in(client, "editor", self.PASSWORD, "203.0.113.8").status_code == 302


@pytest.mark.django_db
def test_saving_in_the_admin_keeps_the_vocabulary_exact(editor_client):
    """Each admin save took a statement's words out of the "did you mean" vocabulary and
    never put them back: counts fell with every save until the database refused one."""
    from statements.catalog.indexing import search_words_rebuild
    from statements.models import SearchWord

    make_statement("Solidarity with the dockers", body="Solidarity with the dockers of Genoa.")
    editor_client.post(ADD_URL, statement_post(status="published"))
    statement = Statement.objects.get(slug="against-the-eviction")
    change = reverse("admin:statements_statement_change", args=[statement.pk])
    for _ in range(3):
        data = statement_post(status="published", signatories_paste="Dockers Union")
        response = editor_client.post(change, data)
        assert response.status_code == 302
    counted = dict(SearchWord.objects.values_list("word", "documents"))
    search_words_rebuild()
    assert counted == dict(SearchWord.objects.values_list("word", "documents"))
    assert counted["linden"] == 1 and counted["solidarity"] == 1
