"""The admin site's own pages and settings for the archive."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitDefaultTag

# We use our own tag model; taggit's default one would only confuse editors.
admin.site.unregister(TaggitDefaultTag)


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect (``/admin/r/<type>/<id>/``), for staff who may
    view that kind of object only: to anyone else it would reveal a draft's address."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut
    from django.http import Http404

    kind = (
        ContentType.objects.filter(pk=content_type_id).first()
        if content_type_id.isdigit()
        else None
    )
    if kind is None or not request.user.has_perm(f"{kind.app_label}.view_{kind.model}"):
        raise Http404(_("Nothing to view here."))
    return shortcut(request, content_type_id, object_id)
