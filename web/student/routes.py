"""The student portal. Access is checked once, in web/student/__init__.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.extensions import db
from web.formatting import firm_name
from web.forms_common import filled_languages, filled_skills, pad_rows
from web.models import Application, Posting, StudentProfile
from web.pagination import paginate
from web.services import applications as application_service
from web.services import interviews, ranking
from web.services import postings as posting_service
from web.services.profiles import ProfileData, save_profile
from web.student import bp
from web.student.forms import ApplyForm, ProfileForm, StageForm


def _profile() -> StudentProfile:
    profile = current_user.profile
    if profile is None:  # an account made before profiles existed: give it one
        profile = StudentProfile(user=current_user, full_name="")
        db.session.add(profile)
        db.session.flush()
    return profile


def _own_application(application_id: int) -> Application:
    application = application_service.owned_by_student(application_id, _profile())
    if application is None:
        abort(404)
    return application


@bp.route("/")
def dashboard() -> str:
    profile = _profile()
    recent = db.session.scalars(application_service.for_student_query(profile).limit(5)).all()
    return render_template("student/dashboard.html", profile=profile, recent=recent)


@bp.route("/profile")
def profile() -> str:
    return render_template("student/profile.html", profile=_profile())


@bp.route("/profile/edit", methods=["GET", "POST"])
def edit_profile() -> Response | str:
    profile = _profile()
    if request.method == "GET":
        form = ProfileForm(
            data={
                "full_name": profile.full_name,
                "university": profile.university or "",
                "programme": profile.programme,
                "year_of_study": profile.year_of_study,
                "graduation_year": profile.graduation_year,
                "available_from": profile.available_from,
                "available_to": profile.available_to,
                "bio": profile.bio,
                "skills": [{"name": s.name, "level": s.level} for s in profile.skills],
                "languages": [
                    {"language": lang.language, "level": lang.level} for lang in profile.languages
                ],
            }
        )
    else:
        form = ProfileForm()
    if form.add_rows.data:
        pad_rows(form.skills, extra=5)
        pad_rows(form.languages, extra=2)
    elif form.validate_on_submit():
        save_profile(
            profile,
            ProfileData(
                full_name=form.full_name.data,
                university=form.university.data,
                programme=form.programme.data,
                year_of_study=form.year_of_study.data,
                graduation_year=form.graduation_year.data,
                available_from=form.available_from.data,
                available_to=form.available_to.data,
                bio=form.bio.data,
                skills=filled_skills(form.skills),
                languages=filled_languages(form.languages),
            ),
        )
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("student.profile"))
    pad_rows(form.skills)
    pad_rows(form.languages, extra=1)
    return render_template("student/edit_profile.html", form=form)


@bp.route("/recommendations")
def recommendations() -> str:
    profile = _profile()
    items = ranking.recommend(profile, top=30, today=date.today()) if profile.skills else []
    return render_template(
        "student/recommendations.html",
        profile=profile,
        items=items,
        applied=application_service.stages_by_posting(profile),
    )


@bp.post("/postings/<ref>/apply")
def apply(ref: str) -> Response | tuple[str, int]:
    posting = posting_service.get_by_ref(ref)
    if posting is None or not posting.is_visible:
        abort(404)
    form = ApplyForm(firm=posting.firm)
    if not form.validate_on_submit():
        return _posting_page(posting, form), 400
    try:
        application = application_service.apply(
            _profile(),
            posting,
            form.cover_note.data,
            today=date.today(),
            transfer_consent=form.transfer_consent.data,
        )
    except application_service.ApplicationError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("public.posting", ref=ref))
    db.session.commit()
    flash(_("Your application to %(firm)s is sent.", firm=firm_name(posting.firm)), "success")
    return redirect(url_for("student.application", application_id=application.id))


def _posting_page(posting: Posting, form: ApplyForm) -> str:
    """The posting again, with the apply form's errors on their fields."""
    profile = _profile()
    return render_template(
        "public/posting.html",
        posting=posting,
        application=application_service.find(profile, posting),
        placed=application_service.placement(profile),
        apply_form=form,
        fit=ranking.explain(profile, posting),
        accepting=posting.accepts_applications(date.today()),
    )


@bp.route("/applications")
def applications() -> str:
    page = paginate(application_service.for_student_query(_profile()))
    now = datetime.now(UTC)
    upcoming = {a.id: interviews.next_interview(a.interviews, now) for a in page.items}
    return render_template("student/applications.html", page=page, upcoming=upcoming)


@bp.route("/applications/<int:application_id>")
def application(application_id: int) -> str:
    """The tracker of one application: stage, history, interviews, offer (see offers.py)."""
    application = _own_application(application_id)
    return render_template(
        "student/application.html",
        application=application,
        form=StageForm(data={"version": application.version}),
        now=datetime.now(UTC),
        as_utc=interviews.as_utc,
    )
