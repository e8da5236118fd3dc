"""Sign-in and two-factor pages, and the pages that manage organisations and people.

Views parse input, call one selector or service, and render; the rules live in
services and the policy.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from rocu.accounts import selectors, services
from rocu.accounts.forms import (
    AccreditationForm,
    ActiveForm,
    GroupForm,
    MemberForm,
    PartnerForm,
    PeopleFilterForm,
    PersonForm,
    RolesForm,
    SignInForm,
    TokenForm,
    UnitForm,
)
from rocu.accounts.models import Accreditation, Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.errors import ApplicationError, NotFound
from rocu.core.policy import Perm
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view()(request)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """django-axes (8.x) calls this once an account has too many failed sign-ins."""
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(actor=None, actor_username=username, category=Category.AUTHENTICATION, action="accounts.locked_out")
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (first time) or ask for its code (every sign-in)."""
    user = signed_in_user(request)
    if not policy.requires_two_factor(user) or getattr(user, "is_verified", lambda: False)():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, category=Category.AUTHENTICATION, action="accounts.two_factor.enrol", obj=user)
            otp_login(request, device)
            audit_record(actor=user, category=Category.AUTHENTICATION, action="accounts.two_factor.verify", obj=user)
            return redirect(_safe_next(request))
        audit_record(actor=user, category=Category.AUTHENTICATION, action="accounts.two_factor.fail", obj=user)
        form.add_error("token", "That code is not right. Check the time on your device and try again.")
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
        buf = io.BytesIO()
        image.save(buf)
        context["qr_svg"] = "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
        context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/two_factor.html", context)


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    person = selectors.person_get(user=signed_in_user(request), pk=signed_in_user(request).pk, audit=False)
    groups = selectors.groups_list(user=signed_in_user(request)).filter(memberships__user=signed_in_user(request))
    return render(
        request,
        "accounts/my_account.html",
        {
            "person": person,
            "groups": groups,
            "permissions": sorted(policy.permissions_for(signed_in_user(request))),
            "scope": policy.scope_for(signed_in_user(request)),
            "two_factor_needed": policy.requires_two_factor(signed_in_user(request)),
        },
    )


# --- Organisations ---------------------------------------------------------------


