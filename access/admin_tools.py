"""The access record of the admin's pages, for the apps whose admins show citizens'
data: ``AccessRecordAdminMixin`` before ``admin.ModelAdmin``."""

from .records import access_record


class AccessRecordAdminMixin:
    """Each change view (also the view-only one) and each changelist page writes one
    access record row (a list spanning offices: one row per office, still one INSERT)
    with the objects shown. ``access_office(obj)`` gives an object's office slug."""

    @staticmethod
    def access_office(obj):
        return ""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # Evaluates the page's rows once: the template then reads the same rows.
            access_record(request, changelist.result_list, office=self.access_office)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = (getattr(response, "context_data", None) or {}).get("original")
        if shown is not None:
            access_record(request, [shown], office=self.access_office)
        return response