@perm_required(Perm.ORGANISATIONS_VIEW)
@require_http_methods(["GET", "POST"])
def organisations(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    can_manage = policy.has_perm(user, Perm.PEOPLE_MANAGE)
    unit_form = UnitForm(request.POST if request.POST.get("form") == "unit" else None, prefix="unit")
    partner_form = PartnerForm(request.POST if request.POST.get("form") == "partner" else None, prefix="partner")
    if request.method == "POST":
        policy.require(user, Perm.PEOPLE_MANAGE)
        region = Region.objects.filter(pk=user.region_id).first()
        try:
            if request.POST.get("form") == "unit" and unit_form.is_valid():
                if region is None:
                    raise ApplicationError("You have no home region to add a unit to.")
                services.unit_create(actor=user, region=region, **unit_form.cleaned_data)
                messages.success(request, "Unit added.")
                return redirect("accounts:organisations")
            if request.POST.get("form") == "partner" and partner_form.is_valid():
                data = partner_form.cleaned_data
                services.partner_create(
                    actor=user, name=data["name"], kind=data["kind"], region=None if data["national"] else region
                )
                messages.success(request, "Partner agency added.")
                return redirect("accounts:organisations")
        except ApplicationError as exc:
            apply_service_error(unit_form if request.POST.get("form") == "unit" else partner_form, exc)
    return render(
        request,
        "accounts/organisations.html",
        {
            "regions": selectors.regions_list(user=user),
            "forces": selectors.forces_list(user=user),
            "units": selectors.units_list(user=user, region_id=user.region_id)
            if user.region_id
            else selectors.units_list(user=user),
            "partners": selectors.partners_list(user=user),
            "can_manage": can_manage,
            "unit_form": unit_form,
            "partner_form": partner_form,
        },
    )


# --- People ----------------------------------------------------------------------


def _org_choices(user: Any) -> dict[str, Any]:
    scope = policy.scope_for(user)
    regions = selectors.regions_list(user=user)
    if not scope.all_regions:
        regions = regions.filter(pk=scope.region_id or 0)
    region_id = None if scope.all_regions else scope.region_id
    return {
        "regions": regions,
        "forces": selectors.forces_list(user=user, region_id=region_id),
        "units": selectors.units_list(user=user, region_id=region_id),
        "partners": selectors.partners_list(user=user),
    }


@perm_required(Perm.PEOPLE_VIEW)
def people(request: HttpRequest) -> HttpResponse:
    filters = PeopleFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.people_list(
        user=signed_in_user(request),
        q=data.get("q", ""),
        role=data.get("role", ""),
        sort=data.get("sort") or "username",
        active=data.get("active", ""),
    )
    page = paginate(request, qs)
    return render(
        request,
        "accounts/people.html",
        {
            "page": page,
            "filters": filters,
            "count": page.paginator.count,
            "can_manage": policy.has_perm(signed_in_user(request), Perm.PEOPLE_MANAGE),
        },
    )


@perm_required(Perm.PEOPLE_VIEW)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.person_get(user=signed_in_user(request), pk=pk)
    return render(
        request,
        "accounts/person.html",
        {
            "person": target,
            "groups": selectors.groups_list(user=signed_in_user(request))
            .filter(memberships__user=target)
            .filter(memberships__group__memberships__user=signed_in_user(request))
            .distinct(),
            "can_manage": policy.has_perm(signed_in_user(request), Perm.PEOPLE_MANAGE),
            "roles_form": RolesForm(initial={"roles": target.role_names()}),
            "accreditation_form": AccreditationForm(),
            "active_form": ActiveForm(),
        },
    )


@perm_required(Perm.PEOPLE_MANAGE)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, **_org_choices(signed_in_user(request)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(actor=signed_in_user(request), **data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                f"{created.display_name} added. They sign in through single sign-on"
                " or a password set by an administrator.",
            )
            return redirect("accounts:person", pk=created.pk)
    return render(request, "accounts/person_form.html", {"form": form, "creating": True})


@perm_required(Perm.PEOPLE_MANAGE)
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.person_get(user=signed_in_user(request), pk=pk, audit=False)
    initial = {f: getattr(target, f) for f in services.USER_FIELDS}
    form = PersonForm(request.POST or None, initial=initial, editing=True, **_org_choices(signed_in_user(request)))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=signed_in_user(request), user=target, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("accounts:person", pk=target.pk)
    return render(request, "accounts/person_form.html", {"form": form, "creating": False, "person": target})


@perm_required(Perm.PEOPLE_MANAGE)
@require_POST
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.person_get(user=signed_in_user(request), pk=pk, audit=False)
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_roles(actor=signed_in_user(request), user=target, roles=form.cleaned_data["roles"])
            messages.success(request, "Roles saved.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Choose roles from the list.")
    return redirect("accounts:person", pk=target.pk)


@perm_required(Perm.PEOPLE_MANAGE)
@require_POST
def person_accreditation(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.person_get(user=signed_in_user(request), pk=pk, audit=False)
    form = AccreditationForm(request.POST)
    if form.is_valid():
        try:
            services.accreditation_set(actor=signed_in_user(request), user=target, **form.cleaned_data)
            messages.success(request, "Accreditation saved.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(
            request,
            "Check the accreditation: "
            + "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()),
        )
    return redirect("accounts:person", pk=target.pk)


@perm_required(Perm.PEOPLE_MANAGE)
@require_POST
def person_accreditation_remove(request: HttpRequest, pk: int, acc_pk: int) -> HttpResponse:
    target = selectors.person_get(user=signed_in_user(request), pk=pk, audit=False)
    accreditation = Accreditation.objects.filter(user=target, pk=acc_pk).first()
    if accreditation is None:
        raise NotFound()
    services.accreditation_remove(actor=signed_in_user(request), accreditation=accreditation)
    messages.success(request, "Accreditation removed.")
    return redirect("accounts:person", pk=target.pk)


@perm_required(Perm.PEOPLE_MANAGE)
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.person_get(user=signed_in_user(request), pk=pk, audit=False)
    form = ActiveForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_active(
                actor=signed_in_user(request),
                user=target,
                active=request.POST.get("active") == "yes",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Account updated.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Give a reason for the change.")
    return redirect("accounts:person", pk=target.pk)


# --- Need-to-know groups -------------------------------------------------------------


@perm_required(Perm.GROUPS_VIEW)
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    can_manage = policy.has_perm(user, Perm.PEOPLE_MANAGE)
    form = GroupForm(request.POST or None)
    if request.method == "POST":
        policy.require(user, Perm.PEOPLE_MANAGE)
        if form.is_valid():
            region = Region.objects.filter(pk=user.region_id).first()
            try:
                if region is None:
                    raise ApplicationError("You have no home region.")
                group = services.group_create(actor=user, region=region, **form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Group created; you are its first member.")
                return redirect("accounts:group", pk=group.pk)
    page = paginate(request, selectors.groups_list(user=user).order_by("name"))
    mine = set(selectors.groups_list(user=user).filter(memberships__user=user).values_list("pk", flat=True))
    return render(request, "accounts/groups.html", {"page": page, "mine": mine, "form": form, "can_manage": can_manage})


@perm_required(Perm.GROUPS_VIEW)
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    target, member = selectors.group_get(user=user, pk=pk)
    can_change = member and policy.has_perm(user, Perm.PEOPLE_MANAGE)
    form = MemberForm(request.POST or None, users=selectors.users_for_region(user=user, region_id=target.region_id))
    if request.method == "POST":
        if not can_change:
            raise NotFound()
        try:
            if request.POST.get("remove"):
                people = selectors.users_for_region(user=user, region_id=target.region_id)
                remove_pk = request.POST["remove"]
                removed = people.filter(pk=remove_pk).first() if remove_pk.isascii() and remove_pk.isdigit() else None
                if removed is None:
                    raise NotFound()
                services.group_remove_member(actor=user, group=target, user=removed)
                messages.success(request, "Member removed.")
                return redirect("accounts:group", pk=target.pk)
            if form.is_valid():
                services.group_add_member(actor=user, group=target, user=form.cleaned_data["user"])
                messages.success(request, "Member added.")
                return redirect("accounts:group", pk=target.pk)
        except ApplicationError as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "accounts/group.html",
        {
            "group": target,
            "member": member,
            "can_change": can_change,
            "form": form,
            "members": selectors.group_members(user=user, group=target),
        },
    )
